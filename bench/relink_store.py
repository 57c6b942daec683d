"""The link stage on a real store of ``--n`` articles: a full relink and a run of new articles, with database writes
(not run in CI).

``link_stream.py`` times the linker alone as a store grows. This writes the same replay (the mentions of the
analysed dev-set stores in ``--stores``, over and over under fresh ids, ingest times one second apart) into a
real store (``--db``: a SQLite file, made anew, or a PostgreSQL URL whose schema must be empty) and runs the link
stage on it as ``newsweave run`` does (``link_store``), each run in a fresh process so that its peak RSS is its own:

1. a full relink of every stored mention (no checkpoint yet): time, peak RSS, the checkpoint's size;
2. ``--more`` new articles added after it and linked on from the checkpoint;
3. a full relink again, the checkpoint dropped (as when a linked article's mentions are replaced): the links
   before and after are compared to find the articles whose names changed.

Usage:

    .venv/bin/python bench/relink_store.py --stores bench-stores --db /tmp/relink.db [--n 100000] [--more 1000] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from link_stream import copies, load_articles

from newsweave.link.incremental import link_store
from newsweave.stages import LINK_VERSION
from newsweave.store import entity_repo, open_store
from newsweave.store import schema as t

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def fill(url: str, stores: Path, start: int, stop: int) -> int:
    """Articles ``start`` to ``stop`` of the replay, with their (unlinked) mentions and the entities stage marked
    done, written in one transaction per 1,000 articles; returns the mentions written."""
    arts = load_articles(stores)
    store = open_store(url)
    written = 0
    try:
        replay = copies(arts, start, stop)
        for first in range(start, stop, 1000):
            rows_a, rows_m = [], []
            for k, ms in zip(range(first, min(first + 1000, stop)), replay):
                rows_a.append({"id": f"r{k}", "origin": "bench", "text": "", "content_hash": f"h{k}",
                               "ingested_at": START + timedelta(seconds=k)})
                rows_m.extend({"article_id": f"r{k}", "idx": i, "start_char": m.start, "end_char": m.end,
                               "text": m.text, "type": m.type, "lang": m.lang, "entity_id": None}
                              for i, m in enumerate(ms))
            with store.engine.begin() as conn:
                conn.execute(t.articles.insert(), rows_a)
                conn.execute(t.article_stages.insert(), [{"article_id": r["id"], "stage": "entities", "version": "bench",
                                                         "done_at": r["ingested_at"]} for r in rows_a])
                if rows_m:
                    conn.execute(t.mentions.insert(), rows_m)
            written += len(rows_m)
    finally:
        store.close()
    return written


def _link(url: str, out: multiprocessing.Queue) -> None:
    """One link run as the stage does it, in this (fresh) process: what it did, its time and peak RSS."""
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    store = open_store(url)
    try:
        t0 = time.perf_counter()
        report = link_store(store, entity_repo.articles_to_link(store, LINK_VERSION), LINK_VERSION)
        seconds = time.perf_counter() - t0
        state = entity_repo.load_link_state(store)
    finally:
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.put({"incremental": report.incremental, "articles": report.articles, "changed": len(report.changed),
             "seconds": round(seconds, 1), "peak_rss_mib": round(peak / 1024),
             "rss_growth_mib": round((peak - base) / 1024), "checkpoint_mib": round(len(state or b"") / 2**20, 1)})


def link_in_fresh_process(url: str) -> dict:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_link, args=(url, out))
    proc.start()
    result = out.get()
    proc.join()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stores", type=Path, required=True)
    ap.add_argument("--db", required=True, help="a SQLite file (made anew) or an empty PostgreSQL schema's URL")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--more", type=int, default=1000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if "://" not in args.db:
        Path(args.db).unlink(missing_ok=True)
    t0 = time.perf_counter()
    mentions = fill(args.db, args.stores, 0, args.n)
    report = {"articles": args.n, "mentions": mentions, "fill_s": round(time.perf_counter() - t0, 1),
              "full_relink": link_in_fresh_process(args.db)}
    fill(args.db, args.stores, args.n, args.n + args.more)
    report["then"] = {"new_articles": args.more, **link_in_fresh_process(args.db)}
    store = open_store(args.db)
    try:
        with store.engine.begin() as conn:
            conn.execute(t.link_state.delete())
    finally:
        store.close()
    report["relink_again"] = link_in_fresh_process(args.db)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    full, then = report["full_relink"], report["then"]
    print(f"{args.n} articles, {mentions} mentions (written in {report['fill_s']} s)")
    print(f"  full relink: {full['seconds']} s, peak RSS {full['peak_rss_mib']} MiB "
          f"(+{full['rss_growth_mib']} MiB in the run), checkpoint {full['checkpoint_mib']} MiB")
    print(f"  then {args.more} new articles: {'incremental' if then['incremental'] else 'FULL RELINK'} "
          f"{then['seconds']} s, peak RSS {then['peak_rss_mib']} MiB, {then['changed']} older articles changed")
    again = report["relink_again"]
    print(f"  full relink again: {again['seconds']} s, peak RSS {again['peak_rss_mib']} MiB, "
          f"{again['changed']} articles changed")


if __name__ == "__main__":
    main()
