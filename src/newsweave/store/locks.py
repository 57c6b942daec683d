"""One process at a time analyses a store (``analysis_lock``).

The stages that carry state from run to run (linking's checkpoint, the
clusterer's open events) read it, work, and write it back: two processes doing
so at once on one store each placed the same new articles, and the second to
save failed on a duplicate assignment (on SQLite, "UNIQUE constraint failed:
event_articles.article_id") after its state had diverged from what the first
saved. Every stage run therefore holds this lock; another process's run waits
its turn, stage by stage, and then finds what the first did already done.
Ingest takes no lock: each article is its own transaction.

SQLite: an exclusive POSIX lock (``lockf``) on ``<store file>.lock``, which the
system releases when the process ends, however it ends. PostgreSQL: a session
advisory lock keyed by the store's schema, on a connection left idle (never
"idle in transaction") while held; it ends with the connection, and the stage's
worker processes, which share its socket, die with their parent
(``core.parallel``).
"""

from __future__ import annotations

import errno
import os
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import unquote, urlsplit

from sqlalchemy import text

from newsweave.core.errors import StoreError
from newsweave.core.records import Progress
from newsweave.store.repository import Store

LOCK_SUFFIX = ".lock"  # beside an SQLite store's file: never read as input (``jobs._store_files``)
WAITING = "waiting: another newsweave process is analysing this store"  # told ``progress`` once
_held: dict[str, int] = {}  # lock -> depth in this process: a nested stage run must not wait on itself
_guard = threading.Lock()


@contextmanager
def analysis_lock(store: Store, progress: Progress | None = None) -> Iterator[None]:
    """Hold the store's analysis lock for the block; ``progress`` is told ``WAITING`` once if another process
    holds it."""
    waiting = (lambda: progress(WAITING)) if progress else None
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
    # one SQLite file however it is named ("x.db", "/abs/x.db", a file: URI): a POSIX lock is the process's, and a
    # second hold of it, closed, would let go of the first
    path = sqlite_path(store) if store.engine.dialect.name == "sqlite" else None
    return os.path.realpath(path) if path else store.engine.url.render_as_string(hide_password=True)


@contextmanager
def _file_lock(store: Store, waiting: Callable[[], None] | None) -> Iterator[None]:
    import fcntl

    path = sqlite_path(store)
    if path is None:  # in memory: no other process can open it
        yield
        return
    try:
        fh = open(path + LOCK_SUFFIX, "a+b")
    except OSError as exc:
        raise StoreError(f"cannot open the store's lock file {path + LOCK_SUFFIX}: {exc.strerror or exc}") from None
    with fh:
        # lockf, not flock: a POSIX lock belongs to this process alone. An flock belongs to the open file, which
        # the stage's forked workers share: a run killed by SIGTERM left them holding it, and every later run
        # waited for ever.
        try:
            fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            if waiting:
                waiting()
            fcntl.lockf(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.lockf(fh, fcntl.LOCK_UN)


def sqlite_path(store: Store) -> str | None:
    """The file of an SQLite store (a ``file:`` URI read as its path), None in memory."""
    url = store.engine.url
    database = url.database
    if not database or database == ":memory:" or url.query.get("mode") == "memory":
        return None
    if database.startswith("file:"):  # sqlite:///file:/path/store.db?uri=true
        return unquote(urlsplit(database).path) or None
    return database


@contextmanager
def _pg_lock(store: Store, waiting: Callable[[], None] | None) -> Iterator[None]:
    # autocommit: a session lock needs no transaction, and the connection must not sit in one, waiting or holding
    # (a server's idle_in_transaction_session_timeout would end it, and an old snapshot holds back vacuum)
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        # advisory locks are per database: keyed by schema, stores in other schemas do not wait on this one
        key = zlib.crc32(f"newsweave analysis {schema}".encode("utf-8"))
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar_one():
            if waiting:
                waiting()
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
