"""Streamed clustering scored with BCubed on the development sets: pinned floors."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.core.errors import InputError
from newsweave.eval.cluster import evaluate_clusters

from conftest import SHARED, cli_json

DATA = SHARED / "data"


def _corpus(name: str) -> tuple[Path, Path]:
    return DATA / name / "corpus.jsonl", DATA / name / "gold.jsonl"


def test_itn_events_across_45_languages(tmp_path: Path) -> None:
    # Measured 0.914 (P 0.952, R 0.879) with "newlang" (0.897, P 0.959, R 0.843 without; 0.854 before places in
    # caseless scripts and names in Cyrillic). On an AVX2 CPU, whose int8 vectors differ a little: 0.916 (P 0.948,
    # R 0.886) with lone events adopted, 0.910 (P 0.952, R 0.871) before.
    r = cli_json("eval", "cluster", "--corpus", str(_corpus("itn")[0]), "--gold", str(_corpus("itn")[1]),
                 db=str(tmp_path / "unused.db"))
    assert r["articles"] == 809 and r["not_clustered"] == 0
    assert r["bcubed_f1"] >= 0.90 and r["bcubed_precision"] >= 0.94, r
    assert r["singleton_share"] <= 0.10


def test_meantime_translations_and_topics(tmp_path: Path) -> None:
    # Measured: events (parallel_id) 0.983 (P 0.967, R 1.0); storylines against the two topics 0.984 (P 1.0,
    # R 0.968: three storylines, the translations of one report apart; 1.0 in earlier builds).
    db = str(tmp_path / "meantime.db")
    events = evaluate_clusters(*_corpus("meantime"), level="event", db=db)
    assert events["bcubed_f1"] >= 0.97, events
    topics = evaluate_clusters(*_corpus("meantime"), level="topic", db=db)  # same store: nothing re-ingested
    assert topics["bcubed_f1"] >= 0.97 and topics["bcubed_precision"] >= 0.97, topics


def test_ecbplus_events_and_topics(tmp_path: Path) -> None:
    # Measured: events 0.893 (P 0.933, R 0.857; 0.907 before events whose dates lie over 14 days apart stopped
    # merging: the gold joins a plea and the verdict nine months later; 0.878, P 0.889 before the "older" signal
    # kept undated reports of 2008 out of the dated 2013 events, 0.898 before "newlang"); storylines against the 21 topics 0.941 (P 0.933, R 0.948; 0.921 before a later article could
    # take an event whose storyline held it alone into the storyline it is sure of, 0.907 when storylines were
    # calibrated corpus by corpus). On an AVX2 CPU: events 0.889 (P 0.924, R 0.856) with lone events adopted, 0.884
    # (P 0.924, R 0.847) before; storylines 0.941 both.
    db = str(tmp_path / "ecbplus.db")
    events = evaluate_clusters(*_corpus("ecbplus"), level="event", db=db)
    assert events["bcubed_f1"] >= 0.88 and events["bcubed_precision"] >= 0.92, events
    topics = evaluate_clusters(*_corpus("ecbplus"), level="topic", db=db)
    assert topics["bcubed_f1"] >= 0.92 and topics["bcubed_precision"] >= 0.91, topics


def test_mlcrisis_storylines(tmp_path: Path) -> None:
    # Measured 0.896 (P 0.917, R 0.876; 10 storylines; 0.872 -> 0.874 held out) once a family name tagged a place
    # joined the person its article names in full; 0.897 (P 0.917, R 0.879; 9 storylines) once a bare surname several people bear named the one its
    # article points to (more people linked across the two crises); before, 0.905 (P 0.922, R 0.888; 11 storylines for the 2 topics) with page furniture skipped and the
    # storyline weights refitted on stores read so; 0.902 before (11 storylines; 0.906 while the first 200,000
    # characters were analysed, not 50,000); 0.888 before the mixed-stream fit.
    r = evaluate_clusters(*_corpus("mlcrisis"), level="topic", db=str(tmp_path / "mlcrisis.db"))
    assert r["bcubed_f1"] >= 0.88 and r["bcubed_precision"] >= 0.90, r


def test_bad_gold_is_named(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "a", "event": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match="gold.jsonl.*2|line 2"):
        evaluate_clusters(_corpus("meantime")[0], gold)
    with pytest.raises(InputError, match="unknown level"):
        evaluate_clusters(_corpus("meantime")[0], _corpus("meantime")[1], level="planet")


def test_a_gold_file_labelling_nothing_clustered_is_an_error_and_unread_lines_fail_the_run(tmp_path: Path) -> None:
    from conftest import run_cli

    lines = _corpus("meantime")[0].read_text(encoding="utf-8").splitlines()[:6]
    corpus = tmp_path / "six.jsonl"
    corpus.write_text("\n".join(lines) + '\n{"id": broken\n', encoding="utf-8")
    db = str(tmp_path / "unused.db")
    other = run_cli("eval", "cluster", "--corpus", str(corpus), "--gold", str(_corpus("itn")[1]), db=db)
    assert other.returncode == 2 and "labels none of the 6 articles" in other.stderr, other.stderr
    scored = run_cli("eval", "cluster", "--corpus", str(corpus), "--gold", str(_corpus("meantime")[1]), db=db)
    # scored on the six it read, the unread line named, and the gold's other articles counted
    assert scored.returncode == 1 and "BCubed F1" in scored.stdout
    assert "six.jsonl:7" in scored.stderr and "were not clustered" in scored.stderr, scored.stderr
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": broken\n', encoding="utf-8")
    unread = run_cli("eval", "cluster", "--corpus", str(broken), "--gold", str(_corpus("meantime")[1]), db=db)
    assert unread.returncode == 2 and "broken.jsonl: no article could be read" in unread.stderr, unread.stderr
