"""Jobs for events and storylines: clustering, listings, explanations, evaluation (re-exported by
:mod:`newsweave.jobs`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsweave.analyse.langid import primary_language
from newsweave.core.config import Settings
from newsweave.core.errors import NewsweaveError, NotFoundError
from newsweave.core.records import Progress
from newsweave.stages import STAGES, embed_id
from newsweave.store import Store


def unclustered(settings: Settings) -> int:
    """How many stored articles no event holds yet (waiting for their vector included)."""
    from newsweave.store import event_repo

    with _store(settings) as store:  # not the stage's list: a re-cluster due lists every article
        embed = next(s for s in STAGES if s.name == "embed")
        return len(set(event_repo.pending_articles(store, embed_id())) | set(embed.pending(store)))


def cluster(settings: Settings, recluster: bool = False, progress: Progress | None = None) -> dict[str, Any]:
    """Place unassigned articles in events and storylines (all of them again with ``recluster``)."""
    from newsweave.cluster.stream import cluster_pending, recluster as redo
    from newsweave.store.locks import analysis_lock

    with _store(settings) as store:
        with analysis_lock(store, progress):  # as every stage run
            if recluster:
                result = redo(store, embed_id(), progress)
            else:
                result = {"assigned": cluster_pending(store, embed_id(), progress)}
        from newsweave.store import event_repo

        result["events"], result["storylines"] = event_repo.count_live(store)
        result["pending_vectors"] = len(store.articles_without_vector(embed_id()))
    return result


@dataclass(frozen=True)
class Within:
    """Which events or storylines a listing keeps: those whose dates meet ``date_from``..``date_to`` (ISO days;
    undated ones only without either), with at least ``min_articles``, and whose articles mention ``entity`` (a
    name in any script, or an id)."""

    date_from: str | None = None
    date_to: str | None = None
    entity: str | None = None
    min_articles: int = 1

    def keeps(self, row: dict[str, Any]) -> bool:
        """Whether a listed event or storyline (``first_date``, ``last_date``, ``n_articles``) is within."""
        if row["n_articles"] < self.min_articles:
            return False
        if self.date_from is None and self.date_to is None:
            return True
        return bool(row["first_date"]) and (self.date_from is None or row["last_date"] >= self.date_from) \
            and (self.date_to is None or row["first_date"] <= self.date_to)

    def events(self, store: Store) -> set[str] | None:
        """The events whose articles mention the entity (None: no entity asked for); NotFoundError for a name
        that denotes none."""
        from newsweave.reader_jobs import entity_ids_of
        from newsweave.store import event_repo

        return None if self.entity is None else event_repo.events_mentioning(store, entity_ids_of(store, self.entity))


def events(settings: Settings, storyline: str | None = None, lang: str | None = None,
           within: Within = Within()) -> list[dict[str, Any]]:
    """Live events, oldest first: id, label, articles, languages, dates, top entities, storyline (only those
    ``within`` keeps). With ``lang``, an event with a report in that language is labelled by it (its founder's
    label otherwise)."""
    from newsweave.store import event_repo, labels, schema

    with _store(settings) as store:
        sid = event_repo.resolve(store, schema.storylines, storyline) if storyline else None
        if storyline and not sid:
            raise NotFoundError(f"no storyline {storyline!r} (see 'newsweave storylines')")
        mentioning = within.events(store)
        rows = [r for r in event_repo.list_events(store, storyline=sid)
                if within.keeps(r) and (mentioning is None or r["id"] in mentioning)]
        if not lang:
            return rows
        lang = primary_language(lang)
        relabelled = labels.labels_in(store, rows, lang)
        rows = _named_in(store, rows, lang)
    return [{**r, "label": relabelled.get(r["id"], r["label"])} for r in rows]


def storylines(settings: Settings, within: Within = Within(), lang: str | None = None) -> list[dict[str, Any]]:
    """Live storylines with their events (only those ``within`` keeps). With ``lang``, their entities (and so
    their labels) are named as articles in that language write them, where any does."""
    from newsweave.cluster.model import storyline_label
    from newsweave.store import event_repo

    with _store(settings) as store:
        mentioning = within.events(store)
        rows = [r for r in event_repo.list_storylines(store)
                if within.keeps(r) and (mentioning is None or mentioning.intersection(r["events"]))]
        if not lang:
            return rows
        rows = _named_in(store, rows, primary_language(lang))
    return [{**r, "label": storyline_label(r["top_entities"], r["label"])} for r in rows]


def _named_in(store: Store, rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """``rows`` (events or storylines) with their top entities named as articles in ``lang`` write them most
    often, where any does (``entity_repo.names_in``); English names otherwise."""
    from newsweave.store import entity_repo

    names = entity_repo.names_in(store, [x["id"] for r in rows for x in r["top_entities"]], lang)
    return [{**r, "top_entities": [{**x, "name": names.get(x["id"], x["name"])} for x in r["top_entities"]]}
            for r in rows]


def explain(settings: Settings, article: str) -> dict[str, Any]:
    """Why an article is in its event and storyline (signals recorded at assignment)."""
    from newsweave.store import event_repo

    with _store(settings) as store:
        found = event_repo.explanation(store, article)
        if found is None:
            from newsweave.jobs import _known_article

            _known_article(store, article)
    if found is None:
        raise NewsweaveError(f"article {article!r} is not clustered yet: run 'newsweave run' (without inputs it "
                             "analyses and clusters what is stored)")
    return found


def eval_cluster(corpus: Path, gold: Path, level: str = "event") -> dict[str, Any]:
    """BCubed P/R/F1 of streamed clustering against gold events (or topics)."""
    from newsweave.eval.cluster import evaluate_clusters

    return evaluate_clusters(corpus, gold, level)


def _store(settings: Settings) -> Any:
    """The store, opened as every job that only reads it does (``jobs.store_for``; imported here, not at the top:
    :mod:`newsweave.jobs` re-exports this module)."""
    from newsweave.jobs import store_for

    return store_for(settings, create=False)
