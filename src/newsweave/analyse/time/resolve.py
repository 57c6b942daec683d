"""Calendar arithmetic that turns parsed pieces into normalised values."""

from __future__ import annotations

import calendar
import datetime as dt
import re

Value = tuple[str | None, str]  # (normalised value, granularity)
FORWARD = 2  # month offset: the next such month, the anchor's own included
# A day and month without a year is in the past unless it falls this close ahead.
_AHEAD_DAYS = 92
YEARLESS = "XXXX-"  # how a value with an unknown year starts


def day(d: dt.date) -> Value:
    """A calendar day."""
    return d.isoformat(), "day"


def month(year: int, mon: int) -> Value:
    """A calendar month (ValueError outside years 1-9999, as ``datetime.date`` raises)."""
    _in_calendar(year)
    return f"{year:04d}-{mon:02d}", "month"


def yearless(mon: int, d: int | None = None) -> Value:
    """A month, or a day of a month, whose year nothing tells (no anchor): TimeML's "XXXX-12-09" / "XXXX-12".

    An undated article's "on December 9" still says when in the year it happened; the day must exist in
    some year."""
    if d is None:
        return f"{YEARLESS}{mon:02d}", "month"
    if safe_date(2000, mon, d) is None:  # 2000: a leap year, so 29 February stands
        return None, "day"
    return f"{YEARLESS}{mon:02d}-{d:02d}", "day"


def year(y: int) -> Value:
    """A calendar year (ValueError outside years 1-9999, as ``datetime.date`` raises)."""
    _in_calendar(y)
    return f"{y:04d}", "year"


def _in_calendar(y: int) -> None:
    # "next year" of 9999 must not become "10000", which no reader of values parses as a year
    if not dt.MINYEAR <= y <= dt.MAXYEAR:
        raise ValueError(f"year {y} is out of range")


def week(d: dt.date) -> Value:
    """The ISO week containing ``d``."""
    iso = d.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}", "week"


def interval(a: str, b: str) -> Value:
    """An interval between two normalised values."""
    return f"{a}/{b}", "interval"


def year_range_end(start: int, end: str) -> int | None:
    """The end year of "2022-2023" or "2022-23", None unless it comes after the start."""
    y2 = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
    return y2 if y2 > start else None


def safe_date(y: int, m: int, d: int) -> dt.date | None:
    """The date, or None when the day does not exist in that month."""
    if not (1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]):
        return None
    return dt.date(y, m, d)


def add_months(y: int, m: int, n: int) -> tuple[int, int]:
    """(year, month) shifted by ``n`` months."""
    idx = y * 12 + (m - 1) + n
    return idx // 12, idx % 12 + 1


def shift(anchor: dt.date, n: int, unit: str) -> Value:
    """``anchor`` moved by ``n`` units, at that unit's granularity."""
    if unit == "day":
        return day(anchor + dt.timedelta(days=n))
    if unit == "week":
        return week(anchor + dt.timedelta(weeks=n))
    if unit == "month":
        return month(*add_months(anchor.year, anchor.month, n))
    return year(anchor.year + n)


def weekday(anchor: dt.date, wd: int, offset: int | None) -> Value:
    """Resolve a weekday name (0 = Monday).

    ``None``: unmarked, the news convention: the latest such day on or before
    the anchor. ``-1`` ("last"): strictly before. ``1`` ("next"): strictly
    after. ``0`` ("this"): on or after.
    """
    back = (anchor.weekday() - wd) % 7
    if offset is None:
        return day(anchor - dt.timedelta(days=back))
    if offset < 0:
        return day(anchor - dt.timedelta(days=back or 7))
    ahead = (wd - anchor.weekday()) % 7
    if offset > 0:
        return day(anchor + dt.timedelta(days=ahead or 7))
    return day(anchor + dt.timedelta(days=ahead))


def month_name(anchor: dt.date, mon: int, offset: int | None) -> Value:
    """Resolve a month name without a year.

    Unmarked: the latest such month not after the anchor's month. "last":
    strictly before it; "next": strictly after; "this": the anchor's year;
    FORWARD: the first one not before the anchor's month.
    """
    if offset == 0:
        return month(anchor.year, mon)
    y = anchor.year
    if offset == FORWARD:
        y += mon < anchor.month
    elif offset is None:
        y -= mon > anchor.month
    elif offset < 0:
        y -= mon >= anchor.month
    else:
        y += mon <= anchor.month
    return month(y, mon)


def day_month(anchor: dt.date, mon: int, d: int, future: bool = False) -> Value:
    """A day and month without a year.

    News reports the past: the latest such date on or before the anchor,
    unless the next one is only a few months ahead (or ``future`` is set).
    """
    dates = [c for y in (anchor.year - 1, anchor.year, anchor.year + 1) if (c := safe_date(y, mon, d))]
    past = max((c for c in dates if c <= anchor), default=None)
    ahead = min((c for c in dates if c > anchor), default=None)
    if ahead and (future or past is None or (ahead - anchor).days <= _AHEAD_DAYS):
        return day(ahead)
    return day(past) if past else (None, "unknown")


def quarter(y: int, q: int) -> Value:
    """A quarter as a month interval ("1998-07/1998-09")."""
    first = 3 * (q - 1) + 1
    return interval(month(y, first)[0], month(y, first + 2)[0])


def quarter_of(anchor: dt.date, n: int) -> Value:
    """The quarter ``n`` quarters from the anchor's own."""
    idx = anchor.year * 4 + (anchor.month - 1) // 3 + n
    return quarter(idx // 4, idx % 4 + 1)


_FINENESS = {"day": 0, "week": 1, "month": 2, "year": 3}


_CALENDAR = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?|-W\d\d)?")  # the values ``_shift_point`` can move


def _value_granularity(value: str) -> str:
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return "day"
    if re.fullmatch(r"\d{4}-W\d\d", value):
        return "week"
    return "month" if re.fullmatch(r"\d{4}-\d\d", value) else "year"


def _shift_point(value: str, n: int, unit: str) -> str | None:
    if not _CALENDAR.fullmatch(value):
        return None  # "now ... a year earlier": PRESENT_REF, a quarter or a decade has no point to move
    gran = _value_granularity(value)
    if _FINENESS[unit] < _FINENESS[gran] or (gran == "week" and unit == "month"):
        return None  # "two days later" than "in 2019" has no day to count from
    if gran == "day":
        d = dt.date.fromisoformat(value)
        if unit in ("day", "week"):
            return day(d + dt.timedelta(days=n * (7 if unit == "week" else 1)))[0]
        y, m = add_months(d.year, d.month, n * (12 if unit == "year" else 1))
        return day(dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1])))[0]
    if gran == "week":
        y, w = int(value[:4]), int(value[6:])
        if unit == "year":
            _in_calendar(y + n)
            return f"{y + n:04d}-W{w:02d}"
        return week(dt.date.fromisocalendar(y, w, 1) + dt.timedelta(weeks=n))[0]
    if gran == "month":
        return month(*add_months(int(value[:4]), int(value[5:7]), n * (12 if unit == "year" else 1)))[0]
    return year(int(value[:4]) + n)[0]


def shift_value(value: str, n: int, unit: str) -> Value | None:
    """``value`` (a point or an interval) moved by ``n`` units; None when ``unit`` is finer than it, when the
    value has no year ("XXXX-12-09"), when it is no calendar point (PRESENT_REF, a quarter, a decade), or when
    it would leave years 1-9999."""
    if value.startswith(YEARLESS):
        return None
    try:
        ends = [_shift_point(v, n, unit) for v in value.split("/")]
    except (OverflowError, ValueError):  # moved past years 1-9999
        return None
    if any(e is None for e in ends):
        return None
    if len(ends) == 2:
        return interval(ends[0], ends[1])
    return ends[0], _value_granularity(ends[0])
