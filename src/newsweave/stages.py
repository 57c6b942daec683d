"""Analysis stages over stored articles, each redone only where its output is missing or stale.

A stage names its component version; ``article_stages`` (or, for vectors, the
encoder id) records which version made each output, so upgrading one component
re-runs that stage alone. ``jobs.analyse`` runs them in this order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from newsweave.analyse import text as text_stage
from newsweave.store import Store


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


def per_article_stage(name: str, version: str, run: Callable[[Store, list[str]], None]) -> Stage:
    """A stage whose progress is tracked in ``article_stages``."""
    return Stage(name, version, lambda store: store.stale_articles(name, version), run)


STAGES: list[Stage] = [per_article_stage(text_stage.STAGE, text_stage.VERSION, _text_run)]
