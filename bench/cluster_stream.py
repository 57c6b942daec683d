"""Clustering cost per article on a long stream, and peak memory.

Replays the analysed development corpora of ../shared/data as a stream of
``--n`` articles (default 100,000): copy k of each article gets a fresh id, a
date shifted by k * ``--shift-days`` and a slightly perturbed vector, so the
stream keeps the corpora's event structure while growing past any in-memory
size. The encoder is excluded (vectors come from the stores); the state a
batch would persist is serialised every 500 articles, as the real stage does,
but not written to a database. Then, for the whole stage including the
database, the real ``cluster`` stage runs over one analysed store.

Quality at scale: the stream's events are scored with BCubed against the gold
event of each copy (copy k of an event is its own event: 45 days lie between
copies, beyond the event window), its storylines against the gold topic (ECB+,
MEANTIME, ML-Crisis; ITN's events stand for its topics), whose copies continue
one another. A storyline level that lumps unrelated topics together shows here
long before it shows on one small corpus.

    .venv/bin/python bench/cluster_stream.py [--stores DIR] [--n 100000]

``--stores`` is a folder of analysed SQLite stores named <corpus>.db; missing
ones are built first with ``newsweave run`` (a few minutes).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from sqlalchemy import select

from newsweave import jobs
from newsweave.cluster.calibrate import LEVEL_DATA
from newsweave.cluster.metrics import bcubed
from newsweave.cluster.online import OnlineClusterer
from newsweave.cluster.persist import cluster_to_row, state_to_blobs
from newsweave.cluster.signals import ArticleSignals
from newsweave.core.config import Settings
from newsweave.stages import embed_id
from newsweave.store import open_store
from newsweave.store import schema as t
from newsweave.store.cluster_repo import load_signals

CORPORA = ("itn", "ecbplus", "meantime", "mlcrisis")


def gold_labels(data: Path) -> dict[str, tuple[str | None, str]]:
    """Base article id -> (gold event, gold topic), each prefixed with its corpus."""
    from newsweave.eval import read_jsonl

    out: dict[str, tuple[str | None, str]] = {}
    for name, (event_field, topic_field) in LEVEL_DATA.items():
        for row in read_jsonl(data / name / "gold.jsonl"):
            event = f"{name}:{row[event_field]}" if event_field else None
            out[row["id"]] = (event, f"{name}:{row[topic_field or event_field]}")  # ITN: its events are its topics
    return out


def analysed_store(stores: Path, data: Path, name: str) -> Path:
    """The analysed store of one corpus, built with the real pipeline when missing."""
    db = stores / f"{name}.db"
    if not db.exists():
        print(f"building {db} ...", flush=True)
        jobs.run(Settings(db=str(db)), [str(data / name / "corpus.jsonl")])
    return db


def base_signals(db: Path) -> list[ArticleSignals]:
    store = open_store(str(db))
    try:
        with store.engine.connect() as conn:
            ids = list(conn.execute(select(t.articles.c.id).order_by(t.articles.c.id)).scalars())
        return load_signals(store, ids, embed_id())
    finally:
        store.close()


def replay(base: list[ArticleSignals], n: int, shift_days: int, seed: int = 0) -> Iterator[ArticleSignals]:
    """``n`` articles in date order: copies of ``base`` with fresh ids, shifted dates and perturbed vectors.

    Copies are made one at a time as the stream is read, so the bench's own
    input does not count towards the clusterer's memory.
    """
    rng = np.random.RandomState(seed)
    start = dt.date(2020, 1, 1)
    order = sorted(((art.date or start + dt.timedelta(days=j % 30)) + dt.timedelta(days=k * shift_days), j, k)
                   for k in range(n // len(base) + 1) for j, art in enumerate(base))[:n]
    for day, j, k in order:
        art = base[j]
        v = art.vector + rng.randn(len(art.vector)).astype(np.float32) * 0.01
        yield dataclasses.replace(art, id=f"{art.id}#{k}", date=day, vector=v / np.linalg.norm(v), duplicate_of=None)


def stream_bench(stream: Iterator[ArticleSignals], dim: int, gold: dict[str, tuple[str | None, str]]) -> None:
    oc = OnlineClusterer(dim, encoder=embed_id())
    times: list[float] = []
    placed: dict[str, tuple[str, str]] = {}  # article -> (event, storyline): 100k short strings, a few MiB
    for i, art in enumerate(stream, 1):
        t0 = time.perf_counter()
        ev, st = oc.assign(art)
        if i % 500 == 0:  # what a batch flush serialises
            for level in (oc.events, oc.storylines):
                for cid in oc.touched & set(level.active.clusters):
                    cluster_to_row(level.active.clusters[cid])
            state_to_blobs(oc.centring, oc.df, oc.seq, oc.newest)
            oc.touched.clear()
            oc.closed.clear()
            oc.merges.clear()
        times.append(time.perf_counter() - t0)
        placed[art.id] = (ev.cluster, st.cluster)
        if i % 10000 == 0:
            seg = times[-10000:]
            print(f"  {i:>7} articles: mean {1000 * statistics.fmean(seg):6.2f} ms/article over the last 10k, "
                  f"open events {len(oc.events.active)}, open storylines {len(oc.storylines.active)}, "
                  f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB", flush=True)
    ms = sorted(1000 * x for x in times)
    print(f"stream of {len(times)}: mean {statistics.fmean(ms):.2f} ms, p50 {ms[len(ms) // 2]:.2f} ms, "
          f"p99 {ms[int(len(ms) * 0.99)]:.2f} ms per article (goal < 200 ms); "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (goal < 2048)")
    score_stream(placed, oc, gold)


def score_stream(placed: dict[str, tuple[str, str]], oc: OnlineClusterer, gold: dict[str, tuple[str | None, str]]) -> None:
    """BCubed of the stream's events and storylines against the copies' gold labels."""
    events, stories, gold_events, gold_topics = {}, {}, {}, {}
    for aid, (ev, st) in placed.items():
        base, copy = aid.rsplit("#", 1)
        event, topic = gold[base]
        events[aid], stories[aid] = oc.resolve(ev), oc.resolve(st)
        gold_topics[aid] = topic
        if event is not None:
            gold_events[aid] = f"{event}#{copy}"
    for level, pred, labels in (("events", events, gold_events), ("storylines", stories, gold_topics)):
        b = bcubed(pred, labels)
        print(f"{level}: BCubed F1 {b['bcubed_f1']:.3f} (P {b['bcubed_precision']:.3f}, R {b['bcubed_recall']:.3f}); "
              f"{len(set(pred.values()))} clusters for {len(set(labels.values()))} gold")


def stage_bench(db: Path) -> None:
    """The real cluster stage, database writes included, on a copy of one analysed store."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / db.name
        shutil.copy(db, copy)
        settings = Settings(db=str(copy))
        t0 = time.perf_counter()
        result = jobs.cluster(settings, recluster=True)
        took = time.perf_counter() - t0
    print(f"cluster stage on {db.name}: {result['assigned']} articles in {took:.1f} s = "
          f"{1000 * took / max(result['assigned'], 1):.1f} ms/article with SQLite writes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--stores", type=Path, default=Path("bench-stores"))
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--shift-days", type=int, default=45)
    args = parser.parse_args()
    args.stores.mkdir(parents=True, exist_ok=True)
    dbs = [analysed_store(args.stores, args.data, name) for name in CORPORA]
    base = [a for db in dbs for a in base_signals(db)]
    print(f"{len(base)} analysed articles from {', '.join(CORPORA)}; replaying {args.n}", flush=True)
    stream_bench(replay(base, args.n, args.shift_days), len(base[0].vector), gold_labels(args.data))
    stage_bench(dbs[0])


if __name__ == "__main__":
    main()
