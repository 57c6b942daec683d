"""Full-text candidates: FTS5 ``bm25`` on SQLite, an IDF-weighted ``ts_rank`` on PostgreSQL.

Query words are OR-ed (a Chinese, Japanese or Korean word is the phrase of its
character pairs, ``folding.index_form``), so a long query (a whole headline) still finds the
articles sharing its rarer words, best first. SQLite's ``bm25`` weighs words
by rarity itself. PostgreSQL's ``ts_rank`` does not, so each word's rank is
multiplied by its BM25 IDF, counted with the GIN index; a word in more than a
tenth of a large collection is dropped, as it would rank (and cost) everything.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, column, func, literal, literal_column, select, table

from newsweave.search.filters import Filters
from newsweave.search.folding import fold, word_form
from newsweave.search.index import DOCS_TABLE, FTS_TABLE
from newsweave.store import schema as t

MAX_TERMS = 32
WEIGHTS = (2.0, 1.0, 0.5)  # title, body, entity names (SQLite bm25 column weights)
_WORD = re.compile(r"[^\W_]+")
_MIN_COMMON = 1000  # a word is "too common" only in a collection this large

_fts = table(FTS_TABLE, column("rowid"))
_docs_sqlite = table(DOCS_TABLE, column("doc"), column("article_id"))
_docs_pg = table(DOCS_TABLE, column("article_id"), column("tsv"))
_SIMPLE = literal_column("'simple'::regconfig")


CJK_PHRASE_PAIRS = 5  # a longer run of Chinese or Japanese (over 6 characters) is a sentence typed without spaces


def query_terms(query: str) -> list[str]:
    """Distinct folded words of ``query``, in order, at most ``MAX_TERMS``. A word in Chinese, Japanese or
    Korean is the phrase of its character pairs, as the index holds it ("土耳其" -> "土耳 耳其"); a longer run
    (a sentence typed without spaces) gives each pair as a word of its own, as no article holds it whole."""
    terms: list[str] = []
    for w in _WORD.findall(fold(query)):
        form = word_form(w)
        pairs = form.split()
        terms.extend(pairs if len(pairs) > CJK_PHRASE_PAIRS else [form])
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def any_match(conn: Connection, terms: Sequence[str]) -> bool:
    """Whether any indexed article holds one of ``terms`` (filters aside, common words included)."""
    if not terms:
        return False
    if conn.dialect.name == "postgresql":
        held = select(_docs_pg.c.article_id).where(_docs_pg.c.tsv.op("@@")(_either(_tsqueries(terms))))
    else:
        held = select(_fts.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(_match(terms)))
    return conn.execute(held.limit(1)).first() is not None


def candidates(conn: Connection, query: str, filters: Filters, n: int,
               names: Sequence[str] = ()) -> list[tuple[str, float]]:
    """Up to ``n`` ``(article id, score)`` pairs, best first (higher score is better); ``names`` are searched
    too, each as a phrase (the entities the query's words name, as the index's names field holds them)."""
    phrases = [word_form(name) for name in names]
    terms = list(dict.fromkeys(query_terms(query) + [p for p in phrases if p]))[:MAX_TERMS]
    if not terms:
        return []
    if conn.dialect.name == "postgresql":
        return _pg(conn, terms, filters, n)
    return _sqlite(conn, terms, filters, n)


def _match(terms: Sequence[str]) -> str:
    """An FTS5 query for any of ``terms``, each quoted (a phrase; query syntax in them is never read)."""
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _tsqueries(terms: Sequence[str]) -> list:  # type: ignore[type-arg]
    """One tsquery per term: a CJK word is its pairs in order."""
    return [func.phraseto_tsquery(_SIMPLE, literal(term)) for term in terms]


def _either(queries: list) -> Any:  # type: ignore[type-arg]
    """The tsquery matching any of ``queries``."""
    either = queries[0]
    for tq in queries[1:]:
        either = either.op("||")(tq)
    return either


def _sqlite(conn: Connection, terms: list[str], filters: Filters, n: int) -> list[tuple[str, float]]:
    match = _match(terms)
    rank = func.bm25(literal_column(FTS_TABLE), *WEIGHTS)
    q = (select(_docs_sqlite.c.article_id, rank.label("rank"))
         .select_from(_fts.join(_docs_sqlite, _docs_sqlite.c.doc == _fts.c.rowid)
                      .join(t.articles, t.articles.c.id == _docs_sqlite.c.article_id))
         .where(literal_column(FTS_TABLE).op("MATCH")(match))
         .where(filters.where())
         .order_by(rank, _docs_sqlite.c.article_id).limit(n))
    return [(aid, -float(r)) for aid, r in conn.execute(q)]  # bm25 is lower-is-better


def _pg(conn: Connection, terms: list[str], filters: Filters, n: int) -> list[tuple[str, float]]:
    queries = _tsqueries(terms)
    weights = _pg_idf(conn, queries)
    kept = [(tq, w) for tq, w in zip(queries, weights) if w is not None]
    if not kept:
        return []
    either = _either([tq for tq, _ in kept])
    score = sum((w * func.ts_rank(_docs_pg.c.tsv, tq, 1) for tq, w in kept), literal(0.0))
    q = (select(_docs_pg.c.article_id, score.label("score"))
         .select_from(_docs_pg.join(t.articles, t.articles.c.id == _docs_pg.c.article_id))
         .where(_docs_pg.c.tsv.op("@@")(either))
         .where(filters.where())
         .order_by(score.desc(), _docs_pg.c.article_id).limit(n))
    return [(aid, float(s)) for aid, s in conn.execute(q)]


def _pg_idf(conn: Connection, queries: list) -> list[float | None]:  # type: ignore[type-arg]
    """BM25 IDF of each word, or None for a word too common to be worth ranking."""
    total = conn.execute(select(func.count()).select_from(_docs_pg)).scalar_one()
    cap = max(_MIN_COMMON, total // 10)
    counts = [select(func.count()).select_from(
        select(literal(1)).select_from(_docs_pg).where(_docs_pg.c.tsv.op("@@")(tq)).limit(cap + 1).subquery()
    ).scalar_subquery() for tq in queries]
    dfs = conn.execute(select(*counts)).one()
    return [None if df > cap or df == 0 else math.log(1 + (total - df + 0.5) / (df + 0.5)) for df in dfs]
