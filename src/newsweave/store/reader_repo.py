"""Store access for what readers take away: quotes, summaries, and the inputs they are built from."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select

from newsweave.store import schema as t
from newsweave.store.changes import as_read
from newsweave.store.repository import Store


def linked_mentions(store: Store, ids: list[str]) -> dict[str, list[tuple[int, int, str, str, str | None, str | None]]]:
    """Per article: (start, end, text, type, entity id, entity name) of every mention, in text order."""
    m, e = t.mentions.c, t.entities.c
    out: dict[str, list[tuple[int, int, str, str, str | None, str | None]]] = {aid: [] for aid in ids}
    q = (select(m.article_id, m.start_char, m.end_char, m.text, m.type, m.entity_id, e.name)
         .outerjoin(t.entities, e.id == m.entity_id).where(m.article_id.in_(ids)).order_by(m.article_id, m.idx))
    with store.engine.connect() as conn:
        for r in conn.execute(q):
            out[r.article_id].append((r.start_char, r.end_char, r.text, r.type, r.entity_id, r.name))
    return out


def replace_quotes(store: Store, article_id: str, rows: list[dict[str, Any]], version: str,
                   seen: Mapping[str, Any] | None = None) -> bool:
    """Swap one article's quotations; False, and nothing written, if the article no longer is as ``seen``
    (``changes.still_as_read``; None: no check)."""
    with store.engine.begin() as conn:
        if not as_read(conn, article_id, seen):
            return False
        t.replace_article_rows(conn, t.quotes, article_id, rows)
        store._mark_done(conn, article_id, "quotes", version)
    return True


def list_quotes(store: Store, entity_ids: list[str] | None = None,
                article_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Stored quotations, by article and position, optionally by speaker entity or article."""
    c, a = t.quotes.c, t.articles.c
    q = (select(c.article_id, c.start_char, c.end_char, c.text, c.kind, c.speaker_text, c.speaker_entity,
                c.speaker_name, c.speaker_kind, c.verb, a.lang, a.published)
         .join(t.articles, a.id == c.article_id).order_by(*t.arrival_order(), c.article_id, c.idx))
    if entity_ids is not None:
        q = q.where(c.speaker_entity.in_(entity_ids))
    if article_ids is not None:
        q = q.where(c.article_id.in_(article_ids))
    with store.engine.connect() as conn:
        return [{"article": r.article_id, "start": r.start_char, "end": r.end_char, "text": r.text, "kind": r.kind,
                 "speaker": r.speaker_name or r.speaker_text or "unattributed", "speaker_entity": r.speaker_entity,
                 "speaker_text": r.speaker_text, "speaker_kind": r.speaker_kind, "verb": r.verb, "lang": r.lang,
                 "published": r.published} for r in conn.execute(q)]


def source_articles(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    """Text, language, date, sentences, linked mentions and resolved dates of the given articles."""
    rows = store.articles_for_analysis(ids)
    times: dict[str, list[tuple[int, int, str]]] = {}
    for x in store.time_exprs(article_ids=list(rows)):
        if x["value"] is not None:
            times.setdefault(x["article"], []).append((x["start"], x["end"], x["value"]))
    mentions = linked_mentions(store, list(rows))
    return [{**rows[i], "time_exprs": times.get(i, []), "mentions": mentions.get(i, [])} for i in ids if i in rows]


def get_summary(store: Store, cluster_id: str, lang: str, translator: str) -> tuple[str, dict[str, Any]] | None:
    """A stored summary and the fingerprint of the inputs it was made from."""
    c = t.summaries.c
    with store.engine.connect() as conn:
        row = conn.execute(select(c.fingerprint, c.body).where(
            (c.cluster_id == cluster_id) & (c.lang == lang) & (c.translator == translator))).first()
    return (row.fingerprint, json.loads(row.body)) if row else None


def put_summary(store: Store, cluster_id: str, lang: str, translator: str, fingerprint: str,
                body: dict[str, Any]) -> None:
    """Store (or replace) a summary."""
    c = t.summaries.c
    with store.engine.begin() as conn:
        conn.execute(delete(t.summaries).where(
            (c.cluster_id == cluster_id) & (c.lang == lang) & (c.translator == translator)))
        conn.execute(t.summaries.insert().values(
            cluster_id=cluster_id, lang=lang, translator=translator, fingerprint=fingerprint,
            method=body.get("method", ""), encoder=body.get("encoder", ""),
            body=json.dumps(body, ensure_ascii=False), made_at=datetime.now(UTC)))
