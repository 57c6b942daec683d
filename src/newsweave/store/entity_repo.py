"""Store access for mentions and canonical entities (kept apart from the article repository)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, delete, func, select

from newsweave.store import schema as t
from newsweave.store.repository import Store


def replace_mentions(store: Store, article_id: str, rows: list[dict[str, Any]], version: str) -> None:
    """Swap one article's recognised mentions (unlinked until the link stage runs)."""
    with store.engine.begin() as conn:
        conn.execute(delete(t.mentions).where(t.mentions.c.article_id == article_id))
        if rows:
            conn.execute(t.mentions.insert(), [{"article_id": article_id, "idx": i, "entity_id": None, **r}
                                               for i, r in enumerate(rows)])
        store._mark_done(conn, article_id, "entities", version)
        # quote speakers and indexed names come from the mentions: redo them too
        s = t.article_stages.c
        conn.execute(delete(t.article_stages).where((s.article_id == article_id) & s.stage.in_(("quotes", "search"))))


def all_mentions(store: Store) -> list[dict[str, Any]]:
    """Every stored mention in ingest order of its article, then position.

    Ingest order, not publication order: an entity's id comes from the mention
    that founds it, and an older article ingested later must not found it
    anew (one Russian "Владимира Путина" from 2014 renamed Putin's entity).
    """
    m, a = t.mentions.c, t.articles.c
    q = (select(m.article_id, m.idx, m.start_char, m.end_char, m.text, m.type, m.lang, m.entity_id)
         .join(t.articles, a.id == m.article_id)
         .order_by(a.ingested_at, m.article_id, m.idx))
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def articles_to_link(store: Store, linker: str) -> list[str]:
    """Articles whose mentions no entity covers yet; all of them when another linker made the entities."""
    m, e = t.mentions.c, t.entities.c
    with store.engine.connect() as conn:
        stale = conn.execute(select(e.id).where(e.linker != linker).limit(1)).first() is not None
        q = select(m.article_id).distinct().order_by(m.article_id)
        if not stale:
            q = q.where(m.entity_id.is_(None))
        return list(conn.execute(q).scalars())


def _linked_names(conn) -> dict[str, set[tuple[str, str]]]:
    """Per article, the (entity id, display name) pairs its mentions link to."""
    m, e = t.mentions.c, t.entities.c
    out: dict[str, set[tuple[str, str]]] = {}
    for aid, eid, name in conn.execute(select(m.article_id, e.id, e.name).join(t.entities, e.id == m.entity_id)):
        out.setdefault(aid, set()).add((eid, name))
    return out


def replace_entities(store: Store, entities: list[dict[str, Any]], links: list[tuple[str, int, str]], linker: str,
                     invalidate: tuple[str, ...] = ()) -> list[str]:
    """Write the linked entities and each mention's entity id, in one transaction.

    Relinking can move an old article's mention to another entity or rename an
    entity; the articles whose linked (id, name) pairs changed lose their
    ``invalidate`` stage marks, so stages that copied names (the search index,
    quote speakers) redo them. Returns those articles.
    """
    with store.engine.begin() as conn:
        before = _linked_names(conn) if invalidate else {}
        conn.execute(delete(t.entities))
        if entities:
            conn.execute(t.entities.insert(), [
                {**e, "languages": json.dumps(e["languages"]), "aliases": json.dumps(e["aliases"], ensure_ascii=False),
                 "linker": linker} for e in entities])
        if links:
            m = t.mentions.c
            stmt = (t.mentions.update().where((m.article_id == bindparam("a")) & (m.idx == bindparam("i")))
                    .values(entity_id=bindparam("e")))
            conn.execute(stmt, [{"a": a, "i": i, "e": e} for a, i, e in links])
        if not invalidate:
            return []
        after = _linked_names(conn)
        changed = sorted(a for a in before.keys() | after.keys() if before.get(a) != after.get(a))
        s = t.article_stages.c
        for chunk in t.chunks(changed):
            conn.execute(delete(t.article_stages).where(s.stage.in_(invalidate) & s.article_id.in_(chunk)))
        return changed


def list_entities(store: Store, etype: str | None = None, article: str | None = None) -> list[dict[str, Any]]:
    """Entities (most mentioned first) with their mentions."""
    e, m = t.entities.c, t.mentions.c
    q = select(e.id, e.name, e.type, e.languages, e.aliases, e.n_mentions, e.n_articles).order_by(
        e.n_mentions.desc(), e.id)
    if etype:
        q = q.where(e.type == etype.upper())
    if article:
        q = q.where(e.id.in_(select(m.entity_id).where(m.article_id == article)))
    with store.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
        by_entity: dict[str, list[dict[str, Any]]] = {}
        mq = select(m.entity_id, m.article_id, m.text, m.lang, m.start_char, m.end_char).where(
            m.entity_id.in_([r["id"] for r in rows])).order_by(m.article_id, m.idx)
        for ent, art, text, lang, start, end in conn.execute(mq):
            by_entity.setdefault(ent, []).append({"article": art, "text": text, "lang": lang, "start": start, "end": end})
    for r in rows:
        r["languages"], r["aliases"] = json.loads(r["languages"]), json.loads(r["aliases"])
        r["mentions"] = by_entity.get(r["id"], [])
    return rows


def count_entities(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t.entities)).scalar_one()
