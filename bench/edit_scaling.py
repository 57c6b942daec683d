"""What noting one edited article costs as edits pile up before a re-cluster (not run in CI).

An ingest that changes a clustered article's text notes it for the re-cluster that follows
(``Store._unplace``). A re-ingest of a corpus whose extraction changed edits every article, each in its
own transaction; the cost of one note must not grow with the number already noted. This notes ``--n``
edits, each in its own transaction as an ingest makes them, into a fresh SQLite store with a re-cluster
under way, and prints the mean time per note over each quarter of the run: a flat row is what to expect.

Usage:

    .venv/bin/python bench/edit_scaling.py [--n 20000] [--json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from newsweave.store import open_store
from newsweave.store import schema as t
from newsweave.store.repository import Store


def measure(n: int) -> list[float]:
    """Mean milliseconds per noted edit over each quarter of ``n`` edits."""
    quarters, step = [], max(n // 4, 1)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "edits.db"))
        with store.engine.begin() as conn:  # a re-cluster under way: every edit is noted
            conn.execute(t.cluster_state.insert().values(key=t.BEFORE_KEY, value=b"{}"))
        lap = time.perf_counter()
        for i in range(n):
            with store.engine.begin() as conn:
                Store._unplace(conn, f"article-{i:012d}", edited=True)
            if (i + 1) % step == 0:
                now = time.perf_counter()
                quarters.append(round(1000 * (now - lap) / step, 3))
                lap = now
        store.close()
    return quarters


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20_000, help="edits to note")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    quarters = measure(args.n)
    if args.json:
        print(json.dumps({"edits": args.n, "ms_per_edit_by_quarter": quarters}))
        return
    print(f"{args.n} edits noted; ms per edit over each quarter: " + " / ".join(f"{q:.2f}" for q in quarters))


if __name__ == "__main__":
    main()
