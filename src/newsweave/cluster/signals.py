"""What the clusterer knows about one article: vector, language, dates, entities, terms.

Signals are read from the store in bulk (a few queries per batch, never one
per article) so clustering a batch of new articles costs the same whatever the
store's size.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Words of three or more letters, or runs of CJK / kana / Hangul (split into
# bigrams below), or numbers of 2+ digits: the units of the term signal.
_WORD = re.compile(r"[^\W\d_]{3,}|\d{2,}", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
MAX_TERMS = 120  # per article: the most frequent terms carry the signal; the tail only costs time


@dataclass
class ArticleSignals:
    """One article as the clusterer sees it."""

    id: str
    lang: str | None
    vector: np.ndarray  # raw encoder vector (unit length); centred by the clusterer
    date: dt.date | None  # publication date, else the date most of its reported events fall on
    dated_by: str  # "published" | "content" | "none"
    event_dates: list[dt.date] = field(default_factory=list)
    latest_year: int | None = None  # the latest calendar year any of its time expressions names
    entities: Counter[str] = field(default_factory=Counter)  # entity id -> mentions
    entity_names: dict[str, str] = field(default_factory=dict)
    terms: Counter[int] = field(default_factory=Counter)  # hashed term -> count
    term_text: dict[int, str] = field(default_factory=dict)  # hashed term -> one surface, for explanations
    title: str | None = None
    duplicate_of: str | None = None
    # the stored columns these signals were made from (text hash, date, title): its placement is checked
    # against them when saved (``store.changes``), as a re-ingest may change the article meanwhile
    seen: dict[str, Any] = field(default_factory=dict)


def term_key(term: str) -> int:
    """A stable 24-bit hash of a term: the document-frequency table stays a fixed size."""
    return zlib.crc32(term.encode("utf-8")) & 0xFFFFFF


def extract_terms(text: str) -> tuple[Counter[int], dict[int, str]]:
    """Lower-cased word and number counts, CJK as character bigrams, capped at ``MAX_TERMS``."""
    words = _WORD.findall(text.casefold())
    if not _CJK.search(text):  # most texts: count the words at C speed
        counts: Counter[str] = Counter(words)
    else:
        counts = Counter()
        for word in words:
            if _CJK.search(word):
                counts.update(word[i : i + 2] for i in range(len(word) - 1))
            else:
                counts[word] += 1
    top = counts.most_common(MAX_TERMS)
    return Counter({term_key(w): c for w, c in top}), {term_key(w): w for w, _ in top}


def parse_date(value: str | None) -> dt.date | None:
    """An ISO day (or datetime) as a date; months, years and weeks give None."""
    if not value or len(value) < 10 or not value[:4].isdigit():
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def year_of(value: str | None) -> int | None:
    """The latest calendar year a normalised time value names ("2008", "2008-12", "2008-W51", "2008/2009" -> 2009,
    "2012-10/2013-02" -> 2013), if plausible."""
    if not value:
        return None
    years = [int(part[:4]) for part in value.split("/")
             if len(part) >= 4 and part[:4].isdigit() and (len(part) == 4 or part[4] in "-W")]
    years = [y for y in years if 1800 <= y <= 2199]
    return max(years) if years else None


def content_date(event_dates: list[dt.date]) -> dt.date | None:
    """The day most reported events fall on (latest on a tie): a stand-in for an unknown publication date."""
    if not event_dates:
        return None
    counts = Counter(event_dates)
    return max(counts, key=lambda d: (counts[d], d))
