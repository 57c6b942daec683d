"""Timelines: dated happenings, each described by one sentence taken from the sources.

Every sentence holding a resolved day or month expression (other than the
publication stamp) is a candidate for that date; an article with none offers
its lead sentence at its publication date, since news reports what just
happened. Dates are ranked by how many articles support them, and each
selected date is described by its most central candidate sentence (the one
sharing most words with the others for that date), preferring the reader's
language when the date has a candidate in it. A sentence describes at most
one date.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from newsweave.analyse.text import LETTER

_WORD = re.compile(r"\w+", re.UNICODE)
_DAY_OR_MONTH = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
MAX_SENTENCE_CHARS = 400


@dataclass
class Candidate:
    """One dated sentence from one article."""

    date: str
    text: str
    lang: str | None
    article: str
    event: str | None = None  # the article's event, where the store has clustered it


@dataclass
class TimelineEntry:
    """One date of a timeline with the sentence chosen to describe it."""

    date: str
    description: str
    lang: str | None
    article: str
    articles: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"date": self.date, "description": self.description, "lang": self.lang,
                "article": self.article, "articles": self.articles}


def candidates(article: dict[str, Any], exprs: list[dict[str, Any]], event: str | None = None) -> list[Candidate]:
    """Dated sentences of one article (``article``: id, text, lang, published, sentences) of ``event``."""
    text, spans = article["text"], article["sentences"]
    found: list[Candidate] = []
    for e in exprs:
        value = e["value"] or ""
        if e["role"] == "publication" or not _DAY_OR_MONTH.match(value):
            continue
        span = next(((s, t) for s, t in spans if s <= e["start"] < t), None)
        if span and span[1] - span[0] <= MAX_SENTENCE_CHARS and _tells(text, span, (e["start"], e["end"])):
            found.append(Candidate(value, text[span[0] : span[1]], article["lang"], article["id"], event))
    if not found and article.get("published") and spans:
        s, t = spans[0]
        found.append(Candidate(article["published"][:10], text[s:t][:MAX_SENTENCE_CHARS], article["lang"], article["id"],
                               event))
    return found


def _tells(text: str, sentence: tuple[int, int], date: tuple[int, int]) -> bool:
    """Whether a sentence says more than its date: ITN's blurbs end with "(6 September 2022)", which the
    sentence splitter keeps apart and a timeline would print as what happened."""
    rest = text[sentence[0] : date[0]] + " " + text[date[1] : sentence[1]]
    return len(LETTER.findall(rest)) >= 4  # letters, not words: Chinese and Japanese write no spaces


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if len(w) > 2}


def _central(preferred: list[Candidate], pool: list[Candidate]) -> Candidate:
    """The preferred candidate sharing most words with the date's other candidates (ties: shorter)."""
    bags = [(c, _words(c.text)) for c in pool]

    def score(c: Candidate) -> tuple[float, int]:
        mine = _words(c.text)
        overlap = sum(len(mine & b) / (len(mine | b) or 1) for other, b in bags if other is not c)
        return overlap, -len(c.text)

    return max(preferred, key=score)


def build_timeline(cands: list[Candidate], reader_lang: str | None = "en", max_entries: int | None = None) -> list[TimelineEntry]:
    """Rank dates by supporting articles, describe each, return them in date order.

    ``max_entries`` keeps the best-supported dates. A date gets one line per event
    its candidates come from (articles not clustered yet are one group), each
    citing only that event's articles: two things that happened on one day are
    two lines, and neither cites the other's reports.

    A sentence describes one line only: one naming two dates ("arrived on
    Friday, a month after the troops were sent") would otherwise be printed
    twice. Dates are described best-supported first, a day before a month
    at equal support (the day is usually what the sentence reports, the
    month its background); a date left with no unused sentence is skipped
    and the next-ranked date takes its place.
    """
    by_date: dict[str, list[Candidate]] = defaultdict(list)
    for c in cands:
        by_date[c.date].append(c)
    ranked = sorted(by_date, key=lambda d: (-len({c.article for c in by_date[d]}), -len(by_date[d]), -len(d), d))
    used: set[str] = set()
    entries: list[TimelineEntry] = []
    dates = 0
    for date in ranked:
        if max_entries and dates >= max_entries:
            break
        lines = [e for group in _by_event(by_date[date]) if (e := _describe(date, group, reader_lang, used))]
        entries.extend(lines)
        dates += bool(lines)
    return sorted(entries, key=lambda e: e.date)  # stable: a date's lines stay best-supported first


def _by_event(pool: list[Candidate]) -> list[list[Candidate]]:
    """A date's candidates per event, the best-supported event first."""
    groups: dict[str | None, list[Candidate]] = defaultdict(list)
    for c in pool:
        groups[c.event].append(c)
    return sorted(groups.values(), key=lambda g: (-len({c.article for c in g}), -len(g), g[0].article))


def _describe(date: str, pool: list[Candidate], reader_lang: str | None, used: set[str]) -> TimelineEntry | None:
    """The line for one date and event: its most central unused sentence, None when all are used."""
    fresh = [c for c in pool if c.text not in used]
    if not fresh:
        return None
    preferred = [c for c in fresh if c.lang == reader_lang] or fresh
    best = _central(preferred, pool)
    used.add(best.text)
    return TimelineEntry(date, best.text, best.lang, best.article, sorted({c.article for c in pool}))
