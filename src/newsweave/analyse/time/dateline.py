"""Publication dates from an article's dateline, when metadata gave none."""

from __future__ import annotations

from newsweave.analyse.time.role import PUBLICATION, classify_role
from newsweave.analyse.time.tagger import tag_times
from newsweave.core.config import latest_publication

_HEAD = 500  # a dateline sits in the article's head


def dateline_date(text: str, lang: str | None) -> str | None:
    """The ISO day of a stand-alone date stamp in the article's head ("16.08.2023 20:24"), if any.

    Only an explicit, fully specified day (with its year) that stands on its own line counts:
    a date inside a sentence is what the article talks about, not when it
    was published.
    """
    head = text[:_HEAD]
    latest = latest_publication().isoformat()
    for expr in tag_times(head, lang, None):
        if expr.value and expr.value[:1].isdigit() and expr.granularity == "day" \
                and classify_role(head, expr, [], None) == PUBLICATION:
            return expr.value if expr.value <= latest else None  # a stamp ahead of today is misread or mistyped
    return None
