"""Clusters (events or storylines) as running aggregates of their members' signals.

A cluster never stores its members' vectors, only sums, so scoring an article
against it costs the same whatever the cluster's size.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from newsweave.cluster.signals import ArticleSignals

MAX_CLUSTER_TERMS = 300  # a cluster keeps its heaviest terms only: bounded memory and scoring time
MAX_CLUSTER_ENTITIES = 150  # likewise its most frequent entities
DF_BUCKETS = 1 << 20  # hashed document frequencies: 4 MiB whatever the vocabulary


Span = tuple[dt.date | None, dt.date | None]  # first and last date, None where unknown


def days_apart(a: Span, b: Span) -> int | None:
    """Days between two date ranges, 0 when they overlap; None when either is unknown."""
    if None in a or None in b:
        return None
    return max((b[0] - a[1]).days, (a[0] - b[1]).days, 0)  # type: ignore[operator]


@dataclass
class Cluster:
    """Running aggregate of one event or storyline."""

    id: str
    vec_sum: np.ndarray  # sum of members' language-centred unit vectors
    n: int = 0
    entities: Counter[str] = field(default_factory=Counter)  # entity id -> members mentioning it
    terms: dict[int, float] = field(default_factory=dict)  # hashed term -> sum of members' term shares
    langs: Counter[str] = field(default_factory=Counter)
    first: dt.date | None = None
    last: dt.date | None = None
    last_seq: int = 0  # arrival number of its latest member
    founded: int = 0  # arrival number of its first member: in a merge the oldest cluster keeps its id
    # A storyline's events (0 on events, and on storylines saved before it was counted: unknown). An event
    # whose storyline holds it alone may take that storyline into another (``OnlineClusterer._rejoin``).
    events: int = 0
    storyline: str | None = None
    names: dict[str, str] = field(default_factory=dict)  # entity id -> display name, for labels
    cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)  # norms; not persisted

    def vec_norm(self) -> float:
        """Length of ``vec_sum``, cached until the cluster changes."""
        norm = self.cache.get("vec_norm")
        if not isinstance(norm, float):
            norm = self.cache["vec_norm"] = float(np.linalg.norm(self.vec_sum))
        return norm

    def add(self, art: ArticleSignals, centred: np.ndarray, seq: int) -> None:
        """Fold one member into the aggregate."""
        self.cache.clear()
        if self.n == 0 and not self.founded:  # a reopened storyline comes with its own (``_storyline_of``)
            self.founded = seq
        self.vec_sum += centred
        self.n += 1
        # Most-mentioned first, then by id: ties in the event's top entities favour what its articles
        # talk about most, and stay the same from run to run.
        self.entities.update([e for e, _ in sorted(art.entities.items(), key=lambda kv: (-kv[1], kv[0]))])
        for eid in art.entities:
            self.names.setdefault(eid, art.entity_names.get(eid, eid))
        total = sum(art.terms.values()) or 1
        for key, count in art.terms.items():
            self.terms[key] = self.terms.get(key, 0.0) + count / total
        if len(self.terms) > 2 * MAX_CLUSTER_TERMS:  # prune in bulk, not on every add
            keep = sorted(self.terms.items(), key=lambda kv: -kv[1])[:MAX_CLUSTER_TERMS]
            self.terms = dict(keep)
        if len(self.entities) > 2 * MAX_CLUSTER_ENTITIES:
            self.entities = Counter(dict(self.entities.most_common(MAX_CLUSTER_ENTITIES)))
            self.names = {k: v for k, v in self.names.items() if k in self.entities}
        self.langs[art.lang or "und"] += 1
        for day in ([art.date] if art.date else []):
            self.first = day if self.first is None or day < self.first else self.first
            self.last = day if self.last is None or day > self.last else self.last
        self.last_seq = max(self.last_seq, seq)

    def absorb(self, other: Cluster) -> None:
        """Merge another cluster's aggregate into this one."""
        self.cache.clear()
        self.vec_sum += other.vec_sum
        self.n += other.n
        self.entities.update(other.entities)
        self.names.update({k: v for k, v in other.names.items() if k not in self.names})
        for key, w in other.terms.items():
            self.terms[key] = self.terms.get(key, 0.0) + w
        self.langs.update(other.langs)
        days = [d for d in (self.first, self.last, other.first, other.last) if d]
        self.first, self.last = (min(days), max(days)) if days else (None, None)
        self.last_seq = max(self.last_seq, other.last_seq)
        self.founded = min(self.founded, other.founded)
        self.events += other.events


class DocFreq:
    """Hashed document frequencies of terms and entities, for IDF weights.

    A background table (counts from a reference corpus, shipped with the
    package) is added to the store's own counts, so IDF means something in a
    store of five articles: function words are common there too.
    """

    def __init__(self, counts: np.ndarray | None = None, n_docs: int = 0,
                 background: tuple[np.ndarray, int] | None = None) -> None:
        self.counts = counts if counts is not None else np.zeros(DF_BUCKETS, dtype=np.int32)
        self.n_docs = n_docs
        self.set_background(background)

    def set_background(self, background: tuple[np.ndarray, int] | None) -> None:
        """Put reference counts behind the store's own (``None``: none)."""
        self.bg_counts, self.bg_docs = background if background is not None else (None, 0)
        self._combined = self.counts + self.bg_counts if self.bg_counts is not None else self.counts.copy()

    @property
    def epoch(self) -> float:
        """Changes when the collection grows by about 1%: cached norms older than this are refreshed."""
        return round(math.log(self.n_docs + self.bg_docs + 1), 2)

    def add(self, art: ArticleSignals) -> None:
        keys = [k % DF_BUCKETS for k in art.terms] + [entity_bucket(e) for e in art.entities]
        if keys:
            unique = np.unique(np.asarray(keys, dtype=np.int64))
            self.counts[unique] += 1
            self._combined[unique] += 1
        self.n_docs += 1

    def idf(self, bucket: int) -> float:
        """Smoothed IDF; a term seen in every document weighs about zero."""
        return math.log((self.n_docs + self.bg_docs + 1) / (int(self._combined[bucket]) + 0.5))

    def idf_many(self, buckets: np.ndarray) -> np.ndarray:
        return np.log((self.n_docs + self.bg_docs + 1) / (self._combined[buckets] + 0.5))

    def term_idf(self, key: int) -> float:
        return self.idf(key % DF_BUCKETS)

    def entity_idf(self, entity_id: str) -> float:
        return self.idf(entity_bucket(entity_id))


@lru_cache(maxsize=1 << 16)
def entity_bucket(entity_id: str) -> int:
    from newsweave.cluster.signals import term_key

    return term_key("\x00" + entity_id) % DF_BUCKETS


def distinct_names(top: list[dict[str, Any]], k: int) -> list[str]:
    """The first ``k`` different names among top entities: two entities may bear one name ("Paris" the city
    and an article's own "Paris"), and a label should not read "France · Paris · Paris"."""
    names: dict[str, str] = {}
    for x in top:
        names.setdefault(x["name"].casefold(), x["name"])
    return list(names.values())[:k]


def storyline_label(top: list[dict[str, Any]], fallback: str) -> str:
    """A storyline's label: its first three distinct top entity names, else ``fallback``."""
    return " · ".join(distinct_names(top, 3)) or fallback
