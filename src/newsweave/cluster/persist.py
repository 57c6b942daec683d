"""Clusterer state to and from plain data (JSON text and float32 bytes), for the store.

No pickle: a store must never execute what it reads back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import numpy as np

from newsweave.cluster.centring import LanguageCentring
from newsweave.cluster.model import Cluster, DocFreq


def cluster_to_row(c: Cluster) -> dict[str, Any]:
    """The open-cluster aggregate as a vector blob and a JSON document."""
    aggregate = {
        "n": c.n, "entities": dict(c.entities), "terms": {str(k): round(v, 5) for k, v in c.terms.items()},
        "langs": dict(c.langs), "first": _iso(c.first), "last": _iso(c.last), "last_seq": c.last_seq,
        "founded": c.founded, "events": c.events, "storyline": c.storyline, "names": {k: c.names[k] for k in c.entities if k in c.names},
    }
    return {"vector": c.vec_sum.astype(np.float32).tobytes(), "aggregate": json.dumps(aggregate, ensure_ascii=False)}


def cluster_from_row(cid: str, vector: bytes, aggregate: str) -> Cluster:
    d = json.loads(aggregate)
    return Cluster(
        id=cid, vec_sum=np.frombuffer(vector, dtype=np.float32).copy(), n=d["n"], entities=Counter(d["entities"]),
        terms={int(k): v for k, v in d["terms"].items()}, langs=Counter(d["langs"]), first=_day(d["first"]),
        last=_day(d["last"]), last_seq=d["last_seq"], storyline=d["storyline"], names=d["names"],
        founded=d.get("founded", 0),  # 0 in aggregates saved before it was kept: those clusters are the older
        events=d.get("events", 0))  # 0: not counted when it was saved, so never taken to hold one event alone


def state_to_blobs(centring: LanguageCentring, df: DocFreq, seq: int, newest: dt.date | None) -> dict[str, bytes]:
    """Language means, document frequencies and the stream position."""
    meta = {"seq": seq, "newest": _iso(newest), "n_docs": df.n_docs, "dim": centring.dim, "n": centring.n,
            "counts": centring.counts}
    sums = {"__total__": centring.total, **centring.sums}
    keys = list(sums)
    meta["sum_keys"] = keys
    return {
        "meta": json.dumps(meta).encode("utf-8"),
        "sums": np.stack([sums[k] for k in keys]).astype(np.float64).tobytes(),
        "df": df.counts.tobytes(),
    }


def state_from_blobs(blobs: dict[str, bytes]) -> tuple[LanguageCentring, DocFreq, int, dt.date | None]:
    meta = json.loads(blobs["meta"].decode("utf-8"))
    centring = LanguageCentring(meta["dim"])
    sums = np.frombuffer(blobs["sums"], dtype=np.float64).reshape(len(meta["sum_keys"]), meta["dim"])
    for key, row in zip(meta["sum_keys"], sums):
        if key == "__total__":
            centring.total = row.copy()
        else:
            centring.sums[key] = row.copy()
    centring.counts = {k: int(v) for k, v in meta["counts"].items()}
    centring.n = meta["n"]
    df = DocFreq(np.frombuffer(blobs["df"], dtype=np.int32).copy(), meta["n_docs"])
    return centring, df, meta["seq"], _day(meta["newest"])


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
