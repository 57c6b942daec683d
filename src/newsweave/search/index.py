"""The full-text index: SQLite FTS5 or a PostgreSQL ``tsvector`` column with a GIN index.

Each indexed article contributes three fields: its title, its text and the
English display names of the canonical entities its mentions link to. The
names field lets an English word such as "Moscow" reach a Greek article that
only says Μόσχα.

Accents fold on both backends, so Greek tonos and Latin diacritics never
block a match: the text is folded in Python (``folding.index_form``) before it
reaches FTS5 or ``to_tsvector('simple', ...)``, and queries fold the same way.
That also writes Chinese, Japanese and Korean as overlapping character pairs,
which neither tokenizer splits on its own.
SQLite's ``unicode61 remove_diacritics 2`` alone folds Latin letters only (not
Greek tonos), and PostgreSQL's ``unaccent`` extension is not assumed.

SQLite keeps the FTS5 rows apart from ``search_docs``, which maps each article
id to its FTS5 rowid (FTS5 has no index on other columns); PostgreSQL keeps the
``tsvector`` in ``search_docs`` itself. Progress is recorded in
``article_stages`` under the stage ``search``, so an article re-ingested or
re-indexed by a newer ``INDEX_VERSION`` is picked up again. Indexing also
embeds the article's new words for the word bridge (``bridge.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, inspect, select, text

from newsweave.search import bridge
from newsweave.search.folding import index_form
from newsweave.core.config import ANALYSE_CHARS
from newsweave.store import Store
from newsweave.store import schema as t
from newsweave.store.changes import still_as_read

STAGE = "search"
INDEX_VERSION = "fts-title-text-names@2"  # @2: Chinese, Japanese and Korean as character pairs (folding.index_form)
MAX_INDEX_CHARS = ANALYSE_CHARS  # PostgreSQL caps a tsvector at 1 MB; both backends index the same prefix
BATCH = 200

FTS_TABLE = "search_fts"
DOCS_TABLE = "search_docs"

_SQLITE_DDL = [
    f"""CREATE TABLE IF NOT EXISTS {DOCS_TABLE} (
        doc INTEGER PRIMARY KEY,
        article_id VARCHAR(255) NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE)""",
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE}
        USING fts5(title, body, names, tokenize = 'unicode61 remove_diacritics 2')""",
]
_PG_DDL = [
    f"""CREATE TABLE IF NOT EXISTS {DOCS_TABLE} (
        article_id VARCHAR(255) PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        tsv TSVECTOR NOT NULL)""",
    f"CREATE INDEX IF NOT EXISTS ix_{DOCS_TABLE}_tsv ON {DOCS_TABLE} USING GIN (tsv)",
]
_PG_TSV = ("setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :body), 'B')"
           " || setweight(to_tsvector('simple', :names), 'C')")


def create_search_tables(conn: Connection) -> None:
    """Create the search tables for the connection's dialect; safe to run again."""
    for ddl in _PG_DDL if conn.dialect.name == "postgresql" else _SQLITE_DDL:
        conn.execute(text(ddl))
    t.search_terms.create(conn, checkfirst=True)  # in the metadata: new stores have it already


def has_search_tables(conn: Connection) -> bool:
    """Whether ``create_search_tables`` has run on this database."""
    return inspect(conn).has_table(DOCS_TABLE)


def index_version() -> str:
    """``INDEX_VERSION`` and the encoder of the word bridge: switching encoders re-indexes (and re-embeds words)."""
    return f"{INDEX_VERSION}+{bridge.term_encoder_id()}"


def pending_for_index(store: Store) -> list[str]:
    """Articles not yet indexed by this index version and encoder (or changed since)."""
    return store.stale_articles(STAGE, index_version())


def index_articles(store: Store, ids: list[str]) -> int:
    """Upsert the given articles into the search index; return how many were indexed.

    Re-indexing an article replaces its entry. Ids no longer in the store are
    skipped. Words never seen before are embedded for the word bridge, outside
    the write transaction (about 1,000 words a second on two cores; a corpus's
    vocabulary grows far slower than its article count). When the articles were
    indexed by another version, the word vectors of the bridge's older forms go
    (``bridge.drop_stale_terms``).
    """
    done = 0
    _drop_stale_words(store, ids)
    for i in range(0, len(ids), BATCH):
        with store.engine.connect() as conn:
            docs = _documents(conn, ids[i : i + BATCH])
            new = bridge.missing_terms(conn, set().union(*(bridge.doc_words(d["title"], d["body"]) for d in docs)),
                                       bridge.term_encoder_id())
        terms = bridge.encode_terms(new)  # outside the write transaction: encoding takes seconds
        with store.engine.begin() as conn:
            # an article re-ingested or retitled since it was read stays pending (``store.changes``)
            same = still_as_read(conn, {d["id"]: d["seen"] for d in docs})
            docs = [d for d in docs if d["id"] in same]
            bridge.store_terms(conn, terms)
            if conn.dialect.name == "postgresql":
                _upsert_pg(conn, docs)
            else:
                _upsert_sqlite(conn, docs)
            _mark_done(conn, [d["id"] for d in docs])
        done += len(docs)
    return done


_WORDS_PRUNED: set[str] = set()  # stores whose stale word vectors this process has dropped


def _drop_stale_words(store: Store, ids: list[str]) -> None:
    """``bridge.drop_stale_terms`` once per store and process, when the articles were indexed by another version:
    it scans ``search_terms``, and only a new index version (an upgrade, another encoder) leaves such rows."""
    key = str(store.engine.url)
    if not ids or key in _WORDS_PRUNED:
        return
    s = t.article_stages.c
    older = select(s.article_id).where((s.stage == STAGE) & (s.version != index_version())
                                       & s.article_id.in_(ids[:BATCH])).limit(1)
    with store.engine.begin() as conn:
        if conn.execute(older).first() is not None:
            bridge.drop_stale_terms(conn)
            _WORDS_PRUNED.add(key)


def _documents(conn: Connection, ids: list[str]) -> list[dict[str, Any]]:
    """Title, text and linked entity names of the given articles."""
    a, m, e = t.articles.c, t.mentions.c, t.entities.c
    rows = conn.execute(select(a.id, a.title, a.text, a.content_hash).where(a.id.in_(ids)).order_by(a.id)).all()
    names: dict[str, list[str]] = {}
    q = (select(m.article_id, e.name).join(t.entities, e.id == m.entity_id)
         .where(m.article_id.in_(ids)).distinct().order_by(m.article_id, e.name))
    for aid, name in conn.execute(q):
        names.setdefault(aid, []).append(name)
    return [{"id": aid, "title": title or "", "body": (body or "")[:MAX_INDEX_CHARS],
             "names": " ; ".join(names.get(aid, [])), "seen": {"content_hash": content_hash, "title": title}}
            for aid, title, body, content_hash in rows]


def _fields(doc: dict[str, Any]) -> dict[str, str]:
    """The document's three indexed fields as both backends index them (``folding.index_form``)."""
    return {field: index_form(doc[field]) for field in ("title", "body", "names")}


def _upsert_sqlite(conn: Connection, docs: list[dict[str, Any]]) -> None:
    if not docs:
        return
    ids = [d["id"] for d in docs]
    _drop_sqlite(conn, ids)
    conn.execute(text(f"INSERT INTO {DOCS_TABLE} (article_id) VALUES (:id)"), [{"id": i} for i in ids])
    rowids = {r[0]: r[1] for r in conn.execute(
        text(f"SELECT article_id, doc FROM {DOCS_TABLE} WHERE article_id IN :ids")
        .bindparams(bindparam("ids", expanding=True)), {"ids": ids})}
    conn.execute(text(f"INSERT INTO {FTS_TABLE} (rowid, title, body, names) VALUES (:doc, :title, :body, :names)"),
                 [{"doc": rowids[d["id"]], **_fields(d)} for d in docs])


def _drop_sqlite(conn: Connection, ids: list[str]) -> None:
    """Remove the entries of ``ids``."""
    sel = bindparam("ids", expanding=True)
    conn.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid IN (SELECT doc FROM {DOCS_TABLE} WHERE article_id IN :ids)")
                 .bindparams(sel), {"ids": ids})
    conn.execute(text(f"DELETE FROM {DOCS_TABLE} WHERE article_id IN :ids").bindparams(sel), {"ids": ids})


def prune_index(store: Store) -> None:
    """Drop FTS5 rows of deleted articles (their ``search_docs`` row goes by cascade).

    Queries never see such rows (they join ``search_docs``); this only reclaims space.
    PostgreSQL needs nothing: its index lives in ``search_docs``.
    """
    if store.dialect == "sqlite":
        with store.engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT doc FROM {DOCS_TABLE})"))


def _upsert_pg(conn: Connection, docs: list[dict[str, Any]]) -> None:
    if not docs:
        return
    stmt = text(f"INSERT INTO {DOCS_TABLE} (article_id, tsv) VALUES (:id, {_PG_TSV}) "
                "ON CONFLICT (article_id) DO UPDATE SET tsv = excluded.tsv")
    conn.execute(stmt, [{"id": d["id"], **_fields(d)} for d in docs])


def _mark_done(conn: Connection, ids: list[str]) -> None:
    if not ids:
        return
    s = t.article_stages
    conn.execute(delete(s).where((s.c.stage == STAGE) & s.c.article_id.in_(ids)))
    now = datetime.now(UTC)
    version = index_version()
    conn.execute(s.insert(), [{"article_id": i, "stage": STAGE, "version": version, "done_at": now} for i in ids])
