"""Shared fixtures: real SQLite files and a real PostgreSQL schema per test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("NEWSWEAVE_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
SEEDS = SHARED / "corpus" / "seeds"
SEEDS_META = SHARED / "corpus" / "seeds.meta.jsonl"
PG_SERVER = os.environ.get("NEWSWEAVE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_admin():
    import psycopg

    return psycopg.connect(PG_SERVER.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return str(tmp_path / "store.db")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh schema on the real server; dropped afterwards so runs never collide."""
    schema = f"nwtest_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with _pg_admin() as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each storage test runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def run_cli(*args: str, db: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``newsweave`` CLI in a subprocess."""
    cmd = [sys.executable, "-m", "newsweave"] + (["--db", db] if db else []) + list(args)
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


def start_cli(db: str, *args: str, stderr: object = subprocess.PIPE, **env: str) -> subprocess.Popen[str]:
    """Start the real ``newsweave`` CLI in a subprocess on ``db`` and return at once (``env``: extra variables)."""
    return subprocess.Popen([sys.executable, "-m", "newsweave", "--db", db, *args], stdout=subprocess.PIPE,
                            stderr=stderr, text=True, env={**os.environ, "COLUMNS": "200", **env})


def cli_json(*args: str, db: str) -> object:
    proc = run_cli(*args, "--json", db=db)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def apertium_it_en() -> bool:
    """Whether the optional apertium packages can translate Italian to English on this machine."""
    from newsweave.translate.apertium import ApertiumTranslator

    t = ApertiumTranslator()
    return t.available() and t.route("it", "en") is not None
