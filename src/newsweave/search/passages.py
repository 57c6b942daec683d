"""The passage shown with a hit: the sentence that best answers the query.

A sentence sharing the query's words (or the translations the word bridge
found for them) wins by word overlap. Where none does (a hit found across
languages by its vector alone), the first sentences of the best
hits are encoded and the one closest to the query vector is chosen; encoding
costs about a second per 25 sentences on two cores, so that work has a fixed
budget of ``VECTOR_BUDGET`` sentences per query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, select

from newsweave.search.fulltext import query_terms
from newsweave.search.folding import fold, index_form, is_unspaced, word_form
from newsweave.store import schema as t

VECTOR_BUDGET = 24  # sentences encoded per query, at most
PER_HIT = 8  # of them, at most this many from one article (its opening, which its lead vector saw)
MAX_CHARS = 500  # longer sentences are cut for display
ENCODE_CHARS = 300  # and shorter still for encoding
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Passage:
    """A span of the article text: ``text == article.text[start:end]`` (before any cut)."""

    text: str
    start: int
    end: int


def sentences_of(conn: Connection, ids: list[str]) -> dict[str, list[Passage]]:
    """Each article's sentences as passages; an article without sentence spans gives its opening."""
    a, s = t.articles.c, t.sentences.c
    texts = {r[0]: r[1] for r in conn.execute(select(a.id, a.text).where(a.id.in_(ids)))}
    out: dict[str, list[Passage]] = {aid: [] for aid in texts}
    q = select(s.article_id, s.start_char, s.end_char).where(s.article_id.in_(ids)).order_by(s.article_id, s.idx)
    for aid, start, end in conn.execute(q):
        if texts[aid][start:end].strip():
            out[aid].append(Passage(texts[aid][start:end], start, end))
    for aid, sents in out.items():
        if not sents and texts[aid]:
            end = min(len(texts[aid]), MAX_CHARS)
            sents.append(Passage(texts[aid][:end], 0, end))
    return out


def choose(conn: Connection, ids: list[str], query: str, qvec: np.ndarray | None,
           mode: str = "auto", translations: dict[str, set[str]] | None = None) -> dict[str, Passage]:
    """The best passage per article id. ``mode``: "auto" (words, then vectors), "terms" or "none".

    ``translations`` gives, per article, its words that the word bridge matched to
    the query's: they count as query words there.
    """
    sents = sentences_of(conn, ids)
    chosen: dict[str, Passage] = {}
    unmatched: list[str] = []
    terms = _content_terms(query)
    translations = translations or {}
    for aid in ids:
        cands = sents.get(aid) or []
        if not cands:
            continue
        own = terms | {word_form(fold(w)) for w in translations.get(aid, ())}
        best, overlap = _by_terms(cands, own) if mode != "none" else (cands[0], 0.0)
        chosen[aid] = best
        if overlap == 0 and mode == "auto" and qvec is not None:
            unmatched.append(aid)
    if unmatched:
        chosen.update(_by_vector({aid: sents[aid] for aid in unmatched}, qvec))
    return {aid: _cut(p) for aid, p in chosen.items()}


def _content_terms(query: str) -> set[str]:
    """Query words worth matching: those of 3+ characters or in Chinese, Japanese or Korean, unless the query has none."""
    terms = query_terms(query)
    return {w for w in terms if len(w) >= 3 or is_unspaced(w)} or set(terms)


def _by_terms(cands: list[Passage], terms: set[str]) -> tuple[Passage, float]:
    """The sentence with most query words (the earliest on a tie) and its share of them."""
    if not terms:
        return cands[0], 0.0
    scores = [_matched(terms, set(_WORD.findall(index_form(p.text)))) for p in cands]
    i = int(np.argmax(scores))
    return cands[i], scores[i] / len(terms)


def _matched(terms: set[str], words: set[str]) -> int:
    """How many of ``terms`` the sentence's ``words`` hold (a CJK term, all its character pairs)."""
    return sum(all(w in words for w in term.split()) for term in terms)


def _by_vector(cands: dict[str, list[Passage]], qvec: np.ndarray) -> dict[str, Passage]:
    """The sentence closest to the query vector, for as many articles as the budget covers."""
    from newsweave.analyse.encoder import get_encoder

    per = max(1, min(PER_HIT, VECTOR_BUDGET // len(cands)))
    flat = [(aid, p) for aid, ps in cands.items() for p in ps[:per]][:VECTOR_BUDGET]
    if not flat:
        return {}
    vecs = get_encoder().encode_passages([p.text[:ENCODE_CHARS] for _, p in flat])
    sims = vecs @ np.asarray(qvec, dtype=np.float32)
    best: dict[str, tuple[float, Passage]] = {}
    for (aid, p), sim in zip(flat, sims):
        if aid not in best or sim > best[aid][0]:
            best[aid] = (float(sim), p)
    return {aid: p for aid, (_, p) in best.items()}


def _cut(p: Passage) -> Passage:
    """A passage of at most ``MAX_CHARS`` characters, its span shortened to match."""
    text = p.text.strip()
    lead = len(p.text) - len(p.text.lstrip())
    start = p.start + lead
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    return Passage(text, start, start + len(text))
