"""What a time expression does in its article: publication stamp, reported event or background.

A heuristic, not a model: a date standing on its own line near the top is
the publication stamp; a coarse period ("a giugno", "last year"), a date well
before the publication or a past-perfect clause ("aveva ribadito", "had
visited") is background; anything else dates the reported event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from newsweave.analyse.time.fold import fold
from newsweave.analyse.time.model import TimeExpr

PUBLICATION, REPORTED_EVENT, BACKGROUND = "publication", "reported_event", "background"
ROLES = (PUBLICATION, REPORTED_EVENT, BACKGROUND)

_STAMP_ZONE = 400  # a publication stamp sits in the article's head
_STAMP_LINE_EXTRA = 25  # characters a stamp line may hold besides the date ("Red. Online 20:24")
_BACKGROUND_DAYS = 14
_COARSE = frozenset({"month", "year", "interval"})
# Past-perfect auxiliaries: the clause happened before the reported event.
_PLUPERFECT = re.compile(
    r"(?<!\w)(?:had|aveva|avevano|ειχε|ειχαν|habia|habian|avait|avaient|hatte|hatten|"
    r"tinha|tinham|havia)(?!\w)"
)


def _bounds(span: Any) -> tuple[int, int]:
    return (span.start, span.end) if hasattr(span, "start") else (span[0], span[1])


def _sentence(text: str, expr: TimeExpr, sentence_spans: Sequence[Any]) -> str:
    for span in sentence_spans:
        start, end = _bounds(span)
        if start <= expr.start < end:
            return text[start:end]
    lo = max(text.rfind(".", 0, expr.start), text.rfind("\n", 0, expr.start)) + 1
    hi = min((i for i in (text.find(".", expr.end), text.find("\n", expr.end)) if i >= 0), default=len(text))
    return text[lo:hi]


def _is_stamp(text: str, expr: TimeExpr) -> bool:
    if expr.kind != "explicit" or expr.granularity != "day" or expr.start > _STAMP_ZONE:
        return False
    line_start = text.rfind("\n", 0, expr.start) + 1
    line_end = text.find("\n", expr.end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return len(line.strip()) - len(expr.text) <= _STAMP_LINE_EXTRA


def _before_anchor(expr: TimeExpr, anchor: dt.date | None) -> bool:
    if anchor is None or expr.value is None:
        return False
    try:
        first = dt.date.fromisoformat(expr.value.split("/")[0][:10])
    except ValueError:
        return False
    return (anchor - first).days > _BACKGROUND_DAYS


def classify_role(
    text: str, expr: TimeExpr, sentence_spans: Sequence[Any], anchor: dt.date | None = None
) -> str:
    """Role of ``expr`` in ``text``: 'publication', 'reported_event' or 'background'.

    ``sentence_spans`` are the article's sentences (objects with ``start``/
    ``end`` or (start, end) pairs); ``anchor`` (the publication date), when
    given, also makes dates more than two weeks before it background.
    """
    if _is_stamp(text, expr):
        return PUBLICATION
    if expr.granularity in _COARSE or _before_anchor(expr, anchor):
        return BACKGROUND
    if _PLUPERFECT.search(fold(_sentence(text, expr, sentence_spans))):
        return BACKGROUND
    return REPORTED_EVENT
