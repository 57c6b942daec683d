"""What an analysis stage read is still what is stored: the check each stage's write makes.

Ingest takes no turn (``store.locks``), so an article can be re-ingested with new
text, or given a new date or title, while another process analyses it. A stage
that then saved what it made of the old text would mark it done, and the new
text would never be analysed. So each write first locks the article rows it
saves for, compares the columns the stage read with the stored ones, and saves
only for the articles still as read; the others stay pending (the re-ingest
cleared their stage records), and the next run analyses what is stored now.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Row, Select, false, select

from newsweave.store import schema as t

Seen = Mapping[str, Mapping[str, Any]]  # article id -> {column: value as the stage read it}


def seen_as(rows: Mapping[str, Mapping[str, Any]], columns: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """``columns`` of each article read (``rows``: article id -> what was read of it), as ``still_as_read``
    takes them."""
    return {aid: {c: row[c] for c in columns} for aid, row in rows.items()}


def still_as_read(conn: Connection, seen: Seen) -> set[str]:
    """The articles of ``seen`` whose columns are still as read, locked to the end of ``conn``'s transaction so
    that no re-ingest or date change lands before the stage's writes commit.

    Call it first in the write transaction. On SQLite a write that changes nothing takes the database's one
    write lock; on PostgreSQL the rows are locked (``locked_in_order``, as ``Store.save_article`` locks the
    article it replaces and its near-copies) and read as committed now. An article gone from the store is not
    as read."""
    if not seen:
        return set()
    a = t.articles
    columns = sorted({c for row in seen.values() for c in row})
    if conn.dialect.name == "sqlite":
        conn.execute(a.update().where(false()).values(id=a.c.id))
    same: set[str] = set()
    for chunk in t.chunks(sorted(seen)):  # code-point order, as ``locked_in_order``'s
        rows = locked_in_order(conn, select(a.c.id, *(a.c[c] for c in columns)).where(a.c.id.in_(chunk)))
        same.update(r.id for r in rows if all(r._mapping[c] == v for c, v in seen[r.id].items()))
    return same


def locked_in_order(conn: Connection, query: Select[Any]) -> list[Row[Any]]:
    """The article rows ``query`` selects, in id order, locked to the end of the transaction on PostgreSQL
    (``FOR NO KEY UPDATE``; SQLite's one write lock is the caller's first write). Every transaction that locks
    several article rows takes them here, in one statement and one order (ids by code point: ``COLLATE "C"``,
    whatever the database's collation), so that no two can each hold a row the other waits for."""
    a = t.articles.c
    if conn.dialect.name != "postgresql":
        return list(conn.execute(query.order_by(a.id)))
    return list(conn.execute(query.order_by(a.id.collate("C")).with_for_update(key_share=True)))


def as_read(conn: Connection, article_id: str, seen: Mapping[str, Any] | None) -> bool:
    """``still_as_read`` for one article; ``seen`` None (a caller with nothing read to check): True."""
    return seen is None or article_id in still_as_read(conn, {article_id: seen})


def unplace(conn: Connection, article_id: str, edited: bool = False) -> None:
    """Flag the stream state ``STALE_KEY`` when a changed article was placed: the re-cluster that follows
    places it again. Its placement stays until then, so that the re-cluster's redirects know the event
    it leaves (an event it founded alone must resolve to where it went). ``edited``: its text changed,
    noted in ``edited_articles`` (its old event's id then stays with the others)."""
    ea, c = t.event_articles.c, t.cluster_state.c
    placed = conn.execute(select(ea.article_id).where(ea.article_id == article_id)).first() is not None
    # a re-cluster cut short may not have placed it again yet, but it started from where it was, and the
    # rest of it would place the article after all it placed, whatever its new date: it starts over
    under_way = conn.execute(select(c.key).where(c.key == t.BEFORE_KEY)).first() is not None
    if placed or under_way:
        conn.execute(t.insert_or_skip(conn, t.cluster_state), [{"key": t.STALE_KEY, "value": b"1"}])
    if edited and (placed or under_way):
        conn.execute(t.insert_or_skip(conn, t.edited_articles), [{"article_id": article_id}])
