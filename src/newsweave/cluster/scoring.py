"""The signals that say whether an article belongs to a cluster, and their calibrated combination.

Each signal is a number in a known range; a logistic model (weights fitted on
the labelled development sets by ``newsweave.cluster.calibrate``) turns them into
a probability. The features and their values are kept as the assignment's
explanation.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from newsweave.cluster.model import DF_BUCKETS, Cluster, DocFreq, days_apart, entity_bucket
from newsweave.cluster.signals import ArticleSignals
from newsweave.link.model import is_article_local

FEATURES = ("bias", "embedding", "entities", "terms", "dated", "gap", "people", "salient", "newcomers", "centroid",
            "older", "newlang")
SALIENT = 3  # an article's most-mentioned entities: what it is mainly about
OLDER_YEARS = 2  # see ``Signals.older``


@dataclass
class Signals:
    """How strongly one article matches one cluster, signal by signal."""

    embedding: float  # mean cosine to the members, language bias removed
    entities: float  # IDF-weighted cosine of canonical entities
    terms: float  # TF-IDF cosine of distinctive terms
    gap_days: int | None  # days between the article's date and the cluster's date range; None if either is unknown
    shared: list[str]  # the most distinctive shared entity ids
    people: float = 0.0  # the entity cosine over people only: events differ by who acts in them
    salient: float = 0.0  # how common the article's most-mentioned entities are among the cluster's members
    newcomers: float = 0.0  # share of the article's person mentions naming people the cluster never mentions
    centroid: float = 0.0  # cosine to the members' mean direction: unlike ``embedding``, not lowered by their spread
    # 1 when the article is undated and the latest year it names is ``OLDER_YEARS`` or more before the year of the
    # cluster's first date (2022 against an event of January 2024): news names its own year, so it most likely
    # reports an earlier, similar event (ECB+'s 2008 IE patch beside the dated 2013 one). Background years mislead
    # it ("the record of 1978", broken in 2008): in ECB+ it fires on 26 of the 99 undated articles that name a
    # year against their own event, and on 74 against the other event of their topic; no undated article of the
    # other dev sets names a year. Weighed on events only.
    older: float = 0.0
    # ``embedding`` again when no member is written in the article's language, else 0: an article that brings a
    # new language to an event has only cross-lingual pairs with it, which run less alike than pairs within one
    # language even after centring (a Persian or Tamil report of an ITN event sits at 0.2-0.4), so the fit
    # weighs its similarity up. An article sharing a language with some member keeps the plain weight: the
    # inflated within-language similarity is what it would otherwise ride on (the undated Italian seed 002).
    newlang: float = 0.0

    def vector(self) -> list[float]:
        dated = 0.0 if self.gap_days is None else 1.0
        gap = 0.0 if self.gap_days is None else math.log1p(self.gap_days)
        return [1.0, self.embedding, self.entities, self.terms, dated, gap, self.people, self.salient, self.newcomers,
                self.centroid, self.older, self.newlang]


@dataclass
class ArticleView:
    """An article's IDF-weighted terms and entities, computed once per assignment."""

    term_w: dict[int, float]
    term_idf: dict[int, float]
    term_norm: float
    ent_idf: dict[str, float]
    ent_norm: float
    per_norm: float
    salient: dict[str, float]  # the most-mentioned entities, weights summing to 1
    people: dict[str, int]  # person mentions per linked person (article-local names left out)


def prepare(art: ArticleSignals, df: DocFreq) -> ArticleView:
    """Weigh an article's terms and entities with the current document frequencies."""
    term_idf = {k: df.term_idf(k) for k in art.terms}
    term_w = {k: c * term_idf[k] for k, c in art.terms.items()}
    ent_idf = {e: df.entity_idf(e) for e in art.entities}
    top = sorted(art.entities.items(), key=lambda kv: (-kv[1], kv[0]))[:SALIENT]
    total = sum(c for _, c in top)
    return ArticleView(term_w, term_idf, math.sqrt(sum(v * v for v in term_w.values())),
                       ent_idf, math.sqrt(sum(v * v for v in ent_idf.values())),
                       math.sqrt(sum(v * v for e, v in ent_idf.items() if _is_person(e))),
                       {e: c / total for e, c in top},
                       {e: c for e, c in art.entities.items() if _is_person(e) and not is_article_local(e)})


def _is_person(entity_id: str) -> bool:
    return entity_id.startswith("PER:")


def score_signals(art: ArticleSignals, view: ArticleView, centred: np.ndarray, cluster: Cluster,
                  df: DocFreq) -> Signals:
    """Measure every signal of ``art`` against ``cluster``."""
    term_norm, ent_norm, per_norm = _cluster_norms(cluster, df)
    ent, shared = _entity_cosine(view, cluster, ent_norm)
    people, _ = _entity_cosine(view, cluster, per_norm, _is_person)
    embedding = float(centred @ cluster.vec_sum) / max(cluster.n, 1)
    return Signals(
        embedding=embedding,
        entities=ent,
        terms=_term_cosine(view, cluster, term_norm),
        gap_days=_gap(art, cluster),
        shared=shared,
        people=people,
        salient=sum(w * cluster.entities.get(e, 0) for e, w in view.salient.items()) / max(cluster.n, 1),
        newcomers=_newcomers(view, cluster),
        centroid=_centroid_cosine(centred, cluster),
        older=_older(art, cluster),
        newlang=0.0 if cluster.langs.get(art.lang or "und", 0) else embedding,
    )


def _older(art: ArticleSignals, cluster: Cluster) -> float:
    if art.date is not None or art.latest_year is None or cluster.first is None:
        return 0.0
    return 1.0 if cluster.first.year - art.latest_year >= OLDER_YEARS else 0.0


def _centroid_cosine(centred: np.ndarray, cluster: Cluster) -> float:
    norm = cluster.vec_norm()
    return float(centred @ cluster.vec_sum) / norm if norm else 0.0


def _newcomers(view: ArticleView, cluster: Cluster) -> float:
    total = sum(view.people.values())
    if not total:
        return 0.0
    return sum(c for e, c in view.people.items() if e not in cluster.entities) / total


def _cluster_norms(cluster: Cluster, df: DocFreq) -> tuple[float, float, float]:
    """Norms of the cluster's weighted term, entity and person vectors, cached until it or the IDF moves."""
    cached = cluster.cache.get("norms")
    if isinstance(cached, tuple) and cached[0] == df.epoch:
        return cached[1], cached[2], cached[3]
    term_norm = ent_norm = per_norm = 0.0
    if cluster.terms:
        keys = np.fromiter(cluster.terms.keys(), dtype=np.int64, count=len(cluster.terms)) % DF_BUCKETS
        weights = np.fromiter(cluster.terms.values(), dtype=np.float64, count=len(cluster.terms))
        term_norm = float(np.linalg.norm(weights * df.idf_many(keys)))
    if cluster.entities:
        buckets = np.fromiter((entity_bucket(e) for e in cluster.entities), dtype=np.int64, count=len(cluster.entities))
        shares = np.fromiter(cluster.entities.values(), dtype=np.float64, count=len(cluster.entities)) / cluster.n
        weighted = shares * df.idf_many(buckets)
        ent_norm = float(np.linalg.norm(weighted))
        people = np.fromiter((_is_person(e) for e in cluster.entities), dtype=bool, count=len(cluster.entities))
        per_norm = float(np.linalg.norm(weighted[people]))
    cluster.cache["norms"] = (df.epoch, term_norm, ent_norm, per_norm)
    return term_norm, ent_norm, per_norm


def _entity_cosine(view: ArticleView, cluster: Cluster, cluster_norm: float,
                   keep: Callable[[str], bool] | None = None) -> tuple[float, list[str]]:
    own = view.per_norm if keep else view.ent_norm
    if not own or not cluster_norm:
        return 0.0, []
    dot = {e: idf * idf * cluster.entities[e] / cluster.n for e, idf in view.ent_idf.items()
           if e in cluster.entities and (keep is None or keep(e))}
    shared = sorted(dot, key=lambda e: -dot[e])[:5]
    return sum(dot.values()) / (own * cluster_norm), shared


def _term_cosine(view: ArticleView, cluster: Cluster, cluster_norm: float) -> float:
    if not view.term_norm or not cluster_norm:
        return 0.0
    c = cluster.terms
    dot = sum(w * c[k] * view.term_idf[k] for k, w in view.term_w.items() if k in c)
    return dot / (view.term_norm * cluster_norm)


def _gap(art: ArticleSignals, cluster: Cluster) -> int | None:
    return days_apart((art.date, art.date), (cluster.first, cluster.last))


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
    if tuple(spec["features"]) != FEATURES:
        raise ValueError(f"calibration.json ({level}) has features {spec['features']}, the scorer {list(FEATURES)}: "
                         "refit with python -m newsweave.cluster.calibrate")
    return Calibration(tuple(spec["weights"]), spec["threshold"])
