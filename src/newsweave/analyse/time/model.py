"""The time-expression record."""

from __future__ import annotations

from dataclasses import dataclass

GRANULARITIES = ("day", "week", "month", "year", "interval", "unknown")
KINDS = ("explicit", "relative", "weekday", "deictic")


@dataclass(frozen=True)
class TimeExpr:
    """One time expression found in a text.

    ``start``/``end`` are character offsets into the tagged text and ``text``
    is ``text[start:end]``; the span includes a leading preposition or article
    ("on Friday", "A giugno", "την Τρίτη"). ``value`` is 'YYYY-MM-DD',
    'YYYY-MM', 'YYYY', 'YYYY-Www' or an interval 'A/B' (quarters are month
    intervals, decades year intervals); TimeML's PRESENT_REF, PAST_REF or
    FUTURE_REF for deictic words ("now", "recently", "in the future");
    'XXXX-MM-DD' or 'XXXX-MM' for a day or month named without a year when
    there is no anchor to give it one; None when it cannot be resolved (no
    anchor for a relative expression).
    """

    start: int
    end: int
    text: str
    value: str | None
    granularity: str  # one of GRANULARITIES
    kind: str  # one of KINDS
