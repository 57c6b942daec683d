"""Turn one rule match into (value, granularity, kind)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TypeVar

from newsweave.analyse.time import resolve as R
from newsweave.analyse.time.grammar import Grammar

T = TypeVar("T")
Result = tuple[str | None, str, str]  # value, granularity, kind
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


def lookup(table: dict[str, T], text: str) -> T:
    """``table[text]`` with whitespace and a final dot normalised (and ignored when unspaced)."""
    key = " ".join(text.split()).rstrip(".")
    if key in table:
        return table[key]
    compact = key.replace(" ", "")
    return next(v for k, v in table.items() if k.replace(" ", "") == compact)


def _month_no(g: Grammar, name: str) -> int:
    key = " ".join(name.split()).rstrip(".")
    return g.lex.months.get(key) or lookup(g.lex.month_abbr, name)


def _mod(g: Grammar, m: re.Match[str]) -> int | None:
    gd = m.groupdict()
    if gd.get("pre"):
        return lookup(g.lex.premods, gd["pre"])
    if gd.get("post"):
        return lookup(g.lex.postmods, gd["post"])
    return None


def _full_date(y: int, mon: int, d: int) -> Result:
    date = R.safe_date(y, mon, d)
    return (date.isoformat() if date else None), "day", "explicit"


def _iso(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    return _full_date(int(m["y"]), int(m["m"]), int(m["d"]))


def _numeric(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    if len(m["y"]) == 2:
        y += 2000 if y < 50 else 1900
    mon, d = (a, b) if g.lex.month_first else (b, a)
    if not R.safe_date(y, mon, d):
        mon, d = d, mon
    return _full_date(y, mon, d)


def _cjk(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    if m["m2"]:
        if anchor is None:
            return R.yearless(int(m["m2"]), int(m["d2"])) + ("explicit",)
        return R.day_month(anchor, int(m["m2"]), int(m["d2"]), future) + ("explicit",)
    if m["d"]:
        return _full_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return R.month(int(m["y"]), int(m["m"])) + ("explicit",)


def _day_month(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    mon, d = _month_no(g, m["mon"]), int(m["d"])
    if m["y"]:
        return _full_date(int(m["y"]), mon, d)
    if anchor is None:
        return R.yearless(mon, d) + ("explicit",)
    return R.day_month(anchor, mon, d, future) + ("explicit",)


def _day_range(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    mon, d1, d2 = _month_no(g, m["mon"]), int(m["d"]), int(m["d2"])
    if d2 <= d1:
        return None, "interval", "explicit"
    if m["y"]:
        year = int(m["y"])
    elif anchor is None:  # "9-11 dicembre" with nothing to give it a year
        a, b = R.yearless(mon, d1)[0], R.yearless(mon, d2)[0]
        return (R.interval(a, b)[0] if a and b else None), "interval", "explicit"
    else:
        end = R.day_month(anchor, mon, d2, future)[0]
        year = int(end[:4]) if end else anchor.year
    a, b = R.safe_date(year, mon, d1), R.safe_date(year, mon, d2)
    if not (a and b):
        return None, "interval", "explicit"
    return R.interval(a.isoformat(), b.isoformat()) + ("explicit",)


def _month_year(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    return R.month(int(m["y"]), _month_no(g, m["mon"])) + ("explicit",)


def _month(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    mon, mod = _month_no(g, m["mon"]), _mod(g, m)
    if anchor is None:
        return R.yearless(mon) + ("explicit",)
    if m["ypre"] or m["ypost"]:
        offset = lookup(g.lex.premods, m["ypre"]) if m["ypre"] else lookup(g.lex.postmods, m["ypost"])
        return R.month(anchor.year + offset, mon) + ("explicit",)
    return R.month_name(anchor, mon, R.FORWARD if future and mod is None else mod) + ("explicit",)


def _year(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    y = int(m["y"])
    y2 = R.year_range_end(y, m["y2"]) if m["y2"] else None
    return (R.interval(str(y), str(y2)) if y2 else R.year(y)) + ("explicit",)


def _weekday(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    if anchor is None:
        return None, "day", "weekday"
    wd = lookup(g.lex.weekdays, m["wd"])
    mod = _mod(g, m)
    return R.weekday(anchor, wd, 0 if future and mod is None else mod) + ("weekday",)


def _shifted(anchor: dt.date | None, n: int | None, unit: str) -> Result:
    """``n`` None: a vague count ("a few days ago")."""
    kind = "deictic" if n == 0 else "relative"
    if anchor is None or n is None:
        return None, unit, kind
    return R.shift(anchor, n, unit) + (kind,)


def _unit(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    return _shifted(anchor, _mod(g, m) or 0, lookup(g.lex.units, m["unit"]))


def _phrase(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    n, unit = lookup(g.lex.phrases, m["ph"])
    return _shifted(anchor, n, unit)


def _ago(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    n, unit = _ago_shift(g, m)
    return _shifted(anchor, n, unit)


def _ago_shift(g: Grammar, m: re.Match[str]) -> tuple[int | None, str]:
    unit, sign, _ = g.ago[ago_key(m)]
    n = int(m["n"]) if m["n"].isdigit() else lookup(g.lex.numbers, m["n"])
    return (sign * n if n else None), unit


def ago_key(m: re.Match[str]) -> tuple[str, str]:
    """The (before, after) words around the number of an "ago" match."""
    return " ".join((m["before"] or "").split()), " ".join(m["after"].split())


def narrative_shift(g: Grammar, rule: str, m: re.Match[str]) -> tuple[int, str] | None:
    """(signed count, unit) for "two days later"-style matches, counted from the last time mentioned."""
    if rule != "ago" or not g.ago[ago_key(m)][2]:
        return None
    n, unit = _ago_shift(g, m)
    return (n, unit) if n else None


def _decade(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    if m["c"]:
        start = int(m["c"]) * 100 + int(m["dd"]) * 10
    elif anchor is None:
        return None, "interval", "explicit"
    else:  # "the '90s": the century closest to the anchor that is not in the future
        start = (anchor.year // 100) * 100 + int(m["dd2"]) * 10
        start -= 100 if start > anchor.year else 0
    return R.interval(str(start), str(start + 9)) + ("explicit",)


def _quarter(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    rel, ord_ = (m["rel"] or "").replace(" ", "-"), m["ord"]
    year = m["y"] or m["qy"]
    if m["qyr"] and anchor is not None:
        year = str(anchor.year + {"this": 0, "last": -1, "next": 1}[m["qyr"]])
    if ord_ and year:
        return R.quarter(int(year), _ORDINALS[ord_]) + ("explicit",)
    if anchor is None or (not ord_ and not rel and not m.group().startswith("the")):
        return None, "interval", "relative"
    back = 1 if rel.startswith("year-") else 0
    if ord_:
        return R.quarter(anchor.year - back, _ORDINALS[ord_]) + ("explicit",)
    if rel in ("current", "this"):
        return R.quarter_of(anchor, 0) + ("deictic",)
    if rel == "next":
        return R.quarter_of(anchor, 1) + ("relative",)
    # "the quarter", "the latest quarter": the last one reported, before the anchor's own.
    return R.quarter_of(anchor, -1 - 4 * back) + ("relative",)


_VAGUE_REFS = {"recently": "PAST_REF", "the past": "PAST_REF", "the future": "FUTURE_REF", "in the future": "FUTURE_REF"}


def _vague(g: Grammar, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    # TimeML's reference values: "now" points at the present, not at a calendar day.
    word = " ".join(m.group("vg").lower().split())
    return _VAGUE_REFS.get(word, "PRESENT_REF"), "unknown", "deictic"


HANDLERS: dict[str, Callable[[Grammar, re.Match[str], dt.date | None, bool], Result]] = {
    "iso": _iso, "numeric": _numeric, "drange": _day_range, "cjk": _cjk, "dmy": _day_month, "mdy": _day_month,
    "my": _month_year, "month": _month, "year": _year, "weekday": _weekday,
    "unit_pre": _unit, "unit_post": _unit, "phrase": _phrase, "ago": _ago,
    "decade": _decade, "quarter": _quarter, "vague": _vague,
}


def interpret(g: Grammar, rule: str, m: re.Match[str], anchor: dt.date | None, future: bool) -> Result:
    """Value, granularity and kind of match ``m`` of ``rule``.

    ``future``: the context points forward, so an unmarked name means the next
    such day or month rather than the last one.
    """
    return HANDLERS[rule](g, m, anchor, future)
