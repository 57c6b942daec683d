"""Processes sharing one store: a second run waits its turn to analyse, two ingests of one file both succeed
(real processes, SQLite and PostgreSQL)."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from conftest import SEEDS, SHARED, cli_json, run_cli, start_cli
from newsweave import jobs
from newsweave.core.config import Settings
from newsweave.store import open_store
from newsweave.store.locks import WAITING, analysis_lock, sqlite_path


def _until(check, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_a_run_waits_while_another_process_analyses_the_store(db_url: str, tmp_path: Path) -> None:
    assert run_cli("ingest", str(SEEDS), db=db_url).returncode == 0
    store = open_store(db_url)
    log = tmp_path / "stderr.txt"
    try:
        with analysis_lock(store), log.open("w") as err:
            proc = start_cli(db_url, "run", stderr=err)
            # it says so, piped as here: a silent wait would look like a hang
            assert _until(lambda: WAITING in log.read_text()), log.read_text()
            time.sleep(1)
            assert proc.poll() is None and jobs.status(Settings(db=db_url))["pending"]["time"] == 5
        proc.communicate(timeout=300)
    finally:
        store.close()
    assert proc.returncode == 0, log.read_text()
    assert set(cli_json("status", db=db_url)["pending"].values()) == {0}


def test_a_run_killed_amid_a_stage_leaves_the_store_to_the_next(db_url: str, tmp_path: Path) -> None:
    # SIGTERM runs no cleanup: the stage's forked workers lived on and held the lock they had inherited (the
    # flock's open file; PostgreSQL's connection), and every later run waited for ever
    pages = tmp_path / "pages.jsonl"
    lines = (SHARED / "data" / "mlcrisis" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[:120]
    pages.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_cli("ingest", str(pages), db=db_url).returncode == 0
    proc = start_cli(db_url, "run", stderr=subprocess.DEVNULL, NEWSWEAVE_WORKERS="2")
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    assert _until(lambda: children.exists() and children.read_text().split()), "no worker pool started"
    workers = [int(pid) for pid in children.read_text().split()]
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert _until(lambda: not any(Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid) for pid in workers),
                  30), "the workers outlived their parent"
    after = start_cli(db_url, "run")
    _, err = after.communicate(timeout=600)
    assert after.returncode == 0 and WAITING not in err, err


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "zombie"


def test_two_runs_at_once_place_every_article_once(db_url: str, tmp_path: Path) -> None:
    # before the lock, the second run to save its events failed on a duplicate assignment and exited 2
    reports = tmp_path / "itn.jsonl"
    lines = (SHARED / "data" / "itn" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[:30]
    reports.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = start_cli(db_url, "run", str(reports))
    time.sleep(2)
    second = start_cli(db_url, "run", str(SEEDS))
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
    procs = [start_cli(db_url, "ingest", str(reports)) for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    assert cli_json("status", db=db_url)["counts"]["articles"] == 150


def test_a_file_uri_store_locks_its_file(tmp_path: Path) -> None:
    # the lock path was the URI itself ("file:/…/u.db.lock: No such file or directory")
    url = f"sqlite:///file:{tmp_path / 'u.db'}?uri=true"
    proc = run_cli("run", str(SEEDS), db=url)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "u.db.lock").exists()
    store = open_store(url)
    try:
        assert sqlite_path(store) == str(tmp_path / "u.db")
    finally:
        store.close()
