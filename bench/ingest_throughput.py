"""Ingest throughput on the labelled corpora in ../shared/data (not run in CI).

For each ``*/corpus.jsonl`` it ingests into a fresh SQLite store (and, with
``--pg``, a fresh PostgreSQL schema) and reports articles/s and MB/s of text,
plus the share of time spent in the text stage (language ID + sentences), so a
slowdown can be traced to its stage. Usage:

    .venv/bin/python bench/ingest_throughput.py --data ../shared/data [--pg URL] [--json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from pathlib import Path

from newsweave import jobs
from newsweave.analyse import text as text_stage
from newsweave.core.config import Settings


def _timed_text_stage() -> dict[str, float]:
    """Wrap the text stage to accumulate its wall time."""
    spent = {"s": 0.0}
    original = text_stage.analyse_text

    def wrapped(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent["s"] += time.perf_counter() - t0

    text_stage.analyse_text = wrapped  # type: ignore[assignment]
    return spent


def bench_one(corpus: Path, db: str) -> dict[str, object]:
    spent = _timed_text_stage()
    n_bytes = corpus.stat().st_size
    t0 = time.perf_counter()
    report = jobs.ingest(Settings(db=db), [str(corpus)])
    wall = time.perf_counter() - t0
    n = len(report.added)
    return {
        "corpus": corpus.parent.name, "articles": n, "errors": len(report.errors),
        "exact_duplicates": len(report.duplicates), "near_duplicates": len(report.near_duplicates),
        "seconds": round(wall, 2), "articles_per_s": round(n / wall, 1),
        "mb_per_s": round(n_bytes / wall / 1e6, 2), "text_stage_share": round(spent["s"] / wall, 2),
    }


def _pg_schema(url: str) -> str:
    import psycopg

    schema = f"nwbench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return f"{url}?options=-csearch_path%3D{schema}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--pg", help="also bench PostgreSQL at this server URL (a throwaway schema is created)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results = []
    for corpus in sorted(args.data.glob("*/corpus.jsonl")):
        with tempfile.TemporaryDirectory() as tmp:
            results.append({"store": "sqlite", **bench_one(corpus, str(Path(tmp) / "b.db"))})
        if args.pg:
            results.append({"store": "postgresql", **bench_one(corpus, _pg_schema(args.pg))})
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'corpus':10} {'store':10} {'articles':>8} {'s':>7} {'art/s':>7} {'MB/s':>6} {'text%':>6} {'near-dup':>8}")
    for r in results:
        print(f"{r['corpus']:10} {r['store']:10} {r['articles']:8} {r['seconds']:7} {r['articles_per_s']:7} "
              f"{r['mb_per_s']:6} {r['text_stage_share']:6.0%} {r['near_duplicates']:8}")


if __name__ == "__main__":
    main()
