"""Store access for page furniture (``analyse.furniture``): line keys in at ingest, furniture spans out.

When an article is first stored its lines are keyed (``article_lines``: who
holds what), and, if it is dated and no near-copy, its day is added to the
evidence of each line not yet known to be furniture (``furniture_days``). A
line whose evidence reaches ``FURNITURE_DAYS`` days becomes furniture
(``furniture_keys``, where every reader looks it up) and leaves the evidence, so
storing an article costs the same however many pages of its site the store
holds. The next analysis run has the articles that held the line before read
again (``reread_holders``: language, sentences, dates, quotes, vector, and the
names of events they founded) in its own transaction, not the ingest's, which
must not lock other articles. Their entities stay: a changed article's mentions
send the linker back over the whole store. Their placements stay too, as
placements do until a re-cluster.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, delete, func, select

from newsweave.analyse.furniture import (FURNITURE_DAYS, Line, Spans, blank, furniture_of, keyed_lines, keys_of,
                                         line_keys)
from newsweave.core.config import ANALYSE_CHARS
from newsweave.store import schema as t

_KEYS_PER_QUERY = 2000
# The stages whose output reads the text: redone for the articles holding a line found to be furniture.
REREAD_STAGES = ("text", "time", "quotes")

_KNOWN = select(t.furniture_keys.c.key).where(t.furniture_keys.c.key.in_(bindparam("keys", expanding=True)))
_DAYS = t.furniture_days.c
_REACHED = (select(_DAYS.key).where(_DAYS.key.in_(bindparam("keys", expanding=True)))
            .group_by(_DAYS.key).having(func.count() >= FURNITURE_DAYS).order_by(_DAYS.key))


def day_of(published: str | None) -> int | None:
    """The day of a stored ``published`` value as a date ordinal (None if undated or not a date)."""
    try:
        return dt.date.fromisoformat(published[:10]).toordinal() if published else None
    except ValueError:
        return None


def store_lines(conn: Any, article_id: str, keys: list[int], day: int | None) -> None:
    """Record one article's line keys (``line_keys``); with ``day`` (None for undated articles and near-copies) add
    it to the evidence of those not yet furniture, and record the ones that became furniture with it."""
    if not keys:
        return
    t.insert_rows(conn, t.article_lines, [{"key": k, "article_id": article_id} for k in keys])
    if day is None:
        return
    for chunk in t.chunks(keys, _KEYS_PER_QUERY):
        fresh = sorted(set(chunk) - set(conn.execute(_KNOWN, {"keys": chunk}).scalars()))
        if not fresh:
            continue
        conn.execute(t.insert_or_skip(conn, t.furniture_days), [{"key": k, "day": day} for k in fresh])
        found = list(conn.execute(_REACHED, {"keys": fresh}).scalars())
        if found:
            _record(conn, found)


def _record(conn: Any, keys: list[int]) -> None:
    """Make ``keys`` furniture, their holders to be read again by the next analysis run."""
    conn.execute(t.insert_or_skip(conn, t.furniture_keys), [{"key": k, "reread": 1} for k in keys])  # a concurrent
    conn.execute(delete(t.furniture_days).where(_DAYS.key.in_(keys)))  # ingest may have recorded them first


def holders_to_reread(conn: Any) -> list[str]:
    """The articles holding a line found to be furniture whose holders were not yet marked to be read again."""
    f, h = t.furniture_keys.c, t.article_lines.c
    pending = select(f.key).where(f.reread == 1)
    return list(conn.execute(select(h.article_id).where(h.key.in_(pending)).distinct().order_by(h.article_id))
                .scalars())


def reread_holders(conn: Any) -> None:
    """Mark the articles that held a line before it was found to be furniture to be read again (``REREAD_STAGES``,
    their vector) and name again the events they founded untitled."""
    from newsweave.store.labels import relabel  # here: labels read furniture to name events

    f = t.furniture_keys.c
    keys = list(conn.execute(select(f.key).where(f.reread == 1).order_by(f.key)).scalars())
    for chunk in t.chunks(keys, _KEYS_PER_QUERY):
        holders = select(t.article_lines.c.article_id).where(t.article_lines.c.key.in_(chunk))
        s = t.article_stages.c
        conn.execute(delete(t.article_stages).where(s.article_id.in_(holders) & s.stage.in_(REREAD_STAGES)))
        hashes = select(t.articles.c.content_hash).where(t.articles.c.id.in_(holders))
        conn.execute(delete(t.vectors).where(t.vectors.c.content_hash.in_(hashes)))
        relabel(conn, select(t.articles.c.id).where(t.articles.c.id.in_(holders) & t.articles.c.title.is_(None)))
        conn.execute(t.furniture_keys.update().where(f.key.in_(chunk)).values(reread=0))


def furniture_spans(conn: Any, texts: dict[str, str]) -> dict[str, Spans]:
    """Per article id, the spans of its text (as given) that are page furniture (``furniture_keys``)."""
    return spans_of_lines(conn, {aid: keyed_lines(text) for aid, text in texts.items()})


def spans_of_lines(conn: Any, lines: dict[str, list[Line]]) -> dict[str, Spans]:
    """``furniture_spans`` of texts already keyed (``keyed_lines``)."""
    furniture = _furniture_among(conn, sorted({k for found in lines.values() for _, _, k in found}))
    return {aid: furniture_of(found, furniture) for aid, found in lines.items()}


def _furniture_among(conn: Any, keys: list[int]) -> set[int]:
    """Those of the line ``keys`` that are furniture."""
    return {k for chunk in t.chunks(keys, _KEYS_PER_QUERY) for k in conn.execute(_KNOWN, {"keys": chunk}).scalars()}


def read_without_furniture(conn: Any, article_id: str, text: str) -> str:
    """One article's text with its furniture lines blanked (``blank``), as the analysers read it."""
    return blank(text, furniture_spans(conn, {article_id: text})[article_id])


_LEAD_CHARS = 4000


def read_lead_without_furniture(conn: Any, article_id: str, text: str, lines: int) -> str:
    """The start of ``read_without_furniture``: at least its first ``lines`` non-blank lines where the text has them.

    An event's label needs a few lines, and keying every line of a 50,000-character page for them took a sixth
    of the cluster stage on ML-Crisis. The head is cut at a line break, so its lines and their keys are the
    whole text's; its blanking agrees with the whole text's as long as some line of it is not furniture (a text
    whose every line is furniture is read whole, see ``furniture_of``)."""
    cut = text.rfind("\n", 0, _LEAD_CHARS)
    if len(text) > _LEAD_CHARS and cut > 0:
        head = text[:cut]
        found = keyed_lines(head)
        furniture = _furniture_among(conn, keys_of(found))
        if any(key not in furniture for _, _, key in found):  # else the whole text decides (``furniture_of``)
            lead = blank(head, furniture_of(found, furniture))
            if sum(1 for line in lead.split("\n") if line.strip()) >= lines:
                return lead
    return read_without_furniture(conn, article_id, text)


def backfill(conn: Any) -> None:
    """Line keys and evidence of every stored article, and the furniture among them (schema v8 on an older store),
    500 articles at a time; the stored outputs stay until the stages' new versions redo them."""
    a = t.articles.c
    ids = list(conn.execute(select(a.id).order_by(a.id)).scalars())
    for chunk in t.chunks(ids):
        lines, days = [], set()
        for aid, text, published, copy_of in conn.execute(
                select(a.id, func.substr(a.text, 1, ANALYSE_CHARS + 1), a.published, a.duplicate_of)
                .where(a.id.in_(chunk))):
            keys = line_keys(text)
            lines += [{"key": k, "article_id": aid} for k in keys]
            day = None if copy_of else day_of(published)
            if day is not None:
                days.update((k, day) for k in keys)
        if lines:
            conn.execute(t.article_lines.insert(), lines)
        if days:
            conn.execute(t.insert_or_skip(conn, t.furniture_days), [{"key": k, "day": d} for k, d in sorted(days)])
    found = list(conn.execute(select(_DAYS.key).group_by(_DAYS.key).having(func.count() >= FURNITURE_DAYS)
                              .order_by(_DAYS.key)).scalars())
    for chunk in t.chunks(found, _KEYS_PER_QUERY):
        conn.execute(t.furniture_keys.insert(), [{"key": k, "reread": 0} for k in chunk])
        conn.execute(delete(t.furniture_days).where(_DAYS.key.in_(chunk)))
