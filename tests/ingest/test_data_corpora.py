"""The labelled corpora in ../shared/data ingest cleanly (formats match)."""

from __future__ import annotations

import pytest

from conftest import SHARED
from newsweave import jobs
from newsweave.core.config import Settings


@pytest.mark.parametrize("name", ["itn", "meantime", "ecbplus", "mlcrisis"])
def test_shared_jsonl_corpus_ingests(name: str, tmp_path) -> None:
    corpus = SHARED / "data" / name / "corpus.jsonl"
    n_lines = sum(1 for line in corpus.open(encoding="utf-8") if line.strip())
    settings = Settings(db=str(tmp_path / "c.db"))
    report = jobs.ingest(settings, [str(corpus)])
    assert report.ok, report.errors[:3]
    stored = len(report.added)
    # every line is stored, except exact duplicates, which are reported by id
    assert stored + len(report.duplicates) == n_lines
    rows = jobs.articles(settings)
    assert len(rows) == stored
    assert all(r["lang"] for r in rows)
    agree = sum(r["lang"] == r["lang_declared"] for r in rows if r["lang_declared"])
    assert agree / len(rows) > 0.9  # detected language matches the corpus label
