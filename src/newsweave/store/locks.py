"""One process at a time analyses a store (``analysis_lock``).

The stages that carry state from run to run (linking's checkpoint, the
clusterer's open events) read it, work, and write it back: two processes doing
so at once on one store each placed the same new articles, and the second to
save failed on a duplicate assignment (on SQLite, "UNIQUE constraint failed:
event_articles.article_id") after its state had diverged from what the first
saved. Every stage run therefore holds this lock; another process's run waits
its turn, stage by stage, and then finds what the first did already done.
Ingest takes no lock: each article is its own transaction.

SQLite: an exclusive ``flock`` on ``<store file>.lock`` (released by the system
if the process dies). PostgreSQL: a session advisory lock keyed by the store's
schema, on a connection left idle (never "idle in transaction") while held.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import text

from newsweave.store.repository import Store

LOCK_SUFFIX = ".lock"  # beside an SQLite store's file: never read as input (``jobs._store_files``)
WAITING = "waiting: another newsweave process is analysing this store"  # told once, through ``waiting``
_held: dict[str, int] = {}  # lock -> depth in this process: a nested stage run must not wait on itself
_guard = threading.Lock()


@contextmanager
def analysis_lock(store: Store, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the store's analysis lock for the block; ``waiting`` is called once if another process holds it."""
    key = _key(store)
    with _guard:
        depth = _held.get(key, 0)
        _held[key] = depth + 1
    try:
        if depth:
            yield
        elif store.engine.dialect.name == "postgresql":
            with _pg_lock(store, waiting):
                yield
        else:
            with _file_lock(store, waiting):
                yield
    finally:
        with _guard:
            _held[key] -= 1
            if not _held[key]:
                del _held[key]


def _key(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=True)


@contextmanager
def _file_lock(store: Store, waiting: Callable[[], None] | None) -> Iterator[None]:
    import fcntl

    database = store.engine.url.database
    if not database or database == ":memory:":  # no other process can open it
        yield
        return
    with open(database + LOCK_SUFFIX, "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                waiting()
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def _pg_lock(store: Store, waiting: Callable[[], None] | None) -> Iterator[None]:
    with store.engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        # advisory locks are per database: keyed by schema, stores in other schemas do not wait on this one
        key = zlib.crc32(f"newsweave analysis {schema}".encode("utf-8"))
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar_one():
            if waiting:
                waiting()
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        conn.commit()  # a session lock outlives the transaction; the connection must not sit in one
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()
