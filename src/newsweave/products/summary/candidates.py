"""Candidate sentences and the event's who/where: what the selector scores.

Candidates are the first ``MAX_PER_ARTICLE`` sentences of each article that
look like prose (long enough, not captions, datelines or bylines); the lead of
a news article carries its who/what/where/when, so later sentences are never
embedded. Each candidate keeps its mentions and resolved dates with offsets
relative to the sentence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from newsweave.products.summary.model import SourceArticle

MAX_PER_ARTICLE = 12
MAX_CANDIDATES = 150  # a storyline of many articles gets fewer, earlier sentences from each (at least 3)
MIN_CHARS, MAX_CHARS, MIN_WORDS = 40, 400, 6
TOP_ENTITIES = 6
ENTITY_TYPES = ("PER", "ORG", "LOC")
_WORD = re.compile(r"[^\W\d_]{2,}")
_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?(T[\d:]+)?$")  # a resolved day or month (optionally a time)
_FINAL = re.compile(r"[.!?…»”\"')\]]\s*$")
_QUOTE_OPEN = "«“\"„‘'"


@dataclass
class Candidate:
    """One sentence that may enter the summary."""

    article: str
    lang: str | None
    published: str | None
    position: int  # rank among the article's eligible sentences (0: its lead)
    start: int
    text: str
    mentions: list[tuple[int, int, str, str, str]] = field(default_factory=list)  # sentence-relative
    dates: list[tuple[int, int, str]] = field(default_factory=list)  # sentence-relative, resolved only

    @property
    def entities(self) -> set[str]:
        return {m[2] for m in self.mentions}

    @property
    def when(self) -> str | None:
        """The first resolved date the sentence states (day or month)."""
        return self.dates[0][2][:10] if self.dates else None

    @property
    def days(self) -> frozenset[str]:
        """The full days (YYYY-MM-DD) the sentence states."""
        return frozenset(v[:10] for _, _, v in self.dates if len(v) >= 10)

    @property
    def form(self) -> float:
        """A multiplier below 1 for sentences that read badly alone (headings, bare quotes)."""
        factor = 1.0 if _FINAL.search(self.text) else 0.75
        return factor * (0.9 if self.text[:1] in _QUOTE_OPEN else 1.0)


def eligible(text: str, relaxed: bool = False) -> bool:
    """Whether a sentence reads as prose: enough words and letters, not overlong."""
    if relaxed:
        return bool(_WORD.search(text))
    return MIN_CHARS <= len(text) <= MAX_CHARS and len(_WORD.findall(text)) >= MIN_WORDS


def extract(articles: list[SourceArticle], relaxed: bool = False) -> list[Candidate]:
    """The first eligible sentences of every article, in article order."""
    per_article = max(3, min(MAX_PER_ARTICLE, MAX_CANDIDATES // max(1, len(articles))))
    found: list[Candidate] = []
    for art in articles:
        spans = sorted((s, e) for s, e in art.sentences)
        position = 0
        for start, end in spans:
            text = art.text[start:end]
            lead = len(text) - len(text.lstrip())
            text = text.strip()
            if not eligible(text, relaxed):
                continue
            found.append(_candidate(art, position, start + lead, text))
            position += 1
            if position >= per_article:
                break
    return found


def _candidate(art: SourceArticle, position: int, start: int, text: str) -> Candidate:
    end = start + len(text)
    mentions = sorted((s - start, e - start, eid, name, typ) for s, e, eid, name, typ in art.mentions
                      if start <= s and e <= end)
    dates = sorted((s - start, e - start, v) for s, e, v in art.time_exprs
                   if start <= s and e <= end and v and _DATE.match(v))
    return Candidate(art.id, art.lang, art.published, position, start, text, mentions, dates)


def top_entities(articles: list[SourceArticle], k: int = TOP_ENTITIES) -> dict[str, float]:
    """The event's main people, organisations and places, weighted by the share of articles naming them.

    Ties on article count go to the entity mentioned most often; weights sum to 1.
    """
    in_articles: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for art in articles:
        for _, _, eid, _, typ in art.mentions:
            if typ in ENTITY_TYPES:
                in_articles[eid].add(art.id)
                counts[eid] += 1
    ranked = sorted(in_articles, key=lambda e: (-len(in_articles[e]), -counts[e], e))[:k]
    total = sum(len(in_articles[e]) for e in ranked) or 1
    return {e: len(in_articles[e]) / total for e in ranked}
