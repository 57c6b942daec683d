"""Hybrid search: full-text, vector and word-bridge candidates fused by weighted reciprocal rank.

* full text (``fulltext.py``): the query's own words (names, rare terms) in
  any language that writes them the same way;
* vectors (``vectors.py``): the encoder's query mode against each article's
  stored lead vector, language-centred: the same content in any language;
* the word bridge (``bridge.py``): re-ranks the union of both by how well each
  query word is matched by a translation of it in the article ("train" ->
  "treno", "τρένο"), which short queries need: a two-word query vector is too
  weak to rank across languages on its own.

Each list adds ``weight / (RRF_K + rank)`` to an article's score (Cormack et
al. 2009). Ranks, not scores, are fused: bm25, ``ts_rank`` and cosine live on
unrelated scales, and ranks make the two backends agree. The word lists weigh
most for one-word queries and fade as ``1/n``: on headline-length and longer
queries (``newsweave.eval.search``) the vector list carries the meaning and
bag-of-words matches mostly pull in same-script noise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, select

from newsweave.core.errors import StoreError
from newsweave.search import bridge, fulltext, passages, vectors
from newsweave.link.translit import script_of
from newsweave.search.filters import Filters, as_day, entity_names, resolve_entity
from newsweave.search.folding import is_unspaced
from newsweave.search.index import has_search_tables
from newsweave.store import Store
from newsweave.store import schema as t

_LETTERS = re.compile(r"[^\W\d_]+")
RRF_K = 60
MIN_POOL = 100  # candidates taken from each list before fusing
MODES = ("hybrid", "fulltext", "vector")
WEIGHTS = {"fts": 1.0, "vector": 1.0, "bridge": 1.0}
LEXICAL_WORDS = {"fts": 1.0, "bridge": 0.5}  # weight for a one-word query, then falling as 1/n
MIN_WEIGHT = 0.1  # the bridge is skipped when it would weigh less (it costs ~0.1-1 s a query)


@dataclass(frozen=True)
class Hit:
    """One search result. Ranks are 1-based places in each candidate list (None: not in it)."""

    article_id: str
    lang: str | None
    title: str | None
    score: float
    passage: str
    start: int
    end: int
    fts_rank: int | None
    vector_rank: int | None
    bridge_rank: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def search(store: Store, query: str, *, lang: str | None = None, entity: str | Sequence[str] | None = None,
           date_from: str | dt.date | None = None, date_to: str | dt.date | None = None,
           article_ids: Iterable[str] | None = None, limit: int = 10, mode: str = "hybrid",
           passage: str = "auto", centre: bool = True) -> list[Hit]:
    """Articles matching ``query`` best first, each with its best passage.

    ``entity`` is an entity id or a name in any language or script (or the ids a caller has already
    resolved, as a list); ``date_from``
    and ``date_to`` bound the publication day (inclusive); ``article_ids``
    restricts to those articles (an event's, say). ``mode`` picks "hybrid",
    "fulltext" or "vector"; ``passage`` picks how passages are chosen ("auto":
    query words, else sentence vectors; "terms"; "none": the first sentence).
    """
    if mode not in MODES:
        raise ValueError(f"unknown search mode {mode!r}; choose one of {', '.join(MODES)}")
    if not query.strip() or limit <= 0:
        return []
    filters = _filters(store, lang, entity, date_from, date_to, article_ids)
    if filters is None:
        return []
    pool = max(MIN_POOL, 3 * limit)
    qvec = _query_vector(query) if mode != "fulltext" else None
    with store.engine.connect() as conn:
        if not has_search_tables(conn):
            raise StoreError(f"{store.url} has no search index yet; index the store first")
        weights = list_weights(query)
        ranked, matched = _ranked_lists(conn, query, qvec, filters, pool, mode, centre, weights)
        if _no_word_matched(ranked) and not fulltext.any_match(conn, fulltext.query_terms(query)):
            return []
        fused = fuse(ranked, weights)[:limit]
        return _hits(conn, fused, ranked, matched, query, qvec if passage == "auto" else None, passage)


def _filters(store: Store, lang: str | None, entity: str | Sequence[str] | None, date_from: str | dt.date | None,
             date_to: str | dt.date | None, article_ids: Iterable[str] | None) -> Filters | None:
    """The filters, or None when an entity names nothing in the store (nothing can match)."""
    entity_ids = None
    if entity is not None:
        entity_ids = tuple(resolve_entity(store, entity) if isinstance(entity, str) else entity)
        if not entity_ids:
            return None
    return Filters(lang=lang or None, entity_ids=entity_ids, date_from=as_day(date_from), date_to=as_day(date_to),
                   article_ids=tuple(article_ids) if article_ids is not None else None)


def _query_vector(query: str) -> np.ndarray:
    from newsweave.analyse.encoder import get_encoder

    return get_encoder().encode_queries([query])[0]


def _encoder_id() -> str:
    from newsweave.stages import embed_id  # the id the embed stage stores lead vectors under

    return embed_id()


def _ranked_lists(conn: Connection, query: str, qvec: np.ndarray | None, filters: Filters, pool: int,
                  mode: str, centre: bool, weights: dict[str, float]) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Candidate ids, best first, per retriever (the bridge re-ranks the union of the others),
    and per article the words the bridge matched to the query's."""
    out: dict[str, list[str]] = {}
    matched: dict[str, set[str]] = {}
    if mode in ("hybrid", "fulltext"):
        names = [n for w in _other_script_words(query) for n in entity_names(conn, w)]
        out["fts"] = [aid for aid, _ in fulltext.candidates(conn, query, filters, pool, names)]
    if qvec is not None:
        out["vector"] = [aid for aid, _ in vectors.candidates(conn, qvec, _encoder_id(), filters, pool, centre)]
    if mode == "hybrid" and weights.get("bridge", 0.0) >= MIN_WEIGHT:  # else not worth its second
        bridged = bridge.rank(conn, query, list(dict.fromkeys(out["fts"] + out["vector"])))
        out["bridge"] = [aid for aid, _, _ in bridged]
        matched = {aid: ws for aid, _, ws in bridged}
    return out, matched


def _no_word_matched(ranked: dict[str, list[str]]) -> bool:
    """Whether a short hybrid query matched no article by any of its words, as written or translated
    (the caller then asks whether any article holds them at all, filters aside: PostgreSQL's list leaves
    out words too common to rank, and a filter may have excluded the articles that hold them).

    The vector list always returns the nearest articles, whatever the query:
    "xqzvblorp" or "banana smoothie recipe" would list five unrelated reports.
    Measured on ``newsweave eval search``'s 1-3 word queries over ITN, MEANTIME
    and ECB+ (the query's own article set aside), 4 of the 1,555 relevant
    articles found in the top ten came from a query no other article matched
    by a word, while 29 of 60 nonsense queries (20 per corpus) are answered by
    vectors alone. Such a query gets no results; ``mode="vector"`` still ranks
    by meaning alone. Only where the bridge ran (short queries): a long query
    in another script has no word match by design and its vectors carry the
    meaning.
    """
    return "bridge" in ranked and not ranked["bridge"] and not ranked.get("fts")


MAX_NAMED_WORDS = 4  # query words looked up as entity names (a few queries each)


def _other_script_words(query: str) -> list[str]:
    """The query's words of 3+ letters in a script other than Latin: "Πούτιν" reaches the Italian and English
    articles through the English name of the entity it names, which the index's names field holds."""
    words = [w for w in dict.fromkeys(_LETTERS.findall(query)) if script_of(w) != "latin"
             and (len(w) >= 3 or is_unspaced(w))]  # 普京 (Putin) is two characters
    return words[:MAX_NAMED_WORDS]


def list_weights(query: str) -> dict[str, float]:
    """RRF weight per list: word lists count fully for keyword queries and fade for long ones.

    Measured on whole-headline queries (``newsweave.eval.search``), bag-of-words
    matching adds mostly noise where the query vector already carries the
    meaning, while a two-word query's vector is too weak to rank on its own.
    """
    n = max(len(fulltext.query_terms(query)), 1)
    return {name: WEIGHTS[name] * (LEXICAL_WORDS[name] / n if name in LEXICAL_WORDS else 1.0) for name in WEIGHTS}


def fuse(lists: dict[str, list[str]], weights: dict[str, float] | None = None,
         k: int = RRF_K) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion of named ranked id lists: ``(id, score)`` best first, ties by id."""
    weights = WEIGHTS if weights is None else weights
    scores: dict[str, float] = {}
    for name, ranked in lists.items():
        w = weights.get(name, 1.0)
        for rank, aid in enumerate(ranked, start=1):
            scores[aid] = scores.get(aid, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda p: (-p[1], p[0]))


def _hits(conn: Connection, fused: list[tuple[str, float]], ranked: dict[str, list[str]],
          matched: dict[str, set[str]], query: str, qvec: np.ndarray | None, passage_mode: str) -> list[Hit]:
    ids = [aid for aid, _ in fused]
    if not ids:
        return []
    a = t.articles.c
    meta = {r[0]: r for r in conn.execute(select(a.id, a.lang, a.title).where(a.id.in_(ids)))}
    chosen = passages.choose(conn, ids, query, qvec, passage_mode, matched)
    places = {name: {aid: i for i, aid in enumerate(lst, start=1)} for name, lst in ranked.items()}
    hits = []
    for aid, score in fused:
        p = chosen.get(aid) or passages.Passage("", 0, 0)
        hits.append(Hit(aid, meta[aid][1], meta[aid][2], round(score, 6), p.text, p.start, p.end,
                        places.get("fts", {}).get(aid), places.get("vector", {}).get(aid),
                        places.get("bridge", {}).get(aid)))
    return hits
