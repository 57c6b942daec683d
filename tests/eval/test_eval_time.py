"""TimeML evaluation of the temporal tagger: pinned floors on TempEval-3 TimeBank + AQUAINT."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.eval.time import (
    evaluate_timeml, format_report, gold_value, predicted_value, read_timeml,
)

from conftest import SHARED
TIMEX = SHARED / "data" / "timex"

# Measured: value_accuracy 0.881 (0.875 on gold with a calendar value), f1_relaxed 0.923,
# f1_strict 0.862. Floors sit 0.02-0.03 below.
FLOORS = {"value_accuracy": 0.86, "value_accuracy_calendar": 0.85, "f1_relaxed": 0.90, "f1_strict": 0.84}


@pytest.fixture(scope="module")
def result() -> dict:
    return evaluate_timeml(TIMEX)


def test_every_timeml_file_is_scored(result: dict) -> None:
    assert result["files"] == 256
    assert result["counted_types"] == ["DATE", "TIME"]
    assert result["per_type"]["DATE"]["gold"] == 1505  # 1679 DATE less the creation times
    assert result["gold"] == 1505 + result["per_type"]["TIME"]["gold"]


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_quality_floor(result: dict, metric: str) -> None:
    assert result[metric] >= FLOORS[metric], format_report(result)


def test_report_is_readable(result: dict) -> None:
    report = format_report(result)
    assert "DATE value accuracy" in report and "relaxed" in report and "strict" in report


def test_offsets_follow_the_plain_text_and_the_creation_time_is_not_gold(tmp_path: Path) -> None:
    tml = tmp_path / "doc.tml"
    tml.write_text(
        '<?xml version="1.0" ?><TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="1998-08-08" '
        'functionInDocument="CREATION_TIME">19980808</TIMEX3></DCT><TEXT>\nKim <EVENT eid="e1">left'
        '</EVENT> on <TIMEX3 tid="t1" type="DATE" value="1998-08-07">Friday</TIMEX3>.</TEXT></TimeML>'
    )
    doc = read_timeml(tml)
    assert doc.anchor.isoformat() == "1998-08-08"
    assert [(doc.text[t.start : t.end], t.value) for t in doc.timexes] == [("Friday", "1998-08-07")]
    small = evaluate_timeml(tmp_path)
    assert (small["f1_strict"], small["value_accuracy"]) == (1.0, 1.0)


@pytest.mark.parametrize(
    ("raw", "common"),
    [("1998-08-07TEV", "1998-08-07"), ("2000-W7", "2000-W07"), ("1998-10-XX", "1998-10"),
     ("1989-WXX", "1989"), ("199X", "199"), ("PRESENT_REF", "PRESENT_REF")],
)
def test_gold_values_in_the_common_format(raw: str, common: str) -> None:
    assert gold_value(raw) == common


def test_intervals_become_quarters_and_decades() -> None:
    assert predicted_value("1998-07/1998-09") == "1998-Q3"
    assert predicted_value("1990/1999") == "199"
    assert predicted_value("1998-07/1998-08") == "1998-07/1998-08"
    assert predicted_value(None) is None
