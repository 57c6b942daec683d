"""The clustering stage on a real store: how a stream is cut into runs changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from newsweave import jobs
from newsweave.cluster import stream
from newsweave.core.config import Settings
from newsweave.stages import embed_id
from newsweave.store import event_repo, open_store
from newsweave.store import schema as t

from conftest import SHARED

# ITN events where a report that came before the others founded an event of its own, which the others then grew
# beside: with the lone events' second look (``OnlineClusterer._adopt``) such reports join them.
EVENTS = {"Q111982893", "Q115468992", "Q115819309", "Q116246018", "Q106181016"}


def _parts(tmp_path: Path, n: int) -> list[Path]:
    """The reports of ``EVENTS`` in arrival order (dated by date, then the undated), cut into ``n`` files."""
    itn = SHARED / "data" / "itn"
    gold = {r["id"]: r["event"] for r in map(json.loads, (itn / "gold.jsonl").read_text(encoding="utf-8").splitlines())}
    rows = [r for r in map(json.loads, (itn / "corpus.jsonl").read_text(encoding="utf-8").splitlines())
            if gold[r["id"]] in EVENTS]
    rows.sort(key=lambda r: (r.get("published") is None, r.get("published") or "", r["id"]))
    paths = []
    for k in range(n):
        paths.append(tmp_path / f"itn-part{k}.jsonl")
        part = rows[k * len(rows) // n: (k + 1) * len(rows) // n]
        paths[-1].write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part), encoding="utf-8")
    return paths


def _memberships(db: str) -> dict[str, str]:
    store = open_store(db)
    try:
        return {a: e for a, (e, _) in event_repo.memberships(store).items()}
    finally:
        store.close()


def _adoptions(db: str) -> int:
    store = open_store(db)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(select(t.event_articles.c.explanation)).scalars()
            return sum(len(json.loads(x)["event"].get("adopted", [])) for x in rows)
    finally:
        store.close()


def test_lone_reports_are_adopted_alike_in_one_run_or_many(tmp_path: Path) -> None:
    db = str(tmp_path / "part.db")
    for part in _parts(tmp_path, 6):  # each run resumes the clusterer from the store, lone events included
        jobs.run(Settings(db=db), [str(part)])
    in_runs, adopted = _memberships(db), _adoptions(db)
    store = open_store(db)
    try:
        stream.recluster(store, embed_id())
    finally:
        store.close()
    assert adopted > 0 and _adoptions(db) == adopted
    assert _memberships(db) == in_runs
