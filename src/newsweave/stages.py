"""Analysis stages over stored articles, each redone only where its output is missing or stale.

A stage names its component version; ``article_stages`` (or, for vectors, the
encoder id) records which version made each output, so upgrading one component
re-runs that stage alone. ``jobs.analyse`` runs them in this order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from newsweave.analyse import text as text_stage
from newsweave.analyse.time import classify_role, tag_times
from newsweave.analyse.time.dateline import dateline_date
from newsweave.core.config import ANALYSE_CHARS  # dates, entities and quotes read that prefix
from newsweave.core.errors import describe
from newsweave.core.records import AnalysedText, Progress
from newsweave.core.parallel import map_articles
from newsweave.store import Store
from newsweave.store import entity_repo
from newsweave.store.changes import Seen, seen_as
from newsweave.store.furniture_repo import holders_to_reread, reread_holders

TIME_VERSION = "time-cldr@6"  # @2: days and months named without a year, no anchor: "XXXX-12-09"; @3: furniture
# skipped; @4: Greek ordinals ("τρίτη φορά") are not weekdays; @5: no offset counted from PRESENT_REF, a quarter or
# a decade ("now ... a year earlier" failed the stage); @6: no value past years 1-9999 (yesterday of 0001-01-01
# failed it)
# The readers of text (dates, entities, quotes) skip page furniture (``analyse.furniture``): their outputs made
# before that are redone once.
FURNITURE_READ = "+furniture"
LINK_VERSION = "link-translit-gazetteer@9"  # @3: a named entity is retyped only on a 2:1 lead; @4: demonyms name their
# country; @5: a person's name spelled another way in another language is one person (Gheddafi, Kadhafi, Gadafi);
# @6: a bare surname several people bear names the one its article's other names point to (``Linker._bearer``);
# @7: and within an article, the one named in full twice as often as any other there (``article.LEAD``);
# @8: a spelling variant in a language that already writes the person another way, or a name with the Arabic
# article inside, joins by context (``_variant``); @9: a family name tagged a place joins the person its article
# names in full ("Mubarak" LOC beside "Hosni Mubarak")

# What each stage's output depends on, besides the text's analysis: its save checks these are still as read
# (``store.changes``), or the article was re-ingested or re-dated meanwhile and stays pending.
TEXT_READ = ("content_hash",)
TIME_READ = ("content_hash", "published")  # the date anchors "yesterday"
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Failure:
    """What a component raised on one article, as text: it may come back from a worker process."""

    error: str


@dataclass(frozen=True)
class StageFailure:
    """One article a stage could not process (``Store.mark_failed`` records it; the next run tries it again)."""

    stage: str
    article_id: str
    error: str

    def __str__(self) -> str:
        return (f"article {self.article_id}: the {self.stage} stage failed ({self.error}); the other articles and "
                "stages went on, and this one is tried again on the next run")

    def as_dict(self) -> dict[str, str]:
        return {"stage": self.stage, "article": self.article_id, "error": self.error}


def isolated(fn: Callable[[T], R], item: T) -> R | Failure:
    """``fn(item)``, or the ``Failure`` it raised. A component's bug on one article must not stop a stage for all
    the others: TimeBank's wsj_1011 ("... now, ... a year earlier") once ended every run in the time stage, and
    the articles after it in the batch never got their dates. Ctrl-C (not an ``Exception``) still ends the run."""
    try:
        return fn(item)
    except Exception as exc:  # noqa: BLE001 - whatever the component raised is reported with the article
        return Failure(describe(exc))


def _settled(store: Store, stage: str, version: str, results: dict[str, R | Failure], seen: Seen,
             save: Callable[[str, R, Mapping[str, Any]], object]) -> list[StageFailure]:
    """``save`` each article's result (with what the stage read of it, ``seen``: a save skips an article
    changed since, ``store.changes``); record each ``Failure`` (``Store.mark_failed``) and return them."""
    failed = []
    for article_id, result in results.items():
        if isinstance(result, Failure):
            if store.mark_failed(article_id, stage, version, seen=seen[article_id]):  # else: old text, not told
                failed.append(StageFailure(stage, article_id, result.error))
        else:
            save(article_id, result, seen[article_id])
    return failed


@dataclass(frozen=True)
class Stage:
    """One analysis step: what is pending, and how to process a batch of article ids.

    The component version lives in ``pending``: it is what decides which
    outputs are stale.
    """

    name: str
    pending: Callable[[Store], list[str]]
    # (store, ids), and the progress callback when ``tells``; the articles it could not process, if it runs a
    # component article by article
    run: Callable[..., list[StageFailure] | None]
    whole_store: bool = False  # run once over all pending ids, not in batches
    # ``run`` tells a progress callback of each article as it goes (its one call over the store can take
    # minutes); the others' articles are told when each batch is done
    tells: bool = False


def _furniture_pending(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return holders_to_reread(conn)


def _furniture_run(store: Store, ids: list[str]) -> None:
    """Have the articles that held a line before it was found to be page furniture read again by the stages
    below (``furniture_repo.reread_holders``): in its own transaction, not the ingest's."""
    with store.engine.begin() as conn:
        reread_holders(conn)


def _text_run(store: Store, ids: list[str]) -> list[StageFailure]:
    articles = store.articles_for_analysis(ids)  # furniture blanked, as every reader of text gets it
    results = {aid: isolated(_analysed_text, art) for aid, art in articles.items()}
    return _settled(store, text_stage.STAGE, text_stage.VERSION, results, seen_as(articles, TEXT_READ),
                    lambda aid, analysed, seen: store.replace_text_analysis(aid, analysed, text_stage.VERSION, seen))


def _analysed_text(art: dict) -> AnalysedText:
    return text_stage.analyse_text(art["text"], declared=art["lang_declared"])


def _as_date(published: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def _time_rows(art: dict) -> tuple[list[dict], tuple[str, str] | None]:
    """One article's time expressions with their roles, and the dateline date if it had to be used."""
    anchor = _as_date(art["published"])
    found = None
    if anchor is None and (stamp := dateline_date(art["text"], art["lang"])):
        found, anchor = (stamp, "dateline"), _as_date(stamp)
    rows = [
        {"start_char": e.start, "end_char": e.end, "text": e.text, "value": e.value,
         "granularity": e.granularity, "kind": e.kind,
         "role": classify_role(art["text"], e, art["sentences"], anchor)}
        for e in tag_times(art["text"], art["lang"], anchor)
    ]
    return rows, found


def _time_run(store: Store, ids: list[str]) -> list[StageFailure]:
    """Tag and resolve time expressions; date an undated article from its dateline first."""
    parts = _analysed_parts(store, ids)
    return _settled(store, "time", TIME_VERSION, _map_parts(_time_rows, parts), seen_as(parts, TIME_READ),
                    lambda aid, found, seen: store.replace_time_exprs(aid, found[0], TIME_VERSION, found[1], seen))


def _map_parts(fn: Callable[[T], R], parts: dict[str, dict], jobs: dict[str, T] | None = None
               ) -> dict[str, R | Failure]:
    """``fn`` over each article's job (by default its part, as ``_analysed_parts`` gives it), in worker
    processes when the batch is big enough (``core.parallel``, which spreads the parts' lengths); what it
    raises comes back as a ``Failure`` in that article's place (``isolated``)."""
    todo = list(parts.values()) if jobs is None else [jobs[aid] for aid in parts]
    results = map_articles(partial(isolated, fn), todo, [len(p["text"]) for p in parts.values()])
    return dict(zip(parts, results))


def _analysed_parts(store: Store, ids: list[str]) -> dict[str, dict]:
    """The stored articles of ``ids``, in order, each cut to what the stages read (``analysed_part``); an id
    no longer stored is left out."""
    articles = store.articles_for_analysis(ids)
    return {i: analysed_part(articles[i]) for i in ids if i in articles}


def analysed_part(art: dict) -> dict:
    """``art`` (as ``Store.articles_for_analysis`` gives it) cut to ``ANALYSE_CHARS``, at a sentence end."""
    if len(art["text"]) <= ANALYSE_CHARS:
        return art
    sentences = [s for s in art["sentences"] if s[1] <= ANALYSE_CHARS]
    end = sentences[-1][1] if sentences else art["text"].rfind(" ", 0, ANALYSE_CHARS) + 1 or ANALYSE_CHARS
    return {**art, "text": art["text"][:end], "sentences": sentences}


def _entity_rows(art: dict) -> list[dict]:
    """One article's PER/ORG/LOC/MISC mentions as rows."""
    from newsweave.analyse.entities import get_recogniser

    return [{"start_char": e.start, "end_char": e.end, "text": e.text, "type": e.type, "lang": art["lang"]}
            for e in get_recogniser().recognise(art["text"], art["lang"])
            if any(ch.isalnum() for ch in e.text)]  # punctuation-only spans are recogniser noise


def _entities_run(store: Store, ids: list[str]) -> list[StageFailure]:
    """Recognise PER/ORG/LOC/MISC mentions in each article."""
    from newsweave.analyse.entities import get_recogniser

    get_recogniser()  # loaded here, so forked workers inherit it
    version = _entities_version()
    parts = _analysed_parts(store, ids)
    return _settled(store, "entities", version, _map_parts(_entity_rows, parts), seen_as(parts, TEXT_READ),
                    lambda aid, rows, seen: entity_repo.replace_mentions(store, aid, rows, version, seen))


def _entities_version() -> str:
    from newsweave.analyse.entities import get_recogniser

    return get_recogniser().name + FURNITURE_READ


def _link_run(store: Store, ids: list[str], progress: Progress | None = None) -> None:
    """Link the new articles' mentions on from the last run (newsweave.link.incremental); entity ids
    derive from canonical keys, so they stay put."""
    from newsweave.link.incremental import link_store

    link_store(store, ids, LINK_VERSION, progress)


EMBED_CHARS = 800  # the lead: 3x cheaper than the full text and as good for events (bench/encoder_throughput.py)


def embed_id() -> str:
    """The id this process's lead vectors are stored and clustered under: ``<encoder id>+lead<chars>``."""
    from newsweave.analyse.encoder import resolve

    return f"{resolve()}+lead{EMBED_CHARS}"  # the id alone: no need to load the model


def _embed_run(store: Store, ids: list[str]) -> None:
    """One vector per distinct content, from its lead, stored under the encoder's id."""
    from newsweave.analyse.encoder import get_encoder

    rows = store.article_leads(ids, EMBED_CHARS)  # (id, content hash, lead): hashes are unique per article
    if rows:
        vectors = get_encoder().encode_passages([lead for _, _, lead in rows])
        store.put_vectors(embed_id(), [(h, v) for (_, h, _), v in zip(rows, vectors)])


QUOTES_VERSION = "quotes-rules@2" + FURNITURE_READ  # @2: a quotation inside its own speaker's reported clause goes


def _quote_rows(job: tuple[dict, list]) -> list[dict]:
    """One article's quotations as rows, given its linked entity mentions."""
    from newsweave.analyse.quotes import extract_quotes

    art, speakers = job
    return [{"start_char": q.start, "end_char": q.end, "text": q.text, "kind": q.kind,
             "speaker_text": q.speaker_text, "speaker_start": q.speaker_start, "speaker_end": q.speaker_end,
             "speaker_entity": q.speaker_entity, "speaker_name": q.speaker_name,
             "speaker_kind": q.speaker_kind, "verb": q.verb}
            for q in extract_quotes(art["text"], art["lang"], art["sentences"], speakers)]


def _quotes_run(store: Store, ids: list[str]) -> list[StageFailure]:
    """Direct and indirect quotations with their speakers resolved to canonical entities."""
    from newsweave.analyse.quotes import SpeakerMention
    from newsweave.store import reader_repo

    mentions = reader_repo.linked_mentions(store, ids)
    parts = _analysed_parts(store, ids)
    jobs = {i: (art, [SpeakerMention(*m) for m in mentions[i] if m[1] <= len(art["text"])])
            for i, art in parts.items()}
    return _settled(store, "quotes", QUOTES_VERSION, _map_parts(_quote_rows, parts, jobs), seen_as(parts, TEXT_READ),
                    lambda aid, rows, seen: reader_repo.replace_quotes(store, aid, rows, QUOTES_VERSION, seen))


def _search_pending(store: Store) -> list[str]:
    from newsweave.search import pending_for_index

    return pending_for_index(store)


def _search_run(store: Store, ids: list[str]) -> None:
    """Full-text index (FTS5 / PostgreSQL tsvector) over title, text and entity names."""
    from newsweave.search import index_articles

    index_articles(store, ids)


def _cluster_run(store: Store, ids: list[str], progress: Progress | None = None) -> None:
    """Place every unassigned article in an event and storyline, in arrival order."""
    from newsweave.cluster.stream import cluster_pending

    cluster_pending(store, embed_id(), progress)


def _cluster_pending(store: Store) -> list[str]:
    from newsweave.cluster.stream import pending

    return pending(store, embed_id())


def per_article_stage(name: str, version: str, run: Callable[[Store, list[str]], list[StageFailure]]) -> Stage:
    """A stage whose progress is tracked in ``article_stages``."""
    return Stage(name, lambda store: store.stale_articles(name, version), run)


STAGES: list[Stage] = [
    # First: it marks the stages below to be redone for the articles whose page furniture was found since.
    Stage("furniture", _furniture_pending, _furniture_run, whole_store=True),
    per_article_stage(text_stage.STAGE, text_stage.VERSION, _text_run),
    per_article_stage("time", TIME_VERSION, _time_run),
    Stage("entities", lambda store: store.stale_articles("entities", _entities_version()), _entities_run),
    Stage("embed", lambda store: [aid for aid, _ in store.articles_without_vector(embed_id())], _embed_run),
    Stage("link", lambda store: entity_repo.articles_to_link(store, LINK_VERSION), _link_run,
          whole_store=True, tells=True),
    # After link: search, quotes and clustering read canonical entity ids.
    Stage("search", _search_pending, _search_run),
    per_article_stage("quotes", QUOTES_VERSION, _quotes_run),
    Stage("cluster", _cluster_pending, _cluster_run, whole_store=True, tells=True),
]
