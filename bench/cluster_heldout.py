"""Held-out clustering quality: fit the calibration on one half of each dev set, score the other (not run in CI).

``newsweave eval cluster`` scores the shipped calibration on the same data it
was fitted on. This splits every corpus in two (by gold topic for ECB+ and
MEANTIME, by gold event for ITN, by article for ML-Crisis, whose two topics
span the whole stream), fits both levels on one half exactly as
``python -m newsweave.cluster.calibrate`` does, replays the other half through
the online clusterer, and reports BCubed F1 per corpus and level, averaged
over the two folds. ``--without F,...`` fits with features left out, to see
what each adds. ``--free F,...`` measures what shipping a signal with
``calibrate --only event --free F`` gives: the event level's other weights
are held as shipped and only F is fitted on each training half (the held
weights were fitted on all the data, so this is held out for F alone).

Usage (stores as the calibrate module builds them; missing ones are built):

    .venv/bin/python bench/cluster_heldout.py --stores bench-stores [--data ../shared/data] [--without salient,newcomers]
        [--free newlang]
"""

from __future__ import annotations

import argparse
import json
import zlib
from pathlib import Path

import numpy as np

from newsweave.cluster.calibrate import LEVEL_DATA, fit_levels, held_except, load_streams
from newsweave.cluster.metrics import bcubed
from newsweave.cluster.online import WINDOWS, LevelSettings, OnlineClusterer
from newsweave.cluster.scoring import Calibration
from newsweave.cluster.signals import ArticleSignals
from newsweave.stages import embed_id

SPLIT_BY = {"ecbplus": "topic", "meantime": "topic", "itn": "event", "mlcrisis": None}
THRESHOLD = 0.3


def score(streams: dict[str, list[ArticleSignals]], gold: dict[str, dict], encoder: str,
          cal: dict[str, Calibration]) -> dict[str, float]:
    """BCubed F1 of online events and storylines per corpus ("itn/event", "mlcrisis/topic", ...)."""
    levels = (LevelSettings("event", "ev", *WINDOWS["event"], cal["event"]),
              LevelSettings("storyline", "st", *WINDOWS["storyline"], cal["storyline"]))
    out = {}
    for name, (event_field, topic_field) in LEVEL_DATA.items():
        stream = streams[name]
        if not stream:
            continue
        oc = OnlineClusterer(len(stream[0].vector), levels, encoder)
        events, stories = {}, {}
        for art in stream:
            ev, st = oc.assign(art)
            events[art.id], stories[art.id] = ev.cluster, st.cluster
        for level, field, assigned in (("event", event_field, events), ("topic", topic_field, stories)):
            if field is None:
                continue
            labels = {a: str(gold[name][a][field]) for a in assigned if gold[name][a].get(field) is not None}
            out[f"{name}/{level}"] = bcubed({a: oc.resolve(c) for a, c in assigned.items()}, labels)["bcubed_f1"]
    return out


def fold_of(name: str, art: ArticleSignals, gold: dict[str, dict]) -> int:
    key = gold[name][art.id].get(SPLIT_BY[name]) if SPLIT_BY[name] else art.id
    return zlib.crc32(str(key).encode("utf-8")) % 2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stores", type=Path, default=Path("bench-stores"))
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--without", default="", help="features to leave out, comma-separated")
    ap.add_argument("--free", default="", help="event features to fit alone, the others held as shipped")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    without = tuple(f for f in args.without.split(",") if f)
    free = tuple(f for f in args.free.split(",") if f)
    try:
        held = held_except("event", free) if free else None
    except ValueError as exc:
        ap.error(f"--free: {exc}")
    encoder = embed_id()
    streams, gold = load_streams(args.stores, args.data, encoder)
    folds: dict[str, list[float]] = {}
    for f in (0, 1):
        train = {n: [a for a in s if fold_of(n, a, gold) == f] for n, s in streams.items()}
        test = {n: [a for a in s if fold_of(n, a, gold) != f] for n, s in streams.items()}
        cal = {level: Calibration(tuple(w), THRESHOLD)
               for level, w in fit_levels(train, gold, encoder, without, held).items()}
        for key, value in score(test, gold, encoder, cal).items():
            folds.setdefault(key, []).append(value)
    report = {k: round(float(np.mean(v)), 4) for k, v in sorted(folds.items())}
    if args.json:
        print(json.dumps({"without": without, "free": free, "held_out_bcubed_f1": report}, indent=2))
        return
    print(f"held-out BCubed F1 (2 folds; features left out: {', '.join(without) or 'none'}"
          + (f"; fitted alone around the shipped event weights: {', '.join(free)}" if free else "") + ")")
    for k, v in report.items():
        print(f"  {k:18s} {v:.3f}")


if __name__ == "__main__":
    main()
