"""One function per user action. The CLI and the API are thin layers over these."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Iterator

from newsweave.analyse.entities.base import ENTITY_TYPES
from newsweave.analyse.text import languages_by_share
from newsweave.core.config import Settings
from newsweave.core.errors import NewsweaveError, NotFoundError
from newsweave.core.parallel import shared_pool
from newsweave.core.records import Paragraph, Progress
from newsweave.ingest.meta import load_sidecar
from newsweave.ingest.pipeline import IngestReport, ingest_items
from newsweave.ingest.sources import SourceReader
from newsweave.stages import STAGES, Stage, StageFailure, embed_id
from newsweave.store import Store, open_store
from newsweave.store.locks import LOCK_SUFFIX, analysis_lock


@contextmanager
def store_for(settings: Settings, create: bool = True) -> Iterator[Store]:
    """Open the configured store for the duration of a job; ``create=False`` for jobs that only read it."""
    store = open_store(settings.db, create)
    try:
        yield store
    finally:
        store.close()


def ingest(settings: Settings, inputs: list[str], meta: str | None = None,
           progress: Progress | None = None) -> IngestReport:
    """Ingest files, folders, JSONL corpora, HTML, feeds and URLs into the store."""
    sidecar = load_sidecar(meta) if meta else None
    reader = SourceReader(settings, skip=_store_files(settings.db))
    try:
        with store_for(settings) as store:
            return ingest_items(store, reader.read(inputs), settings, sidecar, progress)
    finally:
        reader.close()


def _store_files(db: str) -> set[Path]:
    """An SQLite store inside an ingested folder must not be read as input."""
    if "://" in db:
        return set()
    return {Path(db + suffix) for suffix in ("", "-wal", "-shm", "-journal", LOCK_SUFFIX)}


def analyse(settings: Settings, progress: Progress | None = None, only: set[str] | None = None,
            failures: list[StageFailure] | None = None) -> dict[str, int]:
    """Run every analysis stage (or those named in ``only``) where its output is missing; count per stage. The
    articles a stage could not process go into ``failures`` (when given); the rest goes on without them."""
    done: dict[str, int] = {}
    with store_for(settings) as store:
        for stage in STAGES:
            if only is None or stage.name in only:
                done[stage.name] = run_stage(store, stage, settings.batch_size, progress, failures)
    return done


def run_stage(store: Store, stage: Stage, batch_size: int, progress: Progress | None = None,
              failures: list[StageFailure] | None = None) -> int:
    """Run one stage over its pending articles, in batches (or all at once for a whole-store stage); the
    articles it could not process go into ``failures`` when given."""
    # one process at a time (``store.locks``); what is pending is read once the lock is held
    with analysis_lock(store, progress), shared_pool():  # the batches share worker processes
        pending = stage.pending(store)
        step = max(len(pending), 1) if stage.whole_store else batch_size
        for i in range(0, len(pending), step):
            batch = pending[i : i + step]
            if stage.tells:
                stage.run(store, batch, progress)
                continue
            failed = stage.run(store, batch)
            if failures is not None and failed:
                failures.extend(failed)
            if progress:
                for article_id in batch:
                    progress(f"{stage.name}: {article_id}")
    return len(pending)


def run(settings: Settings, inputs: list[str], meta: str | None = None, progress: Progress | None = None,
        failures: list[StageFailure] | None = None) -> tuple[IngestReport, dict[str, int]]:
    """Ingest, then every analysis stage, leaving the store fully analysed but for the articles a stage could
    not process (into ``failures`` when given)."""
    report = ingest(settings, inputs, meta, progress)
    return report, analyse(settings, progress, failures=failures)


def articles(settings: Settings) -> list[dict[str, Any]]:
    """Every stored article's summary, in arrival order, with its paragraph languages."""
    with store_for(settings, create=False) as store:
        rows = store.articles()
        paragraph_langs = store.paragraph_languages()
        happenings = _event_dates(store.time_exprs())
    for row in rows:
        row["event_dates"] = happenings.get(row["id"], [])
        paras = [Paragraph(s, e, lang, 0.0) for s, e, lang in paragraph_langs.get(row["id"], [])]
        row["languages"] = languages_by_share(paras)
        row["ingested_at"] = _utc_iso(row["ingested_at"])
    return rows


def _event_dates(exprs: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Per article, the resolved dates of what it reports (not background, not its dateline)."""
    out: dict[str, set[str]] = {}
    for e in exprs:
        if e["role"] == "reported_event" and e["value"] and e["value"][:1].isdigit():
            out.setdefault(e["article"], set()).add(e["value"])
    return {k: sorted(v) for k, v in out.items()}


def _utc_iso(moment: datetime | None) -> str | None:
    """SQLite returns naive datetimes; every stored time is UTC."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def status(settings: Settings) -> dict[str, Any]:
    """What the store holds: counts, languages, schema version, vectors per encoder, the stage work pending
    for this process's encoder (``encoder``: vectors of another encoder do not count as embedded), and the
    articles whose last try of a stage failed (pending too: the next run tries them again)."""
    with store_for(settings, create=False) as store:
        return {
            "store": store.url,
            "schema_version": store.schema_version(),
            "counts": store.counts(),
            "languages": store.languages(),
            "encoder": embed_id(),
            "vectors_by_encoder": store.vector_encoders(),
            "pending": _pending_counts(store),
            "failed": store.failed_stages(),
        }


# Stages whose own pending list holds only articles an earlier stage has made ready for them.
_WAITS_FOR = {"link": "entities", "cluster": "embed"}


def _pending_counts(store: Store) -> dict[str, int]:
    """Articles each stage has still to process, counting for linking and clustering the
    articles still waiting for their entities or vector: otherwise a store fresh from
    ``ingest`` would read "link 0, cluster 0"."""
    pending = {s.name: s.pending(store) for s in STAGES}
    for stage, before in _WAITS_FOR.items():
        if stage in pending and before in pending:
            pending[stage] = sorted(set(pending[stage]) | set(pending[before]))
    return {name: len(ids) for name, ids in pending.items()}


def dates(settings: Settings, article: str | None = None) -> list[dict[str, Any]]:
    """Time expressions with their resolved value and role, per article."""
    with store_for(settings, create=False) as store:
        _known_article(store, article)
        return store.time_exprs(article)


def _known_article(store: Store, article: str | None) -> None:
    """Raise for an ``--article`` that names no stored article (an empty list would look like 'none found')."""
    if article is not None and store.origin_of(article) is None:
        raise NotFoundError(f"no article {article!r} (see 'newsweave articles')")


def eval_time(data: Path) -> dict[str, Any]:
    """Score the temporal tagger on every TimeML file under ``data``."""
    from newsweave.eval.time import evaluate_timeml

    return evaluate_timeml(data)


def timeline(settings: Settings, lang: str | None = "en", article_ids: list[str] | None = None,
             max_entries: int | None = None, event: str | None = None,
             storyline: str | None = None) -> list[dict[str, Any]]:
    """A chronological timeline over the given articles (all when None), or an event's or storyline's."""
    from newsweave.products.timeline import build_timeline, candidates
    from newsweave.store import event_repo

    if event and storyline:  # one would be ignored
        raise NewsweaveError("give at most one of --event or --storyline")
    if event or storyline:
        article_ids = articles_of(settings, event, storyline)
    with store_for(settings, create=False) as store:
        ids = [r["id"] for r in store.articles(article_ids)]  # unknown ids (e.g. skipped duplicates) drop out
        articles = store.articles_for_analysis(ids)
        exprs: dict[str, list[dict[str, Any]]] = {}
        for x in store.time_exprs(article_ids=ids):
            exprs.setdefault(x["article"], []).append(x)
        event_of = {aid: ev for aid, (ev, _) in event_repo.memberships(store, ids).items()}
    cands = [c for aid in ids if aid in articles
             for c in candidates(articles[aid], exprs.get(aid, []), event_of.get(aid))]
    return [e.as_dict() for e in build_timeline(cands, lang, max_entries)]


def eval_timeline(data: Path) -> dict[str, Any]:
    """Score timelines against ML-Crisis-style reference timelines under ``data``."""
    from newsweave.eval.timeline import evaluate_timeline

    return evaluate_timeline(data)


def entities(settings: Settings, etype: str | None = None, article: str | None = None,
             lang: str = "en") -> list[dict[str, Any]]:
    """Canonical entities with their aliases and mentions, named in the reader's language.

    The name is the entity's most frequent form in ``lang`` among its mentions
    (Mosca for an Italian reader), else its canonical English name; the latter
    stays in ``name_en``.
    """
    from collections import Counter

    from newsweave.store import entity_repo

    if etype is not None and etype.upper() not in ENTITY_TYPES:
        raise NewsweaveError(f"no entity type {etype!r}: use one of {', '.join(ENTITY_TYPES)}")
    with store_for(settings, create=False) as store:
        _known_article(store, article)
        rows = entity_repo.list_entities(store, etype and etype.upper(), article)
    for row in rows:
        row["name_en"] = row["name"]
        if lang != "en":
            forms = Counter(m["text"] for m in row["mentions"] if m["lang"] == lang)
            local = forms.most_common(1)[0][0] if forms else (row["aliases"].get(lang) or [None])[0]
            row["name"] = local or row["name"]
    return rows


def eval_ner(data: Path) -> dict[str, Any]:
    """Span-level P/R/F1 of the recogniser on the folder's test.conll (else dev.conll)."""
    from newsweave.eval.ner import evaluate_ner

    return evaluate_ner(data)


def eval_link(data: Path) -> dict[str, Any]:
    """Pairwise same-entity P/R/F1 across languages on MEANTIME-style mentions."""
    from newsweave.eval.link import evaluate_link

    return evaluate_link(data)


def train_ner(train: list[Path], out: Path, seed: int = 13) -> dict[str, Any]:
    """Train the CRF recogniser on CoNLL files, reproducibly."""
    from newsweave.analyse.entities.train import train_ner as _train

    return _train(train, out, seed=seed)


# -- stories: events and storylines (the jobs in story_jobs.py, re-exported below) ------


def articles_of(settings: Settings, event: str | None = None, storyline: str | None = None) -> list[str]:
    """Article ids of an event or storyline (merged-away ids resolve)."""
    with store_for(settings, create=False) as store:
        return cluster_members(store, event, storyline)[1]


def cluster_members(store: Store, event: str | None = None, storyline: str | None = None) -> tuple[str, list[str]]:
    """The live id of an event or storyline (a merged-away id resolves) and its article ids."""
    from newsweave.store import event_repo, schema

    table, cid = (schema.events, event) if event else (schema.storylines, storyline)
    live = event_repo.resolve(store, table, cid or "")
    if live is None:
        raise NotFoundError(f"no {'event' if event else 'storyline'} {cid!r} (see 'newsweave {'events' if event else 'storylines'}')")
    rows = event_repo.list_events(store, [live]) if event else event_repo.list_events(store, storyline=live)
    return live, [a for row in rows for a in row["articles"]]


from newsweave.reader_jobs import eval_search, quotes, search, summary, unindexed  # noqa: E402,F401  (reader jobs live in their own module)
from newsweave.story_jobs import (  # noqa: E402,F401  (story jobs live in their own module)
    Within, cluster, eval_cluster, events, explain, storylines, unclustered,
)
