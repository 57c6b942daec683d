"""Score the temporal tagger on TimeML corpora (TempEval-3 TimeBank + AQUAINT).

Each document is tagged as English, anchored on its document creation time
(the TIMEX3 with ``functionInDocument="CREATION_TIME"``, left out of the
scoring). Extraction is scored on the gold types in :data:`COUNTED_TYPES`;
a prediction that only overlaps a gold timex of another type (a DURATION such
as "two years", a SET such as "daily") is neither right nor wrong and is left
out. TimeML keeps prepositions out of its spans, so predictions are compared
without their lead word ("on Friday" -> "Friday").
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from newsweave.analyse.time import tag_with_cores

COUNTED_TYPES = ("DATE", "TIME")
ALL_TYPES = ("DATE", "TIME", "DURATION", "SET")
VALUE_NOTE = (
    "gold DATE values compared after dropping a time-of-day suffix (1998-08-07TEV -> 1998-08-07), "
    "padding week numbers (W7 -> W07) and dropping trailing unknown parts (1998-10-XX -> 1998-10, "
    "199X -> 199); "
    "predicted month intervals that are quarters become YYYY-Qn, year intervals that are decades "
    "become YYY; a prediction without a value (vague expressions such as 'now', gold PRESENT_REF) "
    "counts as wrong; value_accuracy_calendar leaves out gold PRESENT_REF/PAST_REF/FUTURE_REF"
)


@dataclass(frozen=True)
class Timex:
    """One gold TIMEX3."""

    start: int
    end: int
    type: str
    value: str


@dataclass(frozen=True)
class Doc:
    """One TimeML document: its plain text, anchor and gold timexes."""

    name: str
    text: str
    anchor: dt.date
    timexes: tuple[Timex, ...]


def _flatten(elem: ET.Element, parts: list[str], found: list[Timex], offset: int) -> int:
    """Append ``elem``'s text to ``parts``; record TIMEX3 offsets. Returns the new offset."""
    if elem.text:
        parts.append(elem.text)
        offset += len(elem.text)
    for child in elem:
        start = offset
        offset = _flatten(child, parts, found, offset)
        if child.tag == "TIMEX3" and child.get("functionInDocument") != "CREATION_TIME":
            found.append(Timex(start, offset, child.get("type", ""), child.get("value", "")))
        if child.tail:
            parts.append(child.tail)
            offset += len(child.tail)
    return offset


def read_timeml(path: Path) -> Doc:
    """Parse one ``.tml`` file."""
    root = ET.parse(path).getroot()
    dct = next(t for t in root.iter("TIMEX3") if t.get("functionInDocument") == "CREATION_TIME")
    body = root.find("TEXT")
    if body is None:
        raise ValueError(f"{path}: no <TEXT> element")
    parts: list[str] = []
    found: list[Timex] = []
    _flatten(body, parts, found, 0)
    anchor = dt.date.fromisoformat(dct.get("value", "")[:10])
    return Doc(path.name, "".join(parts), anchor, tuple(found))


def gold_value(value: str) -> str:
    """A TimeML value in the tagger's common format (see :data:`VALUE_NOTE`)."""
    value = value.split("T")[0] if re.match(r"\d{4}-\d\d-\d\dT", value) else value
    value = re.sub(r"-W(\d)(?!\d)", r"-W0\1", value)
    while re.search(r"-(?:XX|WXX|QX|X)$", value):
        value = re.sub(r"-(?:XX|WXX|QX|X)$", "", value)
    return re.sub(r"^(\d{3})X$", r"\1", value)  # decade 199X -> 199


def predicted_value(value: str | None) -> str | None:
    """A tagger value in TimeML form: quarters as YYYY-Qn, decades as YYY."""
    if value is None or "/" not in value:
        return value
    a, b = value.split("/")
    q = re.fullmatch(r"(\d{4})-(01|04|07|10)", a)
    if q and b == f"{q[1]}-{int(q[2]) + 2:02d}":
        return f"{q[1]}-Q{(int(q[2]) - 1) // 3 + 1}"
    if re.fullmatch(r"\d{3}0", a) and b == a[:3] + "9":
        return a[:3]
    return value


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


class _Tally:
    """Counts accumulated over documents."""

    def __init__(self) -> None:
        self.files = self.gold = self.pred = 0
        self.pred_relaxed = self.pred_strict = 0
        self.gold_relaxed = self.gold_strict = 0
        self.date_matched = self.date_correct = self.date_gold = 0
        self.cal_matched = self.cal_correct = 0  # gold DATEs with a calendar value (no *_REF)
        self.per_type = {t: {"gold": 0, "relaxed": 0, "strict": 0} for t in ALL_TYPES}
        self.errors: list[tuple[str, str, str, str | None]] = []

    def add(self, doc: Doc) -> None:
        """Tag ``doc`` and count its predictions and gold timexes."""
        exprs = tag_with_cores(doc.text, "en", doc.anchor)
        preds = [((core, e.end), predicted_value(e.value)) for e, core in exprs]
        counted = [t for t in doc.timexes if t.type in COUNTED_TYPES]
        others = [t for t in doc.timexes if t.type not in COUNTED_TYPES]
        self.files += 1
        for span, _ in preds:
            if any(_overlap(span, (t.start, t.end)) > 0 for t in counted):
                self.pred += 1
                self.pred_relaxed += 1
                self.pred_strict += any(span == (t.start, t.end) for t in counted)
            elif not any(_overlap(span, (t.start, t.end)) > 0 for t in others):
                self.pred += 1
        for t in doc.timexes:
            self._gold(doc, t, preds)

    def _gold(self, doc: Doc, t: Timex, preds: list) -> None:
        hits = [(s, v) for s, v in preds if _overlap(s, (t.start, t.end)) > 0]
        strict = any(s == (t.start, t.end) for s, _ in hits)
        row = self.per_type.setdefault(t.type, {"gold": 0, "relaxed": 0, "strict": 0})
        row["gold"] += 1
        row["relaxed"] += bool(hits)
        row["strict"] += strict
        if t.type in COUNTED_TYPES:
            self.gold += 1
            self.gold_relaxed += bool(hits)
            self.gold_strict += strict
        if t.type != "DATE":
            return
        self.date_gold += 1
        if hits:
            best = max(hits, key=lambda h: _overlap(h[0], (t.start, t.end)))[1]
            ok = best == gold_value(t.value)
            self.date_matched += 1
            self.date_correct += ok
            if not t.value.endswith("_REF"):
                self.cal_matched += 1
                self.cal_correct += ok
            if not ok:
                self.errors.append((doc.name, doc.text[t.start : t.end], t.value, best))

    def result(self) -> dict:
        """The scores, as :func:`evaluate_timeml` returns them."""
        p_rel = self.pred_relaxed / self.pred if self.pred else 0.0
        r_rel = self.gold_relaxed / self.gold if self.gold else 0.0
        p_str = self.pred_strict / self.pred if self.pred else 0.0
        r_str = self.gold_strict / self.gold if self.gold else 0.0
        per_type = {
            t: {"gold": c["gold"], "recall_relaxed": _r(c["relaxed"], c["gold"]),
                "recall_strict": _r(c["strict"], c["gold"])}
            for t, c in self.per_type.items()
        }
        per_type["DATE"]["value_accuracy"] = _r(self.date_correct, self.date_matched)
        return {
            "files": self.files, "gold": self.gold, "predicted": self.pred,
            "counted_types": list(COUNTED_TYPES),
            "f1_relaxed": round(_f1(p_rel, r_rel), 4), "f1_strict": round(_f1(p_str, r_str), 4),
            "precision_relaxed": round(p_rel, 4), "recall_relaxed": round(r_rel, 4),
            "precision_strict": round(p_str, 4), "recall_strict": round(r_str, 4),
            "value_accuracy": _r(self.date_correct, self.date_matched),
            "value_accuracy_calendar": _r(self.cal_correct, self.cal_matched),
            "value_recall": _r(self.date_correct, self.date_gold),
            "value_note": VALUE_NOTE, "per_type": per_type,
        }


def _r(num: int, den: int) -> float:
    return round(num / den, 4) if den else 0.0


def evaluate_timeml(data_dir: Path, errors: list | None = None) -> dict:
    """Score the tagger on every ``*.tml`` under ``data_dir`` (recursively).

    Returns counts, relaxed (any overlap) and strict (exact span) precision,
    recall and F1 over :data:`COUNTED_TYPES`, DATE value accuracy (share of
    relaxed-matched gold DATEs whose value agrees, see :data:`VALUE_NOTE`),
    and recall per gold type. Pass a list as ``errors`` to receive the DATE
    value mismatches as (file, text, gold value, predicted value).
    """
    tally = _Tally()
    for path in sorted(Path(data_dir).rglob("*.tml")):
        tally.add(read_timeml(path))
    if errors is not None:
        errors.extend(tally.errors)
    return tally.result()


def format_report(result: dict) -> str:
    """Human-readable summary of :func:`evaluate_timeml`'s result."""
    lines = [
        f"files {result['files']}  gold {result['gold']} ({'+'.join(result['counted_types'])})"
        f"  predicted {result['predicted']}",
        f"relaxed  P {result['precision_relaxed']:.3f}  R {result['recall_relaxed']:.3f}"
        f"  F1 {result['f1_relaxed']:.3f}",
        f"strict   P {result['precision_strict']:.3f}  R {result['recall_strict']:.3f}"
        f"  F1 {result['f1_strict']:.3f}",
        f"DATE value accuracy {result['value_accuracy']:.3f} (of matched)"
        f"  value recall {result['value_recall']:.3f} (of all gold DATE)",
        f"DATE value accuracy {result['value_accuracy_calendar']:.3f}"
        " (of matched, gold with a calendar value)",
    ]
    for name, row in result["per_type"].items():
        lines.append(f"  {name:<9} gold {row['gold']:>5}  recall relaxed {row['recall_relaxed']:.3f}"
                     f"  strict {row['recall_strict']:.3f}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_report(evaluate_timeml(Path(sys.argv[1] if len(sys.argv) > 1 else "."))))
