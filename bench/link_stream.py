"""Entity linking as a store grows: incremental runs from the checkpoint vs full relinks (not run in CI).

Replays the mentions of the analysed dev-set stores (the ``--stores`` folder
``cluster_heldout.py`` and ``calibrate`` build) as a stream of ``--n`` articles
with fresh ids, linked ``--batch`` new articles at a time exactly as the link
stage's incremental path does (``newsweave.link.incremental``, the garbage
collector paused): restore the linker from its checkpoint bytes, add the batch, build the rows of the entities
it touched, drop the entities nothing can join again, save the checkpoint.
Reported per step: the store size, the step's time, the checkpoint's size,
and the process's peak RSS; at a few sizes also what a full relink of
everything so far costs. Database writes are left out (they are proportional
to the touched entities and the batch).

Usage:

    .venv/bin/python bench/link_stream.py --stores bench-stores [--n 100000] [--batch 1000] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from newsweave.link import Linker, Mention
from newsweave.link.incremental import _Checkpoint, _dump, _entity_row, _load, gc_paused, mentions_of
from newsweave.store import entity_repo, open_store


def load_articles(stores: Path) -> list[list[Mention]]:
    """Each stored article's mentions, corpus by corpus, in ingest order."""
    out: list[list[Mention]] = []
    for db in sorted(stores.glob("*.db")):
        store = open_store(str(db))
        try:
            out.extend(mentions_of(art) for art in entity_repo.iter_mentions(store))
        finally:
            store.close()
    return out


def copies(articles: list[list[Mention]], start: int, stop: int) -> Iterator[list[Mention]]:
    """Articles ``start`` to ``stop`` of the replay: ``articles`` over and over, each copy under a fresh id
    (made on the fly, so the replay itself holds no memory)."""
    for k in range(start, stop):
        src = articles[k % len(articles)]
        yield [Mention(f"r{k}", m.text, m.type, m.lang, m.start, m.end) for m in src]


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(stores: Path, n: int, batch: int, full_at: set[int], progress: bool = False) -> dict:
    arts = load_articles(stores)
    stamp = datetime(2026, 1, 1)
    state = _dump(_Checkpoint("bench", Linker(keep_mentions=False), (stamp, "")))
    steps = []
    for i in range(0, n, batch):
        with gc_paused():  # as the link stage runs
            t0 = time.perf_counter()
            linker = _load(state, "bench").linker
            t_load = time.perf_counter() - t0
            for ms in copies(arts, i, min(i + batch, n)):
                linker.add(ms)
            touched = linker.take_touched()
            rows = [_entity_row(linker.entity(x)) for x in touched if linker.has(x)]
            linker.drop_unmatchable()
            t1 = time.perf_counter()
            state = _dump(_Checkpoint("bench", linker, (stamp, f"r{i}")))
            t_save = time.perf_counter() - t1
        size = min(i + batch, n)
        step = {"articles": size, "step_s": round(time.perf_counter() - t0, 3), "restore_s": round(t_load, 3),
                "save_s": round(t_save, 3), "touched_rows": len(rows), "checkpoint_mib": round(len(state) / 2**20, 1),
                "rss_mib": round(_rss_mib())}
        if size in full_at:
            t2 = time.perf_counter()
            full = Linker(keep_mentions=False)
            with gc_paused():
                for ms in copies(arts, 0, size):
                    full.add(ms)
                full.entities()
            step["full_relink_s"] = round(time.perf_counter() - t2, 2)
            del full
        del linker
        steps.append(step)
        if progress:
            print(json.dumps(step), file=sys.stderr, flush=True)
    mentions = sum(len(arts[k % len(arts)]) for k in range(n))
    return {"articles": n, "batch": batch, "mentions": mentions, "steps": steps}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stores", type=Path, required=True)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--full-at", default="10000,50000", help="store sizes at which to time a full relink too")
    ap.add_argument("--progress", action="store_true", help="each step as a JSON line on stderr, as it ends")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    r = run(args.stores, args.n, args.batch, {int(x) for x in args.full_at.split(",") if x}, args.progress)
    if args.json:
        print(json.dumps(r, indent=2))
        return
    print(f"{r['articles']} articles ({r['mentions']} mentions), {r['batch']} new per run")
    every = max(1, len(r["steps"]) // 10)
    for s in r["steps"][every - 1 :: every]:
        extra = f"  full relink {s['full_relink_s']:.1f} s" if "full_relink_s" in s else ""
        print(f"  at {s['articles']:7d}: run {s['step_s']:6.2f} s (restore {s['restore_s']:.2f}, save {s['save_s']:.2f}),"
              f" checkpoint {s['checkpoint_mib']:6.1f} MiB, peak RSS {s['rss_mib']:6d} MiB{extra}")
    for s in r["steps"]:
        if "full_relink_s" in s and s not in r["steps"][every - 1 :: every]:
            print(f"  at {s['articles']:7d}: full relink {s['full_relink_s']:.1f} s")


if __name__ == "__main__":
    main()
