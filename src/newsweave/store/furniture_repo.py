"""Store access for page furniture (``analyse.furniture``): line keys in at ingest, furniture spans out.

Counting the days a line's holders were published on costs as many rows as it
has holders, which grow with the store: so it is counted only when an article
is stored, for its own lines not yet known to be furniture, and a line found to
be furniture is kept in ``furniture_keys``, where readers look it up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, distinct, func, select

from newsweave.analyse.furniture import FURNITURE_DAYS, Spans, blank, furniture_of, keyed_lines
from newsweave.store import schema as t

_KEYS_PER_QUERY = 2000


def _counted(keys: Any) -> Any:
    """The keys among ``keys`` (a clause) whose holders were published on ``FURNITURE_DAYS`` different days."""
    c, a = t.article_lines.c, t.articles.c
    return (select(c.key).join(t.articles, a.id == c.article_id)
            .where(keys & a.published.is_not(None))
            .group_by(c.key).having(func.count(distinct(func.substr(a.published, 1, 10))) >= FURNITURE_DAYS))


# built once: every stored article asks them
_KNOWN = select(t.furniture_keys.c.key).where(t.furniture_keys.c.key.in_(bindparam("keys", expanding=True)))
_COUNTED = _counted(t.article_lines.c.key.in_(bindparam("keys", expanding=True)))


def store_lines(conn: Any, article_id: str, text: str) -> None:
    """Key one article's lines (each distinct line once) and record those that became furniture with it."""
    keys = sorted({k for _, _, k in keyed_lines(text)})
    if not keys:
        return
    conn.execute(t.article_lines.insert(), [{"key": k, "article_id": article_id} for k in keys])
    for chunk in t.chunks(keys, _KEYS_PER_QUERY):
        fresh = sorted(set(chunk) - set(conn.execute(_KNOWN, {"keys": chunk}).scalars()))
        if fresh:
            found = list(conn.execute(_COUNTED, {"keys": fresh}).scalars())
            if found:  # a concurrent ingest may have recorded them first
                conn.execute(t.insert_or_skip(conn, t.furniture_keys), [{"key": k} for k in found])


def furniture_spans(conn: Any, texts: dict[str, str]) -> dict[str, Spans]:
    """Per article id, the spans of its text (as given) that are page furniture (``furniture_keys``)."""
    lines = {aid: keyed_lines(text) for aid, text in texts.items()}
    keys = sorted({k for found in lines.values() for _, _, k in found})
    furniture: set[int] = set()
    for chunk in t.chunks(keys, _KEYS_PER_QUERY):
        if chunk:
            furniture.update(conn.execute(_KNOWN, {"keys": chunk}).scalars())
    return {aid: furniture_of(found, furniture) for aid, found in lines.items()}


def read_without_furniture(conn: Any, article_id: str, text: str) -> str:
    """One article's text with its furniture lines blanked (``blank``), as the analysers read it."""
    return blank(text, furniture_spans(conn, {article_id: text})[article_id])


def backfill(conn: Any) -> None:
    """Line keys of every stored article, and the furniture among them (schema v8 on an older store)."""
    a = t.articles.c
    ids = list(conn.execute(select(a.id).order_by(a.id)).scalars())
    for chunk in t.chunks(ids):
        rows = [{"key": k, "article_id": aid} for aid, text in conn.execute(select(a.id, a.text).where(a.id.in_(chunk)))
                for k in sorted({k for _, _, k in keyed_lines(text)})]
        if rows:
            conn.execute(t.article_lines.insert(), rows)
    found = [{"key": k} for k in conn.execute(_counted(t.article_lines.c.key.is_not(None))).scalars()]
    if found:
        conn.execute(t.furniture_keys.insert(), found)
