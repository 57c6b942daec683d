"""Store access for clustering: article signals in, events and storylines out."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from sqlalchemy import select

from newsweave.analyse.furniture import blank
from newsweave.cluster.signals import ArticleSignals, content_date, extract_terms, parse_date, year_of
from newsweave.core.config import ANALYSE_CHARS
from newsweave.store import schema as t
from newsweave.store.furniture_repo import furniture_spans
from newsweave.store.repository import Store


def load_signals(store: Store, ids: list[str], encoder: str) -> list[ArticleSignals]:
    """Signals of the given articles (those with a vector), in the order given; five queries per call."""
    a, v = t.articles.c, t.vectors.c
    with store.engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(
            select(a.id, a.lang, a.title, a.text, a.published, a.duplicate_of, a.content_hash, v.dim, v.data)
            .join(t.vectors, (v.content_hash == a.content_hash) & (v.encoder == encoder))
            .where(a.id.in_(ids)))}
        dates, years = _times(conn, list(rows))
        ents, names = _entities(conn, list(rows))
        # the analysed prefix, as the other stages read it (a 2 MB page of reader comments is not the story),
        # without page furniture
        texts = {aid: r.text[: ANALYSE_CHARS + 1] for aid, r in rows.items()}  # + 1: see keyed_lines
        furniture = furniture_spans(conn, texts)
    out = []
    for aid in ids:
        r = rows.get(aid)
        if r is None:
            continue
        terms, surfaces = extract_terms(f"{r.title or ''}\n{blank(texts[aid], furniture[aid])[:ANALYSE_CHARS]}")
        published = parse_date(r.published)
        event_dates = dates.get(aid, [])
        day = published or content_date(event_dates)
        out.append(ArticleSignals(
            id=aid, lang=r.lang, vector=np.frombuffer(r.data, dtype=np.float32).copy(), date=day,
            dated_by="published" if published else ("content" if day else "none"), event_dates=event_dates,
            latest_year=years.get(aid),
            entities=ents.get(aid, Counter()), entity_names=names, terms=terms, term_text=surfaces,
            title=r.title, duplicate_of=r.duplicate_of,
            seen={"content_hash": r.content_hash, "published": r.published, "title": r.title}))
    return out


def _times(conn: Any, ids: list[str]) -> tuple[dict[str, list[Any]], dict[str, int]]:
    """Per article: the days its reported events fall on, and the latest year any time expression names."""
    c = t.time_exprs.c
    dates: dict[str, list[Any]] = {}
    years: dict[str, int] = {}
    for chunk in t.chunks(ids):
        q = select(c.article_id, c.value, c.role).where(c.article_id.in_(chunk) & c.value.is_not(None))
        for aid, value, role in conn.execute(q):
            if role == "reported_event" and (day := parse_date(value)) is not None:
                dates.setdefault(aid, []).append(day)
            if (year := year_of(value)) is not None and year > years.get(aid, 0):
                years[aid] = year
    return dates, years


def _entities(conn: Any, ids: list[str]) -> tuple[dict[str, Counter[str]], dict[str, str]]:
    m, e = t.mentions.c, t.entities.c
    out: dict[str, Counter[str]] = {}
    names: dict[str, str] = {}
    for chunk in t.chunks(ids):
        q = (select(m.article_id, m.entity_id, e.name).join(t.entities, e.id == m.entity_id)
             .where(m.article_id.in_(chunk)))
        for aid, eid, name in conn.execute(q):
            out.setdefault(aid, Counter())[eid] += 1
            names[eid] = name
    return out, names
