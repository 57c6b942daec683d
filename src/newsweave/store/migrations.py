"""Schema migrations, applied when a store is opened.

A new store gets the current schema in one go and is stamped with
``SCHEMA_VERSION``. An older store runs each numbered step after its own
version, in one transaction, so a failed upgrade leaves it as it was. To change
the schema: edit ``schema.py``, bump ``SCHEMA_VERSION`` and add the step that
takes version N-1 to N to ``STEPS``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, func, inspect, select, text

from newsweave.core.errors import StoreError
from newsweave.store.schema import SCHEMA_VERSION, metadata, schema_version



def _v2_time_exprs(conn: Connection) -> None:
    from newsweave.store.schema import time_exprs

    time_exprs.create(conn)  # with its indexes


def _v3_entities(conn: Connection) -> None:
    from newsweave.store.schema import entities, mentions

    mentions.create(conn)
    entities.create(conn)


def _v4_clusters(conn: Connection) -> None:
    from newsweave.store.schema import cluster_log, cluster_state, event_articles, events, storylines

    for table in (events, storylines, event_articles, cluster_log, cluster_state):
        table.create(conn)


def _v5_readers(conn: Connection) -> None:
    from newsweave.store.schema import quotes, summaries

    quotes.create(conn)
    summaries.create(conn)


def _v6_search(conn: Connection) -> None:
    from newsweave.search.index import create_search_tables

    create_search_tables(conn)


def _v7_link_state(conn: Connection) -> None:
    from newsweave.store.schema import link_state

    link_state.create(conn)


def _v8_article_lines(conn: Connection) -> None:
    from newsweave.store.furniture_repo import backfill
    from newsweave.store.schema import article_lines, furniture_days, furniture_keys

    article_lines.create(conn)  # with its index
    furniture_days.create(conn)
    furniture_keys.create(conn)
    backfill(conn)


def _v9_edited_articles(conn: Connection) -> None:
    import json

    from sqlalchemy import delete

    from newsweave.store.schema import EDITED_KEY, cluster_state, edited_articles

    edited_articles.create(conn)
    c = cluster_state.c
    saved = conn.execute(select(c.value).where(c.key == EDITED_KEY)).scalar_one_or_none()
    if saved is not None:  # the list a re-cluster due still reads
        ids = json.loads(bytes(saved).decode("utf-8"))
        if ids:
            conn.execute(edited_articles.insert(), [{"article_id": aid} for aid in ids])
        conn.execute(delete(cluster_state).where(c.key == EDITED_KEY))


STEPS: dict[int, Callable[[Connection], None]] = {2: _v2_time_exprs, 3: _v3_entities, 4: _v4_clusters,
                                                  5: _v5_readers, 6: _v6_search, 7: _v7_link_state,
                                                  8: _v8_article_lines, 9: _v9_edited_articles}

_PG_LOCK = 7_263_540  # any constant: serialises concurrent migrations on one server


def current_version(conn: Connection) -> int | None:
    """The store's schema version, or None for an empty database."""
    if not inspect(conn).has_table(schema_version.name):
        return None
    return conn.execute(select(func.max(schema_version.c.version))).scalar_one_or_none() or 0


def migrate(engine: Engine, create: bool = True) -> int:
    """Bring the store to ``SCHEMA_VERSION``; return the version it had (0 if new). ``create=False``
    (a command that only reads): a database without the schema is an error, and nothing is written."""
    with engine.connect() as conn:
        if current_version(conn) == SCHEMA_VERSION:  # the usual case: no write lock for a store already current
            return SCHEMA_VERSION
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
        else:
            # sqlite3 runs DDL outside any transaction unless one is open: a second process saw the tables of a
            # store being created before its version row, and failed (KeyError: 1; so would a store whose
            # creation was interrupted). An immediate transaction makes the creation one step, one process at
            # a time.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        found = current_version(conn)
        if found is None:
            _refuse_foreign(conn, create)
            metadata.create_all(conn)
            _v6_search(conn)  # full-text tables are dialect-specific DDL, outside the metadata
            _stamp(conn, SCHEMA_VERSION)
            return 0
        if found > SCHEMA_VERSION:
            raise StoreError(f"the store has schema version {found}, newer than this newsweave ({SCHEMA_VERSION}); upgrade newsweave")
        for version in range(found + 1, SCHEMA_VERSION + 1):
            STEPS[version](conn)
            _stamp(conn, version)
        return found


def _refuse_foreign(conn: Connection, create: bool) -> None:
    """A database without newsweave's schema is made a store only by a command that writes, and an SQLite
    file only when it holds no tables of something else (an application's ``app.db``)."""
    tables = inspect(conn).get_table_names()
    if "articles" in tables:
        raise StoreError("the database has an 'articles' table but no newsweave schema version; refusing to touch it")
    if conn.dialect.name == "sqlite" and tables:
        shown = ", ".join(sorted(tables)[:3]) + (", …" if len(tables) > 3 else "")
        raise StoreError(f"the database holds other tables ({shown}) and no newsweave store; refusing to touch it "
                         "(give --db a new file)")
    if not create:
        raise StoreError("no newsweave store in this database yet (`newsweave ingest` or `newsweave run` makes one)")


def _stamp(conn: Connection, version: int) -> None:
    conn.execute(schema_version.insert().values(version=version, applied_at=datetime.now(UTC)))
