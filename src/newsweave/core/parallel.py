"""Per-article work spread over the machine's cores.

The analysis stages that read whole articles (entity recognition, time
tagging, quotations) are pure Python: they hold the GIL, so threads do not
help. :func:`map_articles` runs such a function in forked worker processes,
one per usable core. Forking matters: the workers inherit the models the
parent has already loaded (copy-on-write), so nothing is loaded twice and a
pool starts in milliseconds. Where ``fork`` is not available, or the batch is
too small to pay for a pool, the work runs inline, in the same order, with the
same results.

``NEWSWEAVE_WORKERS`` caps the number of processes (``1`` turns pools off).

Inside :func:`shared_pool` (a stage's run over all its batches) the calls reuse
one pool, so workers keep what they memoise (word features, tagged sentences)
from one batch to the next instead of starting cold each time.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from newsweave.core.errors import ConfigError

WORKERS_ENV = "NEWSWEAVE_WORKERS"
_PR_SET_PDEATHSIG = 1  # prctl(2)
MIN_CHARS = 40_000  # below this much text a pool costs more than it saves

T = TypeVar("T")
R = TypeVar("R")

# While a shared_pool block runs: its one pool once a call has needed it (the list is empty before)
_shared: list[ProcessPoolExecutor] | None = None


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS tells)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def workers() -> int:
    """Worker processes to use: ``$NEWSWEAVE_WORKERS`` if set, else the usable cores."""
    raw = os.environ.get(WORKERS_ENV)
    if raw is None or raw == "":
        return usable_cores()
    try:
        n = int(raw)
    except ValueError:
        raise ConfigError(f"{WORKERS_ENV}={raw!r} is not a whole number") from None
    if n < 1:
        raise ConfigError(f"{WORKERS_ENV}={raw!r}: at least 1 worker is needed")
    return n


def map_articles(fn: Callable[[T], R], items: Sequence[T], sizes: Sequence[int]) -> list[R]:
    """``[fn(item) for item in items]``, over worker processes when the items are big enough.

    ``sizes`` holds each item's amount of text (characters): the pool is used
    only when their sum is worth it, and the biggest items are handed out
    first so that one long article does not finish last on a lone core.
    ``fn`` must be a module-level function (workers receive it by name) and
    free of side effects on shared state: each worker has its own copy of the
    parent's memory. Results come back in the order of ``items``. Workers are
    forked from the parent as it is, a CUDA context included: no worker
    function may use the GPU encoder (CUDA cannot re-initialise in a fork).
    """
    n = min(workers(), len(items))
    if n < 2 or sum(sizes) < MIN_CHARS or "fork" not in mp.get_all_start_methods():
        return [fn(item) for item in items]
    order = sorted(range(len(items)), key=lambda k: -sizes[k])
    out: list[R] = [None] * len(items)  # type: ignore[list-item]
    if _shared is None:
        pool = _pool(n)
        try:
            _collect(pool, fn, items, order, out)
        except BaseException:
            _stop(pool)
            raise
        pool.shutdown()
        return out
    if not _shared:  # every worker the block may use: a later batch can be longer than this one
        _shared.append(_pool(workers()))
    try:
        _collect(_shared[0], fn, items, order, out)
    except BaseException:  # Ctrl-C, or a worker that died (BrokenProcessPool): the next call starts afresh
        _stop(_shared.pop())
        raise
    return out


def _collect(pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Sequence[T], order: list[int],
             out: list[R]) -> None:
    """Run ``fn`` over ``items`` in ``order`` on ``pool``, each result into its item's place in ``out``."""
    # Workers fork at the first items handed out; SIGINT stays blocked until they have set it aside
    # (``_worker_start``), so a Ctrl-C in that instant reaches the parent alone, right after
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        results = pool.map(fn, [items[k] for k in order])
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    for k, result in zip(order, results):
        out[k] = result


def _worker_start(parent: int) -> None:
    """Each worker's setup: Ctrl-C left to the parent, and death with it."""
    # A terminal's Ctrl-C reaches every process of the foreground group: the workers leave it to the parent, which
    # ends them (``_stop``). A worker that took it itself would break the pool under the parent's feet, and a shared
    # pool once hung there (tests/test_parallel.py).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    # A parent killed outright (SIGTERM, SIGKILL, the OOM killer) runs no cleanup: its workers lived on, orphaned,
    # holding what they inherited, among it the socket of the store's PostgreSQL analysis lock (store.locks), so
    # every later run waited for ever. Linux ends them with their parent.
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request was in place
        os._exit(1)


def _pool(n: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(n, mp_context=mp.get_context("fork"), initializer=_worker_start,
                               initargs=(os.getpid(),))


def _stop(pool: ProcessPoolExecutor) -> None:
    """End ``pool`` now: drop the items not started and end the workers amid theirs (they write nothing; the
    parent stores results), rather than wait for a long article on Ctrl-C."""
    workers_now = list((getattr(pool, "_processes", None) or {}).values())  # no public handle before 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in workers_now:
        proc.terminate()
    for proc in workers_now:
        proc.join(5)


@contextmanager
def shared_pool() -> Iterator[None]:
    """Let every :func:`map_articles` call inside reuse one worker pool, forked at the first call that needs one
    (after the stage has loaded its models, so the workers inherit them) and shut down on leaving. Each new pool
    recomputed the features of the words every page shares: on the 2,281 articles of the four dev sets the entity
    stage in batches of 200 took 14.4-14.6 s (workers 20.4 CPU-s) with a pool per batch, 13.3-13.8 s (18.6-19.3)
    with one for all, the same mentions found (bench/MEASUREMENTS.md)."""
    global _shared
    if _shared is not None:  # nested: the outer block owns the pool
        yield
        return
    try:
        _shared = []
        yield
    finally:
        pools, _shared = _shared or [], None
        for pool in pools:  # an error inside has already stopped the pool (``map_articles``)
            pool.shutdown()
