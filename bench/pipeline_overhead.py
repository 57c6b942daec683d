"""What the pipeline around the encoder costs, stage by stage (not run in CI).

Ingests a corpus into a fresh SQLite store and runs every analysis stage in
order, timing each, while the default encoder's calls are timed wherever they
happen (the embed stage, the search stage's word bridge and passages, ...).
The figure the stories issue asks for is

    overhead = (ingest + all stages - encoder time in the embed stage) / encoder time in the embed stage

that is, how much the work around the article encoder adds to its own time.
Beside it, the figure for the stories pipeline alone,

    stories overhead = (embed stage - its encoder time + cluster stage) / encoder time in the embed stage

the work the clustering issue adds around the encoder: reading texts and
storing vectors, then placing articles in events and storylines (the stages
that feed it signals, dates and entities, are the other issues' and counted
in the first figure only).
All numbers come from one run; the machine's cores are shared, so compare
ratios, not seconds across runs.

``--warm N`` first ingests and analyses the N articles that follow the timed
ones (untimed): a store that already holds articles has already embedded most
words of the search bridge and entities to link against, as a running
installation has, while a fresh store pays for its whole vocabulary at once.

Usage:

    .venv/bin/python bench/pipeline_overhead.py [--corpus ../shared/data/mlcrisis/corpus.jsonl] [--limit 300]
        [--max-chars N] [--warm N] [--json]

``NEWSWEAVE_WORKERS=1`` runs the per-article stages in one process, for a
comparison with the default worker pool (``core/parallel.py``).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from newsweave import jobs  # noqa: I001
from newsweave.analyse.encoder import get_encoder
from newsweave.core.config import Settings
from newsweave.stages import STAGES
from newsweave.jobs import store_for

_HERE = Path(__file__).resolve()


@contextmanager
def timed_encoder(spent: dict[str, float], current: list[str]) -> Iterator[None]:
    """Accumulate the default encoder's wall time per running stage (``current[0]``)."""
    enc = get_encoder()
    originals = {m: getattr(enc, m) for m in ("encode_passages", "encode_queries", "encode_words")}

    def wrap(fn):
        def inner(texts):
            t0 = time.perf_counter()
            try:
                return fn(texts)
            finally:
                spent[current[0]] += time.perf_counter() - t0
        return inner

    for m, fn in originals.items():
        setattr(enc, m, wrap(fn))
    try:
        yield
    finally:
        for m in originals:
            delattr(enc, m)  # back to the class's methods


def measure(corpus: Path, limit: int | None, max_chars: int | None = None, warm: int = 0) -> dict:
    """Stage and encoder times for one corpus (its first ``limit`` articles of at most ``max_chars``),
    into a store already holding the ``warm`` articles after them."""
    with tempfile.TemporaryDirectory() as tmp:
        src, before = Path(tmp) / "corpus.jsonl", Path(tmp) / "warm.jsonl"
        lines = corpus.read_text(encoding="utf-8").splitlines()
        if max_chars:
            lines = [ln for ln in lines if len(json.loads(ln).get("text") or "") <= max_chars]
        timed = lines[:limit] if limit else lines
        src.write_text("\n".join(timed) + "\n", encoding="utf-8")
        settings = Settings(db=str(Path(tmp) / "bench.db"))
        get_encoder()  # load outside the timings
        if warm:
            before.write_text("\n".join(lines[len(timed):len(timed) + warm]) + "\n", encoding="utf-8")
            jobs.ingest(settings, [str(before)])
            with store_for(settings) as store:
                for stage in STAGES:
                    jobs.run_stage(store, stage, settings.batch_size)
        stage_s: dict[str, float] = {}
        enc_s: dict[str, float] = defaultdict(float)
        current = ["ingest"]
        with timed_encoder(enc_s, current):
            t0 = time.perf_counter()
            report = jobs.ingest(settings, [str(src)])
            stage_s["ingest"] = time.perf_counter() - t0
            with store_for(settings) as store:
                for stage in STAGES:
                    current[0] = stage.name
                    t0 = time.perf_counter()
                    jobs.run_stage(store, stage, settings.batch_size)
                    stage_s[stage.name] = time.perf_counter() - t0
    total = sum(stage_s.values())
    article_encoder = enc_s.get("embed", 0.0)
    return {
        "corpus": str(corpus), "articles": len(report.added), "warm_articles": warm,
        "stage_s": {k: round(v, 2) for k, v in stage_s.items()},
        "encoder_s": {k: round(v, 2) for k, v in enc_s.items()},
        "total_s": round(total, 2),
        "article_encoder_s": round(article_encoder, 2),
        "overhead_vs_article_encoder": round((total - article_encoder) / max(article_encoder, 1e-9), 3),
        "stories_overhead": round(
            (stage_s.get("embed", 0.0) - article_encoder + stage_s.get("cluster", 0.0)) / max(article_encoder, 1e-9), 3),
        "overhead_without_other_encoder_calls": round(
            (total - sum(enc_s.values())) / max(article_encoder, 1e-9), 3),
        "encoder": get_encoder().name,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=_HERE.parents[2] / "shared" / "data" / "mlcrisis" / "corpus.jsonl")
    ap.add_argument("--limit", type=int, default=300, help="first N articles (0: all)")
    ap.add_argument("--max-chars", type=int, default=0,
                    help="leave out articles longer than this (0: keep all; ML-Crisis holds web-page dumps of up to 2 MB)")
    ap.add_argument("--warm", type=int, default=0,
                    help="first analyse this many further articles of the corpus, untimed (a store in use)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    r = measure(args.corpus, args.limit or None, args.max_chars or None, args.warm)
    if args.json:
        print(json.dumps(r, indent=2))
        return
    print(f"{r['articles']} articles of {r['corpus']}, encoder {r['encoder']}"
          + (f", into a store holding {r['warm_articles']} others" if r["warm_articles"] else ""))
    for name, s in r["stage_s"].items():
        enc = r["encoder_s"].get(name, 0.0)
        print(f"  {name:9s} {s:8.2f} s" + (f"   (encoder {enc:.2f} s)" if enc else ""))
    print(f"total {r['total_s']:.2f} s; article encoder {r['article_encoder_s']:.2f} s; "
          f"everything else adds {100 * r['overhead_vs_article_encoder']:.0f}% "
          f"({100 * r['overhead_without_other_encoder_calls']:.0f}% without the other encoder calls); "
          f"the stories pipeline (embed outside the encoder, cluster) adds {100 * r['stories_overhead']:.0f}%")


if __name__ == "__main__":
    main()
