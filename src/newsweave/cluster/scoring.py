"""The signals that say whether an article belongs to a cluster, and their calibrated combination.

Each signal is a number in a known range; a logistic model (weights fitted on
the labelled development sets by ``newsweave.cluster.calibrate``) turns them into
a probability. The features and their values are kept as the assignment's
explanation.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from newsweave.cluster.model import Cluster, DocFreq
from newsweave.cluster.signals import ArticleSignals

FEATURES = ("bias", "embedding", "entities", "terms", "dated", "gap")


@dataclass
class Signals:
    """How strongly one article matches one cluster, signal by signal."""

    embedding: float  # mean cosine to the members, language bias removed
    entities: float  # IDF-weighted cosine of canonical entities
    terms: float  # TF-IDF cosine of distinctive terms
    gap_days: int | None  # days between the article's date and the cluster's date range; None if either is unknown
    shared: list[str]  # the most distinctive shared entity ids

    def vector(self) -> list[float]:
        dated = 0.0 if self.gap_days is None else 1.0
        gap = 0.0 if self.gap_days is None else math.log1p(self.gap_days)
        return [1.0, self.embedding, self.entities, self.terms, dated, gap]


def score_signals(art: ArticleSignals, centred: np.ndarray, cluster: Cluster, df: DocFreq) -> Signals:
    """Measure every signal of ``art`` against ``cluster``."""
    ent, shared = _entity_cosine(art, cluster, df)
    return Signals(
        embedding=float(centred @ cluster.vec_sum) / max(cluster.n, 1),
        entities=ent,
        terms=_term_cosine(art, cluster, df),
        gap_days=_gap(art, cluster),
        shared=shared,
    )


def _entity_cosine(art: ArticleSignals, cluster: Cluster, df: DocFreq) -> tuple[float, list[str]]:
    if not art.entities or not cluster.entities:
        return 0.0, []
    a = {e: df.entity_idf(e) for e in art.entities}
    c = {e: df.entity_idf(e) * k / cluster.n for e, k in cluster.entities.items()}
    dot = {e: a[e] * c[e] for e in a if e in c}
    na, nc = math.sqrt(sum(v * v for v in a.values())), math.sqrt(sum(v * v for v in c.values()))
    shared = sorted(dot, key=lambda e: -dot[e])[:5]
    return (sum(dot.values()) / (na * nc) if na and nc else 0.0), shared


def _term_cosine(art: ArticleSignals, cluster: Cluster, df: DocFreq) -> float:
    if not art.terms or not cluster.terms:
        return 0.0
    a = {k: c * df.term_idf(k) for k, c in art.terms.items()}
    c = cluster.terms
    dot = sum(w * c[k] * df.term_idf(k) for k, w in a.items() if k in c)
    if not dot:
        return 0.0
    na = math.sqrt(sum(v * v for v in a.values()))
    nc = math.sqrt(sum((w * df.term_idf(k)) ** 2 for k, w in c.items()))
    return dot / (na * nc) if na and nc else 0.0


def _gap(art: ArticleSignals, cluster: Cluster) -> int | None:
    if art.date is None or cluster.first is None or cluster.last is None:
        return None
    if cluster.first <= art.date <= cluster.last:
        return 0
    return min(abs((art.date - cluster.first).days), abs((art.date - cluster.last).days))


@dataclass(frozen=True)
class Calibration:
    """Logistic weights over ``FEATURES`` and the probability needed to join."""

    weights: tuple[float, ...]
    threshold: float = 0.5

    def probability(self, signals: Signals) -> float:
        z = sum(w * x for w, x in zip(self.weights, signals.vector()))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def as_dict(self) -> dict[str, Any]:
        return {"features": list(FEATURES), "weights": list(self.weights), "threshold": self.threshold}


def load_calibration(level: str) -> Calibration:
    """The shipped weights for ``level`` ("event" or "storyline")."""
    text = resources.files("newsweave.cluster").joinpath("calibration.json").read_text(encoding="utf-8")
    spec = json.loads(text)[level]
    return Calibration(tuple(spec["weights"]), spec["threshold"])
