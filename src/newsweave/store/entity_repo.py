"""Store access for mentions and canonical entities (kept apart from the article repository)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from itertools import groupby
from typing import Any, NamedTuple

from sqlalchemy import Row, bindparam, delete, exists, false, func, select, text

from newsweave.store import schema as t
from newsweave.store.changes import as_read
from newsweave.store.repository import Store

_CHECKPOINT = "checkpoint"
_LINKS_PER_WRITE = 10_000


class StaleLinkState(Exception):
    """The linker checkpoint changed (or went) since it was read: an incremental write would be stale."""


_LINK_LOCK = 7_263_541  # PostgreSQL advisory lock: mention replacements and link writes, one at a time


def _lock_links(conn) -> None:
    """Take the lock that orders mention replacements and link writes (to its transaction's end): a link
    run's check that the mentions it read are unchanged, and its writes, see no replacement in between,
    and neither side can deadlock the other by locking rows in another order. On SQLite a write that
    changes nothing opens the transaction and takes the database's one write lock."""
    if conn.dialect.name == "postgresql":
        # keyed by schema too: stores in other schemas of the database do not wait on this one
        conn.execute(text("SELECT pg_advisory_xact_lock(:k, hashtext(current_schema()))"), {"k": _LINK_LOCK})
    else:
        conn.execute(t.link_state.update().where(false()).values(key=t.link_state.c.key))


def replace_mentions(store: Store, article_id: str, rows: list[dict[str, Any]], version: str,
                     seen: Mapping[str, Any] | None = None) -> bool:
    """Swap one article's recognised mentions (unlinked until the link stage runs); False, and nothing written,
    if the article no longer is as ``seen`` (``changes.still_as_read``; None: no check)."""
    m = t.mentions.c
    with store.engine.begin() as conn:
        _lock_links(conn)
        if not as_read(conn, article_id, seen):
            return False
        linked = conn.execute(select(m.idx).where((m.article_id == article_id) & m.entity_id.is_not(None))
                              .limit(1)).first()
        if linked:  # the linker's checkpoint holds this article's old mentions: the next run relinks all
            conn.execute(delete(t.link_state))
        t.replace_article_rows(conn, t.mentions, article_id, rows, entity_id=None)
        store._mark_done(conn, article_id, "entities", version)
        # quote speakers and indexed names come from the mentions: redo them too
        s = t.article_stages.c
        conn.execute(delete(t.article_stages).where((s.article_id == article_id) & s.stage.in_(("quotes", "search"))))
    return True


_ARTICLES_PER_READ = 1_000  # a full relink reads the mentions this many articles at a time


class ArticleMentions(NamedTuple):
    """One article's stored mentions, in position order, with what places it in ingest order."""

    ingested_at: Any
    article_id: str
    rows: list[Row]  # article_id, idx, start_char, end_char, text, type, lang, entity_id
    # when its mentions were stored (its "entities" stage mark): the link run's writes check it is unchanged
    recognised: Any = None


def _ingest_order(store: Store, article_ids: list[str] | None) -> list[tuple[Any, str, Any]]:
    """(ingested_at, id, entities-stage mark) of the articles (of ``article_ids`` only, when given) that have
    mentions, in ingest order, then by id in code-point order: the order ``incremental`` compares its
    checkpoint's last article in, whatever the database's collation."""
    m, a, s = t.mentions.c, t.articles.c, t.article_stages.c
    q = (select(a.ingested_at, a.id, s.done_at)
         .outerjoin(t.article_stages, (s.article_id == a.id) & (s.stage == "entities"))
         .where(exists().where(m.article_id == a.id)))
    with store.engine.connect() as conn:
        if article_ids is None:
            order = [tuple(r) for r in conn.execute(q)]
        else:
            order = [tuple(r) for chunk in t.chunks(sorted(set(article_ids)))
                     for r in conn.execute(q.where(a.id.in_(chunk)))]
    order.sort(key=lambda r: (r[0], r[1]))
    return order


def iter_mentions(store: Store, article_ids: list[str] | None = None) -> Iterator[ArticleMentions]:
    """Every article with stored mentions (of ``article_ids`` only, when given), in ingest order, with its
    mentions in position order.

    Ingest order, not publication order: an entity's id comes from the mention
    that founds it, and an older article ingested later must not found it
    anew (one Russian "Владимира Путина" from 2014 renamed Putin's entity).
    The articles stream, ``_ARTICLES_PER_READ`` a read, each read a short
    transaction of its own: a full relink at 100,000 articles reads millions of
    mentions over a minute of linking, and one long read would keep SQLite's
    write-ahead log from being checkpointed, and sit "idle in transaction" on
    PostgreSQL between fetches, where a server's
    ``idle_in_transaction_session_timeout`` would end it. The reads name only
    mentions (the ingest times come from the first read): a join made each
    read cost as much again.
    """
    order = _ingest_order(store, article_ids)
    m = t.mentions.c
    q = select(m.article_id, m.idx, m.start_char, m.end_char, m.text, m.type, m.lang, m.entity_id)
    for start in range(0, len(order), _ARTICLES_PER_READ):
        page = order[start : start + _ARTICLES_PER_READ]
        grouped: dict[str, list[Row]] = {aid: [] for _, aid, _ in page}
        with store.engine.connect() as conn:
            for r in conn.execute(q.where(m.article_id.in_(list(grouped)))):
                grouped[r.article_id].append(r)
        for at, aid, recognised in page:
            rows = grouped.pop(aid)
            rows.sort(key=lambda r: r.idx)
            yield ArticleMentions(at, aid, rows, recognised)


def all_mentions(store: Store, article_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """:func:`iter_mentions` as a list of dicts, one per mention (each with its article's ``ingested_at``)."""
    return [{**r._mapping, "ingested_at": art.ingested_at} for art in iter_mentions(store, article_ids)
            for r in art.rows]


def articles_to_link(store: Store, linker: str) -> list[str]:
    """Articles whose mentions no entity covers yet; all of them when another linker made the entities,
    or when there are entities but no linker checkpoint (it is dropped when a linked article's mentions
    are replaced, even by none, and stores from before it have none): a full relink is due."""
    m, e = t.mentions.c, t.entities.c
    with store.engine.connect() as conn:
        stale = conn.execute(select(e.id).where(e.linker != linker).limit(1)).first() is not None
        if not stale and conn.execute(select(t.link_state.c.key).limit(1)).first() is None:
            stale = conn.execute(select(e.id).limit(1)).first() is not None
        q = select(m.article_id).distinct().order_by(m.article_id)
        if not stale:
            q = q.where(m.entity_id.is_(None))
        return list(conn.execute(q).scalars())


def _linked_names(conn) -> dict[str, bytes]:
    """Per article, a digest of the (entity id, display name) pairs its mentions link to: a relink compares
    them before and after, and at 100,000 articles the pairs themselves took about 450 MiB each time."""
    m, e = t.mentions.c, t.entities.c
    q = (select(m.article_id, e.id, e.name).join(t.entities, e.id == m.entity_id).order_by(m.article_id)
         .execution_options(yield_per=10_000))
    out: dict[str, bytes] = {}
    for aid, rows in groupby(conn.execute(q), key=lambda r: r[0]):
        pairs = sorted({(eid, name) for _, eid, name in rows})
        out[aid] = hashlib.blake2b(json.dumps(pairs, ensure_ascii=False).encode("utf-8"), digest_size=16).digest()
    return out


def load_link_state(store: Store) -> bytes | None:
    """The linker checkpoint the last link run saved, if any."""
    with store.engine.connect() as conn:
        return conn.execute(select(t.link_state.c.value).where(t.link_state.c.key == _CHECKPOINT)).scalar()


def _check_unchanged(conn, recognised: dict[str, Any]) -> None:
    """Raise :class:`StaleLinkState` when any of the articles' mentions were stored again (or removed) since
    the link run read them (``recognised``: article -> its "entities" stage mark then). The run reads in short
    transactions of its own, so another process may replace an article's mentions meanwhile: the links it
    made from the old ones must not land on the new. Call it under :func:`_lock_links`."""
    s = t.article_stages.c
    ids = sorted(recognised)
    now = {aid: at for chunk in t.chunks(ids) for aid, at in conn.execute(
        select(s.article_id, s.done_at).where((s.stage == "entities") & s.article_id.in_(chunk)))}
    gone = [aid for aid in ids if now.get(aid) != recognised[aid]]
    if gone:
        raise StaleLinkState(f"the mentions of {len(gone)} article(s) changed during the link run ({gone[0]}, ...)")


def _save_link_state(conn, state: bytes | None) -> None:
    conn.execute(delete(t.link_state))
    if state is not None:
        conn.execute(t.link_state.insert().values(key=_CHECKPOINT, value=state))


def _invalidate(conn, articles: list[str], stages: tuple[str, ...]) -> None:
    s = t.article_stages.c
    for chunk in t.chunks(articles):
        conn.execute(delete(t.article_stages).where(s.stage.in_(stages) & s.article_id.in_(chunk)))


def _write_links(conn, links: list[tuple[str, int, str]]) -> None:
    """Set each (article, mention index)'s entity id."""
    m = t.mentions.c
    stmt = (t.mentions.update().where((m.article_id == bindparam("a")) & (m.idx == bindparam("i")))
            .values(entity_id=bindparam("e")))
    for k in range(0, len(links), _LINKS_PER_WRITE):  # parameter dicts a slice at a time, not millions at once
        conn.execute(stmt, [{"a": a, "i": i, "e": e} for a, i, e in links[k : k + _LINKS_PER_WRITE]])


def _entity_rows(entities: list[dict[str, Any]], linker: str) -> list[dict[str, Any]]:
    return [{**e, "languages": json.dumps(e["languages"]), "aliases": json.dumps(e["aliases"], ensure_ascii=False),
             "linker": linker, "n_mentions": 0, "n_articles": 0} for e in entities]


def _count(conn, ids: list[str] | None) -> None:
    """Set the entities' (all, for ``None``) mention and article counts from the links as written."""
    e, m = t.entities.c, t.mentions.c
    links = select(func.count()).where(m.entity_id == e.id).scalar_subquery()
    articles = select(func.count(m.article_id.distinct())).where(m.entity_id == e.id).scalar_subquery()
    stmt = t.entities.update().values(n_mentions=links, n_articles=articles)
    for chunk in ([None] if ids is None else t.chunks(ids)):
        conn.execute(stmt if chunk is None else stmt.where(e.id.in_(chunk)))


def update_entities(store: Store, entities: list[dict[str, Any]], moved: dict[str, str],
                    links: list[tuple[str, int, str]], linker: str, invalidate: tuple[str, ...],
                    state: bytes, loaded: bytes, recognised: dict[str, Any] | None = None) -> list[str]:
    """An incremental link run's writes, in one transaction: the ``entities`` it created or changed,
    the ids ``moved`` into others (merged or retyped: their rows go, their mentions follow), the
    new mentions' ``links``, and the linker ``state``. Articles whose linked (id, name) pairs changed
    (mentions of a moved entity, or of a renamed one) lose their ``invalidate`` marks, as in
    :func:`replace_entities`; returns them.

    ``loaded`` is the SHA-256 of the checkpoint the run started from: when the stored one is no
    longer it (a linked article's mentions were replaced meanwhile, which drops it), or when the
    mentions of an article it linked changed (``recognised``: see :func:`_check_unchanged`), nothing is
    written and :class:`StaleLinkState` is raised, for the caller to relink instead."""
    e, m = t.entities.c, t.mentions.c
    with store.engine.begin() as conn:
        _lock_links(conn)
        ls = t.link_state.c
        now = conn.execute(select(ls.value).where(ls.key == _CHECKPOINT)).scalar()
        if now is None or hashlib.sha256(now).digest() != loaded:
            raise StaleLinkState("the linker checkpoint changed during the link run")
        _check_unchanged(conn, recognised or {})
        ids = [x["id"] for x in entities]
        before = {i: n for chunk in t.chunks(ids) for i, n in conn.execute(select(e.id, e.name).where(e.id.in_(chunk)))}
        renamed = [x["id"] for x in entities if x["id"] in before and before[x["id"]] != x["name"]]
        changed_ids = sorted(set(moved) | set(renamed))
        changed = sorted({a for chunk in t.chunks(changed_ids) for a in conn.execute(
            select(m.article_id).distinct().where(m.entity_id.in_(chunk))).scalars()})
        for chunk in t.chunks(ids + sorted(moved)):
            conn.execute(delete(t.entities).where(e.id.in_(chunk)))
        if entities:
            conn.execute(t.entities.insert(), _entity_rows(entities, linker))
        if moved:
            conn.execute(t.mentions.update().where(m.entity_id == bindparam("old")).values(entity_id=bindparam("new")),
                         [{"old": old, "new": new} for old, new in sorted(moved.items())])
        _write_links(conn, links)
        _count(conn, ids)
        _invalidate(conn, changed, invalidate)
        _save_link_state(conn, state)
        return changed


def replace_entities(store: Store, entities: list[dict[str, Any]], links: list[tuple[str, int, str]], linker: str,
                     invalidate: tuple[str, ...] = (), state: bytes | None = None,
                     recognised: dict[str, Any] | None = None) -> list[str]:
    """Write the linked entities and each mention's entity id, in one transaction, with the
    linker's ``state`` for the next run to go on from (or none).

    Relinking can move an old article's mention to another entity or rename an
    entity; the articles whose linked (id, name) pairs changed lose their
    ``invalidate`` stage marks, so stages that copied names (the search index,
    quote speakers) redo them. Returns those articles. Raises :class:`StaleLinkState`, writing nothing,
    when the mentions of an article in ``recognised`` changed since they were read (:func:`_check_unchanged`).
    """
    with store.engine.begin() as conn:
        _lock_links(conn)
        _check_unchanged(conn, recognised or {})
        _save_link_state(conn, state)
        before = _linked_names(conn) if invalidate else {}
        conn.execute(delete(t.entities))
        if entities:
            conn.execute(t.entities.insert(), _entity_rows(entities, linker))
        _write_links(conn, links)
        _count(conn, None)
        if not invalidate:
            return []
        after = _linked_names(conn)
        changed = sorted(a for a in before.keys() | after.keys() if before.get(a) != after.get(a))
        _invalidate(conn, changed, invalidate)
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


def names_in(store: Store, entity_ids: list[str], lang: str) -> dict[str, str]:
    """Per entity among ``entity_ids`` that articles in ``lang`` mention, the form of more than one word they
    write most often, else their most frequent form (ties: the alphabetically first): Mosca, Corea del Nord,
    Kim Jong Un for an Italian reader, not the bare "Kim" an article repeats after naming him in full."""
    m = t.mentions.c
    best: dict[str, tuple[bool, int, str]] = {}
    with store.engine.connect() as conn:
        for chunk in t.chunks(sorted(set(entity_ids))):
            q = (select(m.entity_id, m.text, func.count()).where(m.entity_id.in_(chunk) & (m.lang == lang))
                 .group_by(m.entity_id, m.text))
            for eid, text, n in conn.execute(q):
                full, kept = len(text.split()) > 1, best.get(eid)
                if kept is None or (full, n) > kept[:2] or ((full, n) == kept[:2] and text < kept[2]):
                    best[eid] = (full, n, text)
    return {eid: text for eid, (_, _, text) in best.items()}


def count_entities(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t.entities)).scalar_one()
