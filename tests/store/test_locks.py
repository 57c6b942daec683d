"""Processes sharing one store: a second run waits its turn to analyse, two ingests of one file both succeed
(real processes, SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import SEEDS, SHARED, cli_json, run_cli
from newsweave import jobs
from newsweave.core.config import Settings
from newsweave.store import open_store
from newsweave.store.locks import analysis_lock


def _newsweave(db: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "newsweave", "--db", db, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "200"})


def test_a_run_waits_while_another_process_analyses_the_store(db_url: str) -> None:
    assert run_cli("ingest", str(SEEDS), db=db_url).returncode == 0
    store = open_store(db_url)
    try:
        with analysis_lock(store):
            proc = _newsweave(db_url, "run")
            time.sleep(10)  # the whole run takes about 6 s here: had it not waited, its dates would be stored
            assert proc.poll() is None
            assert jobs.status(Settings(db=db_url))["pending"]["time"] == 5
        _, err = proc.communicate(timeout=300)
    finally:
        store.close()
    assert proc.returncode == 0, err
    assert set(cli_json("status", db=db_url)["pending"].values()) == {0}


def test_two_runs_at_once_place_every_article_once(db_url: str, tmp_path: Path) -> None:
    # before the lock, the second run to save its events failed on a duplicate assignment and exited 2
    reports = tmp_path / "itn.jsonl"
    lines = (SHARED / "data" / "itn" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[:30]
    reports.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = _newsweave(db_url, "run", str(reports))
    time.sleep(2)
    second = _newsweave(db_url, "run", str(SEEDS))
    for proc in (first, second):
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    assert set(cli_json("status", db=db_url)["pending"].values()) == {0}
    events = cli_json("events", db=db_url)
    placed = [a for e in events for a in e["articles"]]
    assert len(placed) == len(set(placed)) == 35


def test_two_ingests_of_one_file_into_a_new_store_at_once(db_url: str, tmp_path: Path) -> None:
    # Before: on SQLite the second saw the first's tables before their version row (KeyError: 1), and on both
    # stores an article the other process stored between the look and the write ended the ingest with exit 2.
    reports = tmp_path / "itn.jsonl"
    lines = (SHARED / "data" / "itn" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[:150]
    reports.write_text("\n".join(lines) + "\n", encoding="utf-8")
    procs = [_newsweave(db_url, "ingest", str(reports)) for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    assert cli_json("status", db=db_url)["counts"]["articles"] == 150
