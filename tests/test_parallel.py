"""The per-article worker pool: same results as inline, in order, over real forked processes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsweave.core import parallel
from newsweave.core.errors import ConfigError
from newsweave.stages import _entity_rows

from conftest import run_cli

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"


def _tagged(item: str) -> tuple[str, int]:
    return item.upper(), os.getpid()


def test_pool_keeps_order_and_uses_other_processes(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    items = [f"item{k}" for k in range(12)]
    sizes = [parallel.MIN_CHARS * (k % 3 + 1) for k in range(12)]  # biggest-first dispatch reorders them
    out = parallel.map_articles(_tagged, items, sizes)
    assert [text for text, _ in out] == [i.upper() for i in items]
    assert os.getpid() not in {pid for _, pid in out}


def test_small_batches_and_one_worker_run_inline(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    assert {pid for _, pid in parallel.map_articles(_tagged, ["a", "b"], [10, 10])} == {os.getpid()}
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    big = [parallel.MIN_CHARS] * 4
    assert {pid for _, pid in parallel.map_articles(_tagged, list("abcd"), big)} == {os.getpid()}


@pytest.mark.parametrize("raw", ["two", "0", "-3"])
def test_bad_worker_count_is_a_config_error(monkeypatch, raw):
    monkeypatch.setenv(parallel.WORKERS_ENV, raw)
    with pytest.raises(ConfigError, match=parallel.WORKERS_ENV):
        parallel.workers()


def test_cli_rejects_a_bad_worker_count_at_startup(monkeypatch, tmp_path: Path):
    monkeypatch.setenv(parallel.WORKERS_ENV, "lots")
    proc = run_cli("events", db=str(tmp_path / "never-made.db"))
    assert proc.returncode == 2 and "NEWSWEAVE_WORKERS='lots'" in proc.stderr, proc.stderr
    assert not (tmp_path / "never-made.db").exists()


def test_entities_from_the_pool_equal_inline(monkeypatch):
    """The real recogniser in forked workers finds exactly what it finds in this process."""
    arts = [{"text": p.read_text(encoding="utf-8"), "lang": None} for p in sorted(SEEDS.glob("*.txt"))]
    arts = arts * 4  # enough text for the pool
    sizes = [parallel.MIN_CHARS] * len(arts)
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    inline = parallel.map_articles(_entity_rows, arts, sizes)
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    assert parallel.map_articles(_entity_rows, arts, sizes) == inline
    assert sum(len(rows) for rows in inline) > 40


def _remembered(item: str) -> tuple[str, int, int]:
    """The item, the worker's pid and how many items this worker had seen before (a worker-side memo)."""
    seen = _SEEN.setdefault(os.getpid(), [])
    seen.append(item)
    return item.upper(), os.getpid(), len(seen) - 1


_SEEN: dict[int, list[str]] = {}


def test_a_shared_pool_keeps_its_workers_and_their_memory_across_calls(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    items, sizes = [f"x{k}" for k in range(6)], [parallel.MIN_CHARS] * 6
    with parallel.shared_pool():
        first = parallel.map_articles(_remembered, items, sizes)
        with parallel.shared_pool():  # nested: the outer block's pool serves
            second = parallel.map_articles(_remembered, items[:3], sizes[:3])
    assert [t for t, _, _ in first + second] == [i.upper() for i in items + items[:3]]
    pids = {pid for _, pid, _ in first + second}
    assert os.getpid() not in pids and len(pids) <= 2  # the same workers served both calls
    assert sum(n for _, _, n in second) >= 3  # ... and still held what the first call left them
    assert parallel._shared is None  # left: the pool is gone
    third = parallel.map_articles(_remembered, items, sizes)  # outside a block: a fresh pool, fresh workers
    assert not pids & {pid for _, pid, _ in third} and all(n < 6 for _, _, n in third)


_INTERRUPTED = '''
import os, signal, sys, time
from newsweave.core import parallel

signal.signal(signal.SIGINT, signal.default_int_handler)  # as from a terminal (pytest-xdist's workers ignore it)

def work(k):
    if k == 0:
        time.sleep(0.5)  # every worker has an item by now, one of them the long one
        os.killpg(0, signal.SIGINT)  # as a terminal's Ctrl-C does: to every process of the group
    time.sleep(30 if k == 1 else 0.3)
    return k

if __name__ == "__main__":
    try:
        with parallel.shared_pool():
            parallel.map_articles(work, list(range(40)), [parallel.MIN_CHARS * 2] * 2 + [parallel.MIN_CHARS] * 38)
    except KeyboardInterrupt:
        print("interrupted")
        sys.exit(130)
'''


def test_ctrl_c_stops_the_pool_quietly_and_at_once(tmp_path: Path):
    import subprocess
    import sys
    import time

    script = tmp_path / "interrupted.py"
    script.write_text(_INTERRUPTED, encoding="utf-8")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60,
                          start_new_session=True, env={**os.environ, parallel.WORKERS_ENV: "2"})
    assert proc.returncode == 130 and proc.stdout.strip() == "interrupted", proc.stderr
    assert "Traceback" not in proc.stderr  # the workers leave the interrupt to the parent
    assert time.monotonic() - started < 10  # neither the 30 s item under way nor the 38 left are waited for


def _dies_on_zero(k: int) -> int:
    if k == 0:
        os._exit(3)  # a worker killed (out of memory, say) amid an item
    return k


def test_a_worker_that_dies_fails_its_call_and_the_next_call_gets_a_fresh_pool(monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    sizes = [parallel.MIN_CHARS] * 4
    with parallel.shared_pool():
        with pytest.raises(BrokenProcessPool):
            parallel.map_articles(_dies_on_zero, [0, 1, 2, 3], sizes)
        assert parallel.map_articles(_dies_on_zero, [4, 5, 6, 7], sizes) == [4, 5, 6, 7]
