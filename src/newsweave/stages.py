"""Analysis stages over stored articles, each redone only where its output is missing or stale.

A stage names its component version; ``article_stages`` (or, for vectors, the
encoder id) records which version made each output, so upgrading one component
re-runs that stage alone. ``jobs.analyse`` runs them in this order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import datetime as dt

from newsweave.analyse import text as text_stage
from newsweave.analyse.time import classify_role, tag_times
from newsweave.analyse.time.dateline import dateline_date
from newsweave.store import Store

TIME_VERSION = "time-cldr@1"


@dataclass(frozen=True)
class Stage:
    """One analysis step: what is pending, and how to process a batch of article ids."""

    name: str
    version: str
    pending: Callable[[Store], list[str]]
    run: Callable[[Store, list[str]], None]


def _text_run(store: Store, ids: list[str]) -> None:
    for article_id in ids:
        analysed = text_stage.analyse_text(store.article_text(article_id))
        store.replace_text_analysis(article_id, analysed, text_stage.VERSION)


def _as_date(published: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def _time_run(store: Store, ids: list[str]) -> None:
    """Tag and resolve time expressions; date an undated article from its dateline first."""
    for article_id in ids:
        art = store.article_for_analysis(article_id)
        anchor = _as_date(art["published"])
        found = None
        if anchor is None and (stamp := dateline_date(art["text"], art["lang"])):
            found, anchor = (stamp, "dateline"), _as_date(stamp)
        rows = [
            {"start_char": e.start, "end_char": e.end, "text": e.text, "value": e.value,
             "granularity": e.granularity, "kind": e.kind,
             "role": classify_role(art["text"], e, art["sentences"], anchor)}
            for e in tag_times(art["text"], art["lang"], anchor)
        ]
        store.replace_time_exprs(article_id, rows, TIME_VERSION, published=found)


def per_article_stage(name: str, version: str, run: Callable[[Store, list[str]], None]) -> Stage:
    """A stage whose progress is tracked in ``article_stages``."""
    return Stage(name, version, lambda store: store.stale_articles(name, version), run)


STAGES: list[Stage] = [
    per_article_stage(text_stage.STAGE, text_stage.VERSION, _text_run),
    per_article_stage("time", TIME_VERSION, _time_run),
]
