"""Store access for events and storylines: clusterer state, assignments, listings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, delete, func, select

from newsweave.cluster.model import Cluster, storyline_label
from newsweave.cluster.persist import cluster_from_row, cluster_to_row
from newsweave.store import schema as t
from newsweave.store.changes import Seen, still_as_read, unplace
from newsweave.store.labels import label as _label
from newsweave.store.repository import Store


def pending_articles(store: Store, encoder: str) -> list[str]:
    """Articles with a vector but no event, in arrival order: publication date (undated last), then ingest."""
    a, v, ea = t.articles.c, t.vectors.c, t.event_articles.c
    q = (select(a.id).join(t.vectors, (v.content_hash == a.content_hash) & (v.encoder == encoder))
         .where(a.id.not_in(select(ea.article_id)))
         .order_by(*t.arrival_order(), a.id))
    with store.engine.connect() as conn:
        return list(conn.execute(q).scalars())


def state_values(store: Store, keys: tuple[str, ...]) -> dict[str, bytes]:
    """The saved clusterer-state entries among ``keys`` (absent ones left out)."""
    c = t.cluster_state.c
    with store.engine.connect() as conn:
        return {k: bytes(v) for k, v in conn.execute(select(c.key, c.value).where(c.key.in_(keys)))}


def load_state(store: Store) -> tuple[dict[str, bytes], list[Cluster], list[Cluster]] | None:
    """Saved stream state and the open events and storylines; None for a store never clustered."""
    with store.engine.connect() as conn:
        c = t.cluster_state.c
        blobs = {k: bytes(v) for k, v in conn.execute(select(c.key, c.value).where(c.key.in_(_STREAM_KEYS)))}
        if "meta" not in blobs:  # nothing placed yet (a re-cluster may have left only its BEFORE_KEY)
            return None
        opened = []
        for table in (t.events, t.storylines):
            c = table.c
            rows = conn.execute(select(c.id, c.vector, c.aggregate, c.storyline_id)
                                .where(c.is_open == 1).order_by(c.id))
            clusters = []
            for r in rows:
                cluster = cluster_from_row(r.id, bytes(r.vector), r.aggregate)
                if table is t.events:
                    cluster.storyline = r.storyline_id  # the column follows storyline merges; the aggregate does not
                clusters.append(cluster)
            opened.append(clusters)
    return blobs, opened[0], opened[1]


def lone_founders(store: Store) -> dict[str, str]:
    """Open events of one article -> that article (their founder), for the clusterer's second look."""
    e = t.events.c
    q = select(e.id, e.founded_by).where((e.is_open == 1) & (e.n_articles == 1))
    with store.engine.connect() as conn:
        return {eid: aid for eid, aid in conn.execute(q.order_by(e.id))}


def save_batch(store: Store, blobs: dict[str, bytes], events: list[Cluster], storylines: list[Cluster],
               closed: dict[str, list[str]], assignments: list[dict[str, Any]],
               merges: list[tuple[str, str, str]], founders: dict[str, str], seen: Seen) -> None:
    """Write one batch's outcome in one transaction: a failure leaves the store as before the batch. ``seen``:
    what the placed articles' signals were made from (``changes.still_as_read``); one changed since is placed
    all the same (the clusterer's sums hold it), and flagged for the re-cluster that places it again."""
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        same = still_as_read(conn, seen)  # first: it locks the articles before the placements refer to them
        if assignments:
            conn.execute(t.event_articles.insert(), assignments)
        _flag_changed(conn, {aid: s for aid, s in seen.items() if aid not in same})
        for table, clusters in ((t.events, events), (t.storylines, storylines)):
            stored = _stored_ids(conn, table, [c.id for c in clusters])
            for cluster in clusters:
                _upsert(conn, table, cluster, founders.get(cluster.id), now, cluster.id in stored)
                stored.add(cluster.id)
        for level, ids in closed.items():
            table = _table(level)
            if ids:
                conn.execute(table.update().where(table.c.id.in_(ids)).values(is_open=0, vector=None, aggregate=None))
        merged = {table: _stored_ids(conn, table, [s for lv, s, _ in merges if _table(lv) is table])
                  for table in (t.events, t.storylines)}
        for level, source, target in merges:
            table = _table(level)
            if source not in merged[table]:
                _insert_stub(conn, table, source, founders.get(source), now)  # founded and merged within this batch
                merged[table].add(source)
            conn.execute(table.update().where(table.c.id == source).values(
                merged_into=target, is_open=0, vector=None, aggregate=None, updated_at=now))
            conn.execute(t.cluster_log.insert().values(level=level, kind="merge", source=source, target=target, at=now))
            if level == "event":
                conn.execute(t.event_articles.update().where(t.event_articles.c.event_id == source).values(event_id=target))
            else:
                conn.execute(t.events.update().where(t.events.c.storyline_id == source).values(storyline_id=target))
        # only the keys written: a STALE_KEY an ingest set meanwhile must survive to trigger its re-cluster
        conn.execute(delete(t.cluster_state).where(t.cluster_state.c.key.in_(list(blobs))))
        conn.execute(t.cluster_state.insert(), [{"key": k, "value": v} for k, v in blobs.items()])


def _flag_changed(conn: Any, changed: Seen) -> None:
    """``changes.unplace`` each article placed from what it no longer is; ``edited`` where its text changed."""
    if not changed:
        return
    same_text = still_as_read(conn, {aid: {"content_hash": s.get("content_hash")} for aid, s in changed.items()})
    for aid in changed:
        unplace(conn, aid, edited=aid not in same_text)


def _table(level: str) -> Table:
    return t.events if level == "event" else t.storylines


def _stored_ids(conn: Any, table: Table, ids: list[str]) -> set[str]:
    """Those of ``ids`` that ``table`` holds: one query per chunk, not one per id (none for no ids: most batches
    merge nothing)."""
    return {cid for chunk in t.chunks(ids)
            for cid in conn.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars()}


def _upsert(conn: Any, table: Table, cluster: Cluster, founder: str | None, now: datetime, stored: bool) -> None:
    top = [{"id": eid, "name": cluster.names.get(eid, eid), "articles": n} for eid, n in cluster.entities.most_common(5)]
    row = {
        "n_articles": cluster.n, "first_date": cluster.first.isoformat() if cluster.first else None,
        "last_date": cluster.last.isoformat() if cluster.last else None,
        "languages": json.dumps(dict(cluster.langs.most_common())), "top_entities": json.dumps(top, ensure_ascii=False),
        "is_open": 1, "merged_into": None, "updated_at": now, **cluster_to_row(cluster),
    }
    if table is t.events:
        row["storyline_id"] = cluster.storyline
    if stored:
        if founder is not None:  # founded again under an id a re-cluster left as a redirect stub
            row.update(label=_label(conn, founder), founded_by=founder)
        conn.execute(table.update().where(table.c.id == cluster.id).values(**row))
    else:
        conn.execute(table.insert().values(id=cluster.id, label=_label(conn, founder), founded_by=founder or "", **row))


def _insert_stub(conn: Any, table: Table, cid: str, founder: str | None, now: datetime) -> None:
    conn.execute(table.insert().values(id=cid, label=_label(conn, founder), founded_by=founder or "", n_articles=0,
                                       languages="{}", top_entities="[]", is_open=0, updated_at=now))


BEFORE_KEY, FOUNDERS_KEY = t.BEFORE_KEY, t.FOUNDERS_KEY
# what a re-cluster under way keeps in cluster_state (and the articles edited since, in ``edited_articles``)
_RECLUSTER_KEYS = (BEFORE_KEY, FOUNDERS_KEY)
_STREAM_KEYS = ("meta", "sums", "df", "encoder")  # what resuming the stream reads (not BEFORE_KEY, which can be big)


def clear(store: Store, keep_memberships: bool = False) -> None:
    """Forget every assignment and the stream state (for a full re-cluster); keeps the log. With
    ``keep_memberships``, today's memberships are saved in the same transaction for ``finish_recluster``;
    when an unfinished re-cluster already saved some, those are kept: today's are only its partial work."""
    with store.engine.begin() as conn:
        c = t.cluster_state.c
        kept = {k: bytes(v) for k, v in conn.execute(
            select(c.key, c.value).where(c.key.in_(_RECLUSTER_KEYS)))}
        if keep_memberships and BEFORE_KEY not in kept:
            kept[BEFORE_KEY] = json.dumps({a: list(ids) for a, ids in _memberships(conn).items()}).encode("utf-8")
            kept[FOUNDERS_KEY] = json.dumps({cid: founder for table in (t.events, t.storylines)
                                             for cid, founder in conn.execute(select(table.c.id, table.c.founded_by)
                                                                              .where(table.c.merged_into.is_(None)))
                                             if founder}).encode("utf-8")
        for table in (t.event_articles, t.cluster_state):
            conn.execute(delete(table))
        for table in (t.events, t.storylines):  # merged-away rows stay: their ids must keep resolving
            conn.execute(delete(table).where(table.c.merged_into.is_(None)))
        if keep_memberships:  # read by the re-cluster (``heritage``, ``finish_recluster``), dropped once recorded
            conn.execute(t.cluster_state.insert(), [{"key": k, "value": v} for k, v in kept.items()])
        else:
            conn.execute(delete(t.edited_articles))


def heritage(store: Store) -> dict[str, Any] | None:
    """For a re-cluster under way, ``cluster.online.Heritage``'s fields: the memberships it started from and
    their clusters' founders, the articles edited since they were placed, every id the store knows and those
    this re-cluster has given so far (a crashed one resumes with them); None when none is under way."""
    saved = state_values(store, _RECLUSTER_KEYS)
    if BEFORE_KEY not in saved:
        return None
    existing, used = set(), set()
    with store.engine.connect() as conn:
        for table in (t.events, t.storylines):
            for cid, merged in conn.execute(select(table.c.id, table.c.merged_into)):
                existing.add(cid)
                if merged is None:
                    used.add(cid)
    founders = json.loads(saved.get(FOUNDERS_KEY, b"{}").decode("utf-8"))
    # the clusters live when the re-cluster began lost their rows (``clear``): one of their ids the store holds
    # again, even merged away, was given by this re-cluster before it was cut short
    used |= existing & set(founders)
    return {"before": _before(saved), "founders": founders, "edited": _edited(store), "existing": existing,
            "used": used}


def _before(saved: dict[str, bytes]) -> dict[str, tuple[str | None, str | None]]:
    return {a: (e, s) for a, (e, s) in json.loads(saved[BEFORE_KEY].decode("utf-8")).items()}


def _edited(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.execute(select(t.edited_articles.c.article_id)).scalars())


def recluster_under_way(store: Store) -> bool:
    """Whether a re-cluster's saved memberships await ``finish_recluster``."""
    return bool(state_values(store, (BEFORE_KEY,)))


def finish_recluster(store: Store) -> dict[str, int] | None:
    """Record the redirects and splits of a re-cluster once every article it started from that still
    exists is placed again; their counts, or None when none was under way or it is not done (an
    article still waits, e.g. for a vector from the new encoder)."""
    saved = state_values(store, (BEFORE_KEY,))
    if BEFORE_KEY not in saved:
        return None
    before = _before(saved)
    after = memberships(store)
    waiting = [a for a in before if a not in after]
    with store.engine.connect() as conn:
        if any(conn.execute(select(t.articles.c.id).where(t.articles.c.id.in_(chunk)).limit(1)).first()
               for chunk in t.chunks(waiting)):
            return None
    return record_recluster(store, before, after, _edited(store))


def resolve(store: Store, table: Table, cluster_id: str) -> str | None:
    """The live id for ``cluster_id``, following merges; None if unknown."""
    c = table.c
    with store.engine.connect() as conn:
        for _ in range(100):  # merge chains are short; the bound guards against a corrupt cycle
            row = conn.execute(select(c.id, c.merged_into).where(c.id == cluster_id)).first()
            if row is None:
                return None
            if row.merged_into is None:
                return row.id
            cluster_id = row.merged_into
    return None


def list_events(store: Store, event_ids: list[str] | None = None, storyline: str | None = None) -> list[dict[str, Any]]:
    """Live events (not merged away), oldest first, with their articles."""
    e, ea = t.events.c, t.event_articles.c
    q = select(e.id, e.label, e.storyline_id, e.first_date, e.last_date, e.languages, e.top_entities, e.founded_by)
    q = q.where(e.merged_into.is_(None)).order_by(e.first_date.is_(None), e.first_date, e.id)
    if event_ids is not None:
        q = q.where(e.id.in_(event_ids))
    if storyline is not None:
        q = q.where(e.storyline_id == storyline)
    with store.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
        members: dict[str, list[str]] = {}
        mq = select(ea.article_id, ea.event_id).order_by(ea.seq)
        if event_ids is not None or storyline is not None:  # only the listed events' articles, not the whole table
            mq = mq.where(ea.event_id.in_(select(q.with_only_columns(e.id).order_by(None).subquery())))
        for aid, eid in conn.execute(mq):
            members.setdefault(eid, []).append(aid)
    out = []
    for r in rows:
        mine = members.get(r["id"], [])
        out.append({"id": r["id"], "label": r["label"], "articles": mine, "n_articles": len(mine),
                    "languages": sorted(json.loads(r["languages"])), "first_date": r["first_date"],
                    "last_date": r["last_date"], "top_entities": json.loads(r["top_entities"]),
                    "storyline": r["storyline_id"]})
    return [o for o in out if o["articles"]]


def events_mentioning(store: Store, entity_ids: list[str]) -> set[str]:
    """The live events holding an article that mentions one of ``entity_ids``."""
    ea, m = t.event_articles.c, t.mentions.c
    with store.engine.connect() as conn:
        return {eid for chunk in t.chunks(entity_ids) for eid in conn.execute(
            select(ea.event_id).where(ea.article_id.in_(select(m.article_id).where(m.entity_id.in_(chunk))))
            .distinct()).scalars()}


def count_live(store: Store) -> tuple[int, int]:
    """How many live events and storylines hold articles (what the listings would show), by counting."""
    e, ea = t.events.c, t.event_articles.c
    with store.engine.connect() as conn:
        n_events = conn.execute(select(func.count(ea.event_id.distinct()))).scalar_one()
        n_stories = conn.execute(select(func.count(e.storyline_id.distinct())).where(
            e.merged_into.is_(None) & e.id.in_(select(ea.event_id)))).scalar_one()
    return n_events, n_stories


def list_storylines(store: Store) -> list[dict[str, Any]]:
    """Live storylines with their events, named by their most frequent entities."""
    s = t.storylines.c
    q = (select(s.id, s.label, s.first_date, s.last_date, s.languages, s.top_entities)
         .where(s.merged_into.is_(None)).order_by(s.first_date.is_(None), s.first_date, s.id))
    by_story: dict[str, list[dict[str, Any]]] = {}
    for ev in list_events(store):
        by_story.setdefault(ev["storyline"], []).append(ev)
    with store.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
    out = []
    for r in rows:
        mine = by_story.get(r["id"], [])
        if not mine:
            continue
        top = json.loads(r["top_entities"])
        dates = [d for ev in mine for d in (ev["first_date"], ev["last_date"]) if d]
        out.append({"id": r["id"], "label": storyline_label(top, r["label"]),
                    "events": [ev["id"] for ev in mine], "n_articles": sum(len(ev["articles"]) for ev in mine),
                    "languages": sorted({lang for ev in mine for lang in ev["languages"]}),
                    "first_date": min(dates) if dates else None, "last_date": max(dates) if dates else None,
                    "top_entities": top})
    return out


def explanation(store: Store, article_id: str) -> dict[str, Any] | None:
    """Why an article sits in its event and storyline, as recorded when it was assigned."""
    ea = t.event_articles.c
    with store.engine.connect() as conn:
        row = conn.execute(select(ea.event_id, ea.seq, ea.probability, ea.explanation, ea.clusterer)
                           .where(ea.article_id == article_id)).first()
    if row is None:
        return None
    event = resolve(store, t.events, row.event_id) or row.event_id
    with store.engine.connect() as conn:
        story = conn.execute(select(t.events.c.storyline_id).where(t.events.c.id == event)).scalar_one_or_none()
    decisions = json.loads(row.explanation)
    _name_shared(store, decisions)
    # where each recorded cluster is now: itself, or what it merged into (an article's storyline can also
    # change without any merge, when its event merged into an event of another storyline)
    now = {level: resolve(store, table, decisions[level]["cluster"]) or decisions[level]["cluster"]
           for level, table in (("event", t.events), ("storyline", t.storylines))}
    story = resolve(store, t.storylines, story or "") or story
    return {"article": article_id, "event": event, "storyline": story, "arrival": row.seq,
            "clusterer": row.clusterer, "decisions": decisions, "merged_into": now,
            "labels": _labels_of(store, decisions, [event, now["event"]], [story or "", now["storyline"]])}


def _labels_of(store: Store, decisions: dict[str, Any], events: list[str], storylines: list[str]) -> dict[str, str]:
    """The label of every event and storyline an explanation names (``events``, ``storylines`` and those its
    ``decisions`` recorded: the one joined or founded, the runner-up, those merged or taken in), as the listings
    show them."""
    named = {"event": set(events), "storyline": set(storylines)}
    for level, d in decisions.items():
        named[level] |= {d.get("cluster"), (d.get("runner_up") or {}).get("cluster"), *(d.get("merged") or []),
                         *(a.get("cluster") for a in d.get("adopted") or []), *(d.get("rejoined") or {}).values()}
    out: dict[str, str] = {}
    with store.engine.connect() as conn:
        for level, table in (("event", t.events), ("storyline", t.storylines)):
            ids = sorted(i for i in named[level] if isinstance(i, str) and i)
            c = table.c
            for chunk in t.chunks(ids):
                for cid, label, top in conn.execute(select(c.id, c.label, c.top_entities).where(c.id.in_(chunk))):
                    out[cid] = storyline_label(json.loads(top or "[]"), label) if level == "storyline" else label
    return out


def _name_shared(store: Store, decisions: dict[str, Any]) -> None:
    """Give each decision's shared entities (ids, as recorded) their names today (``shared_names``, in the same
    order): a reader knows "Kim Jong-un", not "PER:kim-iong-un". An entity since merged into another by linking
    keeps its id as its name."""
    signals = [d["signals"] for d in decisions.values() if d.get("signals")]
    ids = sorted({eid for sig in signals for eid in sig.get("shared_entities", [])})
    e = t.entities.c
    with store.engine.connect() as conn:
        names = {eid: name for chunk in t.chunks(ids) for eid, name in conn.execute(
            select(e.id, e.name).where(e.id.in_(chunk)))}
    for sig in signals:
        sig["shared_names"] = [names.get(eid, eid) for eid in sig.get("shared_entities", [])]


def memberships(store: Store, article_ids: list[str] | None = None) -> dict[str, tuple[str, str | None]]:
    """Every assigned article's live event and storyline (only ``article_ids``' when given)."""
    with store.engine.connect() as conn:
        return _memberships(conn, article_ids)


def _memberships(conn: Any, article_ids: list[str] | None = None) -> dict[str, tuple[str, str | None]]:
    ea, e = t.event_articles.c, t.events.c
    q = select(ea.article_id, ea.event_id, e.storyline_id).join(t.events, e.id == ea.event_id)
    if article_ids is None:
        return {aid: (eid, sid) for aid, eid, sid in conn.execute(q)}
    return {aid: (eid, sid) for chunk in t.chunks(article_ids)
            for aid, eid, sid in conn.execute(q.where(ea.article_id.in_(chunk)))}


def record_recluster(store: Store, before: dict[str, tuple[str, str | None]],
                     after: dict[str, tuple[str, str | None]], edited: set[str] | None = None) -> dict[str, int]:
    """Keep old event and storyline ids (``memberships`` before and after) resolving after a re-cluster;
    log splits. ``edited``: articles whose text changed, which follow an old id only where nothing else
    does. Returns counts of both levels."""
    now = datetime.now(UTC)
    counts = {"redirected": 0, "splits": 0}
    with store.engine.begin() as conn:
        conn.execute(delete(t.cluster_state).where(t.cluster_state.c.key.in_(_RECLUSTER_KEYS)))
        conn.execute(delete(t.edited_articles))
        for k, (level, table) in enumerate((("event", t.events), ("storyline", t.storylines))):
            old = {a: ids[k] for a, ids in before.items() if ids[k]}
            new = {a: ids[k] for a, ids in after.items() if ids[k]}
            for key, n in _redirect(conn, level, table, old, new, now, edited or set()).items():
                counts[key] += n
    return counts


def _redirect(conn: Any, level: str, table: Table, before: dict[str, str], after: dict[str, str],
              now: datetime, edited: set[str]) -> dict[str, int]:
    """One level of ``record_recluster``: an id gone resolves to where most of its articles went, its edited
    articles (which may tell another story now) counted only where it had no other."""
    from collections import Counter

    kept = {old for aid, old in before.items() if aid in after and aid not in edited}  # ids with unchanged articles
    old_groups: dict[str, Counter[str]] = {}
    for aid, old in before.items():
        if aid in after and (aid not in edited or old not in kept):
            old_groups.setdefault(old, Counter())[after[aid]] += 1
    live = set(after.values())
    stored = _stored_ids(conn, table, [old for old in old_groups if old not in live])
    redirected = splits = 0
    for old, targets in sorted(old_groups.items()):
        main = min(targets, key=lambda e: (-targets[e], e))  # most of its articles; ties by id, not row order
        if old not in live:
            if old not in stored:
                _insert_stub(conn, table, old, None, now)
            conn.execute(table.update().where(table.c.id == old).values(merged_into=main))
            conn.execute(t.cluster_log.insert().values(level=level, kind="recluster", source=old, target=main, at=now))
            redirected += 1
        for other in sorted(set(targets) - {main, old}):  # an id still live is not split towards itself
            conn.execute(t.cluster_log.insert().values(level=level, kind="split", source=old, target=other, at=now))
            splits += 1
    return {"redirected": redirected, "splits": splits}


def log_entries(store: Store) -> list[dict[str, Any]]:
    """Recorded merges, splits and re-cluster redirects, oldest first."""
    c = t.cluster_log.c
    with store.engine.connect() as conn:
        return [dict(r._mapping) | {"at": r.at.isoformat()} for r in
                conn.execute(select(c.level, c.kind, c.source, c.target, c.at).order_by(c.id))]
