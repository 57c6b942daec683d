"""Whether page furniture keeps ingest and reads flat as a site's pages pile up (not run in CI).

Ingests ``--n`` synthetic pages of one site (the same ``--menu`` lines around
a story of its own, one page a day over ``--days`` days, then again) into a fresh
store, and reports the ingest time per article of each block of ``--block``
pages, and the time of ``Store.articles_for_analysis`` over the last block.
A cost that grew with the site's pages (counting the holders of every menu
line at each ingest) would show as a rising ratio of the last block to the
first; ``--days 0`` makes the pages undated, so their menus never become
furniture. Usage:

    .venv/bin/python bench/furniture_scale.py [--n 20000] [--block 1000] [--days 365] [--db URL] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import tempfile
import time
from pathlib import Path

from newsweave.core.config import Settings
from newsweave.core.records import RawDocument
from newsweave.ingest.pipeline import ingest_items
from newsweave.store import open_store

WORDS = ("rebels government capital minister talks ceasefire army city protest council election court "
         "report border oil port coast strike vote leader police").split()
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _story(rng: random.Random) -> str:
    """Words of their own (so pages are not near-duplicates of one another, whose check has its own cost)."""
    return " ".join("".join(rng.choice(_LETTERS) for _ in range(rng.randint(3, 9))) for _ in range(120))


def _page(i: int, menu: list[str], rng: random.Random, days: int) -> RawDocument:
    story = _story(rng) + "."
    day = (dt.date(2020, 1, 1) + dt.timedelta(days=i % days)).isoformat() if days else None
    text = "\n\n".join([*menu[:10], story, *menu[10:]])
    return RawDocument(id=f"page-{i}", text=text, origin=f"bench:{i}", published=day,
                       published_source="jsonl" if day else None)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--block", type=int, default=1000)
    ap.add_argument("--menu", type=int, default=20, help="furniture lines per page")
    ap.add_argument("--days", type=int, default=365, help="pages spread over this many days (0: undated, whose "
                    "menus are never found to be furniture but must not cost more as they pile up)")
    ap.add_argument("--db", help="store URL (default: a fresh SQLite file)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    db = args.db or str(Path(tempfile.mkdtemp()) / "furniture.db")
    store, rng = open_store(db), random.Random(7)
    menu = [f"Menu item {k}: {' '.join(rng.choice(WORDS) for _ in range(4))}" for k in range(args.menu)]
    settings, errors = Settings(db=db), []
    blocks = []
    try:
        for start in range(0, args.n, args.block):
            began = time.perf_counter()
            pages = (_page(i, menu, rng, args.days) for i in range(start, min(start + args.block, args.n)))
            errors += ingest_items(store, pages, settings).errors
            blocks.append(round((time.perf_counter() - began) / args.block * 1000, 3))
        last = [f"page-{i}" for i in range(max(0, args.n - args.block), args.n)]
        began = time.perf_counter()
        read = store.articles_for_analysis(last)
        read_ms = round((time.perf_counter() - began) / len(last) * 1000, 3)
        blanked = sum(1 for a in read.values() if a["text"].split() and menu[0].split()[0] not in a["text"])
    finally:
        store.close()
    out = {"pages": args.n, "ingest_ms_per_page_by_block": blocks, "last_to_first": round(blocks[-1] / blocks[0], 2),
           "read_ms_per_page": read_ms, "last_block_menus_blanked": blanked, "errors": len(errors)}
    print(json.dumps(out, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
