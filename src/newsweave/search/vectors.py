"""Vector candidates: the query's encoder vector against every stored lead vector, brute force.

Vectors stream out of one query in chunks of ``CHUNK`` rows, so memory stays
bounded whatever the store holds; only the best few per language are kept.

Language centring (see ``newsweave.cluster.centring``): multilingual e5 puts
texts of one language close together whatever they say, so an English query
prefers English articles. Scoring ``q . (d - m_lang)`` removes that pull. The
language means come from the same pass over all vectors (filters only decide
which articles may be returned), and within one language the shift is a
constant, so keeping each language's best raw scores loses nothing.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection, select

from newsweave.cluster.centring import LanguageCentring
from newsweave.search.filters import Filters
from newsweave.store import schema as t

CHUNK = 4096


class _Best:
    """Per language, the ``n`` best raw scores seen so far with their ids and vectors."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.kept: dict[str, tuple[np.ndarray, list[str], np.ndarray]] = {}

    def offer(self, lang: str, scores: np.ndarray, ids: list[str], vecs: np.ndarray) -> None:
        if lang in self.kept:
            old_s, old_i, old_v = self.kept[lang]
            scores, ids, vecs = np.concatenate([old_s, scores]), old_i + ids, np.vstack([old_v, vecs])
        if len(scores) > self.n:
            top = np.argpartition(-scores, self.n - 1)[: self.n]
            scores, ids, vecs = scores[top], [ids[i] for i in top], vecs[top]
        self.kept[lang] = (scores, ids, vecs)


def candidates(conn: Connection, qvec: np.ndarray, encoder_id: str, filters: Filters, n: int,
               centre: bool = True) -> list[tuple[str, float]]:
    """Up to ``n`` ``(article id, score)`` pairs, best first; score is (centred) cosine."""
    a, v = t.articles.c, t.vectors.c
    q = (select(a.id, a.lang, v.data, filters.where().label("ok"))
         .join(t.vectors, (v.content_hash == a.content_hash) & (v.encoder == encoder_id)))
    qvec = np.asarray(qvec, dtype=np.float32)
    best = _Best(2 * n)  # centring re-orders a language a little: keep spare rows
    means = LanguageCentring(int(qvec.shape[0]))
    result = conn.execution_options(stream_results=True, yield_per=CHUNK).execute(q)
    for rows in result.partitions():
        _scan(rows, qvec, best, means)
    return _final(best, means, qvec, n, centre)


def _scan(rows: list, qvec: np.ndarray, best: _Best, means: LanguageCentring) -> None:  # type: ignore[type-arg]
    """Score one chunk, add it to the language sums, keep each language's best allowed rows."""
    mat = np.frombuffer(b"".join(r[2] for r in rows), dtype="<f4").reshape(len(rows), -1)
    scores = mat @ qvec
    langs = np.array([r[1] or "und" for r in rows])
    ok = np.array([bool(r[3]) for r in rows])
    for lang in np.unique(langs):
        sel = langs == lang
        key = str(lang)
        means.add_sum(key, mat[sel].sum(axis=0, dtype=np.float64), int(sel.sum()))
        keep = np.flatnonzero(sel & ok)
        if keep.size:
            best.offer(key, scores[keep], [rows[i][0] for i in keep], mat[keep])


def _final(best: _Best, means: LanguageCentring, qvec: np.ndarray, n: int, centre: bool) -> list[tuple[str, float]]:
    """Merge the languages' best rows, centred (unit-normalised after centring) if asked."""
    scored: list[tuple[str, float]] = []
    for lang, (scores, ids, vecs) in best.kept.items():
        if centre:
            centred = vecs - means.mean(lang).astype(np.float32)
            norms = np.linalg.norm(centred, axis=1)
            scores = (centred @ qvec) / np.where(norms > 0, norms, 1.0)
        scored.extend(zip(ids, (float(s) for s in scores)))
    scored.sort(key=lambda p: (-p[1], p[0]))
    return scored[:n]
