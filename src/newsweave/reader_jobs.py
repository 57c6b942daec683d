"""Jobs for what readers take away: quotes and summaries (re-exported by :mod:`newsweave.jobs`)."""

from __future__ import annotations

from typing import Any

from newsweave.core.config import Settings
from newsweave.core.errors import NewsweaveError, NotFoundError


def quotes(settings: Settings, entity: str | None = None, event: str | None = None) -> list[dict[str, Any]]:
    """Quotations with speakers, optionally of one speaker (name in any script, or id) or one event."""
    from newsweave.jobs import cluster_members, store_for
    from newsweave.store import reader_repo

    with store_for(settings, create=False) as store:
        article_ids = cluster_members(store, event=event)[1] if event else None
        # "" names no entity: an error, as in search, never every quote
        entity_ids = entity_ids_of(store, entity) if entity is not None else None
        return reader_repo.list_quotes(store, entity_ids, article_ids)


def entity_ids_of(store: Any, entity: str) -> list[str]:
    """The entities a name (any script) or id denotes; NotFoundError when none."""
    from newsweave.search.filters import resolve_entity

    found = resolve_entity(store, entity)
    if not found:
        raise NotFoundError(f"no entity matches {entity!r} (see 'newsweave entities')")
    return found


def summary(settings: Settings, event: str | None = None, storyline: str | None = None, lang: str = "en",
            translator: str | None = None, max_sentences: int = 5) -> dict[str, Any]:
    """A cited summary of an event or storyline in the reader's language; stored, and rebuilt only when its inputs change."""
    from newsweave.analyse.encoder import get_encoder
    from newsweave.jobs import cluster_members, store_for
    from newsweave.products.summary import fingerprint, summarise
    from newsweave.store import event_repo, reader_repo
    from newsweave.translate import get_translator

    if bool(event) == bool(storyline):
        raise NewsweaveError("give exactly one of --event or --storyline")
    try:
        tool = get_translator(translator)
    except ValueError as exc:
        raise NewsweaveError(str(exc)) from exc
    encoder = get_encoder()
    with store_for(settings, create=False) as store:
        cluster_id, ids = cluster_members(store, event, storyline)
        # a storyline spans events: each article carries its own, whose reports alone may share its citations
        events = {a: e for a, (e, _) in event_repo.memberships(store, ids).items()} if storyline else {}
        arts = [_source(row, events.get(row["id"])) for row in reader_repo.source_articles(store, ids)]
        digest = fingerprint(arts, lang, encoder.name, tool.name, max_sentences)
        stored = reader_repo.get_summary(store, cluster_id, lang, tool.name)
        if stored and stored[0] == digest:
            return {**stored[1], "cluster": cluster_id, "cached": True}
        body = summarise(arts, lang, encoder, None if tool.name == "none" else tool, max_sentences).as_dict()
        reader_repo.put_summary(store, cluster_id, lang, tool.name, digest, body)
    return {**body, "cluster": cluster_id, "cached": False}


def _source(row: dict[str, Any], event: str | None = None) -> Any:
    from newsweave.products.summary import SourceArticle

    mentions = [(s, e, eid, name, typ) for s, e, _text, typ, eid, name in row["mentions"] if eid and name]
    return SourceArticle(row["id"], row["lang"], row["published"], row["title"], row["text"],
                         row["sentences"], mentions, row["time_exprs"], event)


def search(settings: Settings, query: str, lang: str | None = None, entity: str | None = None,
           date_from: str | None = None, date_to: str | None = None, event: str | None = None,
           limit: int = 10, mode: str = "hybrid") -> list[dict[str, Any]]:
    """Hybrid full-text + vector search across languages (``mode``: "hybrid", "fulltext" or
    "vector"); each hit names its passage and event."""
    from newsweave.jobs import cluster_members, store_for
    from newsweave.search import search as run_search
    from newsweave.store import event_repo

    with store_for(settings, create=False) as store:
        article_ids = cluster_members(store, event=event)[1] if event else None
        # an unknown entity is an error, as for quotes, not an empty result ("" names nothing either)
        entity_ids = entity_ids_of(store, entity) if entity is not None else None
        try:
            hits = run_search(store, query, lang=lang, entity=entity_ids, date_from=date_from, date_to=date_to,
                              article_ids=article_ids, limit=limit, mode=mode)
        except ValueError as exc:  # a malformed date or option
            raise NewsweaveError(str(exc)) from exc
        member = event_repo.memberships(store, [h.article_id for h in hits])
    return [{**h.as_dict(), "event": member.get(h.article_id, (None, None))[0]} for h in hits]


def unindexed(settings: Settings) -> int:
    """How many stored articles the search index does not hold yet (or holds from an older version)."""
    from newsweave.jobs import store_for
    from newsweave.search.index import has_search_tables, pending_for_index

    with store_for(settings, create=False) as store:
        with store.engine.connect() as conn:
            if not has_search_tables(conn):
                return store.counts()["articles"]
        return len(pending_for_index(store))


def eval_search(data: Any, sample: int | None = 60, query_chars: int = 300, query_words: int = 0) -> dict[str, Any]:
    """recall@10 and MRR of cross-lingual search on query sets built from ../shared/data."""
    from newsweave.eval.search import evaluate_search

    try:
        return evaluate_search(data, sample=sample, query_chars=query_chars, query_words=query_words)
    except FileNotFoundError as exc:
        raise NewsweaveError(str(exc)) from exc
