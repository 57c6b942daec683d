"""The link stage over a store: go on from the last run's linker, relink everything only when needed.

Relinking every stored mention on each run cost time in proportion to the
whole store (7 ms an article here: over ten minutes a run at 100,000
articles), and rewrote every entity and link. The :class:`~newsweave.link.Linker`
is incremental by design, and linking is in ingest order, so a run that only
adds articles ingested after everything already linked gives exactly what a
full relink would: the last run's linker is restored from its checkpoint
(``link_state``, saved in the transaction that wrote its entities), the new
articles' mentions are added in order, and only the entities they created,
grew, merged or retyped are written.

A full relink happens when there is no checkpoint or it is unreadable, when
the linker version changed, or when a linked article's mentions were replaced
(``entity_repo.replace_mentions`` drops the checkpoint then). The mentions are
read in short transactions, so another process may store an article's
mentions anew while a run links; the run's writes check each article's
"entities" mark and, if one moved, write nothing: a run going on from the
checkpoint relinks instead, and a relink starts again (``RELINK_TRIES``).

The checkpoint keeps no mentions (each is written with its entity as it is
linked; an entity's mention and article counts are counted from the links
written), only what names and finds the entities: ``bench/link_stream.py``
measures it as the store grows. It is compressed JSON (``link.state``), never a
pickle: a store must not execute what it reads back. Python's cyclic garbage
collector is paused while a run works: the linker is hundreds of thousands of
small containers and none of them cyclic garbage, but every collection walks
them all, which took most of a run's time at 100,000 articles.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import threading
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any

from newsweave.core.errors import StoreError
from newsweave.core.records import Progress
from newsweave.link.linker import Linker
from newsweave.link.model import Entity, Mention
from newsweave.link.state import from_plain, to_plain
from newsweave.store import Store, entity_repo

log = logging.getLogger(__name__)
INVALIDATES = ("search", "quotes")  # the search index holds entity names and quotes hold speaker ids
# The checkpoint holds the Linker's internals: bump this whenever they or the way it links change (as
# LINK_VERSION is bumped for what it produces), so an older checkpoint is relinked, never resumed.
# Formats up to 3 were pickles: they are relinked without being read.
CHECKPOINT_FORMAT = 5  # 5: entities keep the name form they are shown by
RELINK_TRIES = 3


class LinkRunError(StoreError):
    """The link run could not write a consistent result (the store kept changing under it)."""


@dataclass
class _Checkpoint:
    version: str
    linker: Linker
    # (ingested_at, article id) of the last article it has seen, in ingest order; an article keeps its
    # ingest time when re-ingested, so every article it has seen sorts at or before this
    last: tuple[Any, str] | None = None
    format: int = CHECKPOINT_FORMAT


@dataclass(frozen=True)
class LinkReport:
    """What one link run did: ``incremental`` when it went on from the checkpoint, how many
    ``articles`` it linked, and the older articles whose links or entity names ``changed``."""

    incremental: bool
    articles: int
    changed: list[str]


_gc_lock = threading.Lock()
_gc_pauses = [0, False]  # blocks inside gc_paused now; whether the collector was on before the first


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block, and on again after the last such block
    (in any thread) ends, if it was on before the first began."""
    with _gc_lock:
        if _gc_pauses[0] == 0:
            _gc_pauses[1] = gc.isenabled()
            gc.disable()
        _gc_pauses[0] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses[0] -= 1
            if _gc_pauses[0] == 0 and _gc_pauses[1]:
                gc.enable()


def link_store(store: Store, pending: list[str], version: str, progress: Progress | None = None) -> LinkReport:
    """Link the mentions of the ``pending`` articles (all articles on a full relink), telling ``progress``
    "link: <article>" as each is linked (a full relink at 100,000 articles takes minutes)."""
    told: set[str] = set()

    def once(message: str) -> None:  # a relink after going on failed, or retried, goes over articles again
        if message not in told:
            told.add(message)
            progress(message)  # type: ignore[misc]

    with gc_paused():
        return _link_store(store, pending, version, once if progress else None)


def _link_store(store: Store, pending: list[str], version: str, progress: Progress | None) -> LinkReport:
    # the restored linker goes with _go_on's frame before a relink builds another
    return ((_go_on_if_possible(store, pending, version, progress) if pending else None)
            or _relink(store, version, progress))


def _told(arts: Iterable[entity_repo.ArticleMentions], progress: Progress | None
          ) -> Iterator[entity_repo.ArticleMentions]:
    for art in arts:
        yield art
        if progress:
            progress(f"link: {art.article_id}")


def _go_on_if_possible(store: Store, pending: list[str], version: str,
                       progress: Progress | None) -> LinkReport | None:
    raw = entity_repo.load_link_state(store)
    cp = _load(raw, version)
    if cp is None or raw is None:
        return None
    # streamed, as a relink's: a batch of 100,000 new articles holds millions of mention rows
    arts = entity_repo.iter_mentions(store, pending)
    first = next(arts, None)
    if first is None or not _follows(cp, first):
        return None
    try:
        return _go_on(store, cp, _told(chain([first], arts), progress), hashlib.sha256(raw).digest())
    except entity_repo.StaleLinkState:
        return None  # another process changed linked mentions meanwhile: relink from the mentions
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
        # a checkpoint that passed every check and still fails: relinking replaces it, where going on
        # would fail again on every run (a fault in the linker itself fails the relink too, and shows)
        log.warning("the linker checkpoint failed (%r): relinking every stored mention", exc)
        return None


def _follows(cp: _Checkpoint, first: entity_repo.ArticleMentions) -> bool:
    """Whether the first of the articles (in ingest order), and so all, come after the checkpoint's last
    one, so none is one it has seen."""
    try:
        return cp.last is not None and (first.ingested_at, first.article_id) > cp.last
    except TypeError:  # a time with a zone against one without: not a marker this store wrote
        return False


def mentions_of(art: entity_repo.ArticleMentions) -> list[Mention]:
    """A stored article's mentions (``entity_repo.iter_mentions``) as the linker takes them."""
    return [Mention(art.article_id, r.text, r.type, r.lang, r.start_char, r.end_char) for r in art.rows]


def _entity_row(ent: Entity) -> dict[str, Any]:
    """An ``entities`` row; its counts are taken from the written links (``entity_repo``)."""
    return {"id": ent.id, "name": ent.name, "type": ent.type, "languages": ent.languages, "aliases": ent.aliases}


@dataclass
class _Linked:
    links: list[tuple[str, int, str]]  # (article, mention index, final entity id)
    last: tuple[Any, str] | None  # (ingested_at, id) of the last article
    articles: int
    recognised: dict[str, Any]  # article -> when its mentions were stored, checked again when writing


def _add(linker: Linker, arts: Iterable[entity_repo.ArticleMentions]) -> _Linked:
    """Add the articles in order, one at a time (they may stream): each mention's final entity id (a
    later article may merge it) and where the run ended."""
    links: list[tuple[str, int, str]] = []
    recognised: dict[str, Any] = {}
    last = None
    for art in arts:
        links.extend((art.article_id, r.idx, eid) for r, (_, eid) in zip(art.rows, linker.add(mentions_of(art))))
        last, recognised[art.article_id] = (art.ingested_at, art.article_id), art.recognised
    for k, (a, i, e) in enumerate(links):  # in place: at 100,000 articles there are millions
        links[k] = (a, i, linker.resolve(e))
    return _Linked(links, last, len(recognised), recognised)


def _relink(store: Store, version: str, progress: Progress | None = None) -> LinkReport:
    """Link every stored mention anew; again, from the start, when another process stores some article's
    mentions anew meanwhile (at most ``RELINK_TRIES`` times)."""
    for attempt in range(1, RELINK_TRIES + 1):
        try:
            return _relink_once(store, version, progress)
        except entity_repo.StaleLinkState as exc:
            if attempt == RELINK_TRIES:
                raise LinkRunError(f"{exc} on each of {RELINK_TRIES} tries: nothing was written; run again when "
                                   "no other process is analysing this store") from exc
            log.warning("%s: relinking again", exc)
    raise AssertionError("unreachable")


def _relink_once(store: Store, version: str, progress: Progress | None) -> LinkReport:
    linker = Linker(keep_mentions=False)
    done = _add(linker, _told(entity_repo.iter_mentions(store), progress))
    linker.take_touched()
    entities = linker.entities()
    linker.drop_unmatchable()
    cp = _Checkpoint(version, linker, last=done.last)
    changed = entity_repo.replace_entities(store, [_entity_row(e) for e in entities], done.links,
                                           version, invalidate=INVALIDATES, state=_dump(cp),
                                           recognised=done.recognised)
    return LinkReport(False, done.articles, changed)


def _go_on(store: Store, cp: _Checkpoint, arts: Iterable[entity_repo.ArticleMentions], loaded: bytes) -> LinkReport:
    linker = cp.linker
    done = _add(linker, arts)
    touched = linker.take_touched()
    live = sorted(i for i in touched if linker.has(i))
    moved = {i: linker.resolve(i) for i in touched if not linker.has(i)}
    cp.last = done.last
    entities = [_entity_row(linker.entity(i)) for i in live]
    linker.drop_unmatchable()
    changed = entity_repo.update_entities(store, entities, moved, done.links, cp.version,
                                          INVALIDATES, _dump(cp), loaded, done.recognised)
    return LinkReport(True, done.articles, changed)


def _dump(cp: _Checkpoint) -> bytes:
    last = None if cp.last is None else [cp.last[0].isoformat(), cp.last[1]]
    data = {"format": cp.format, "version": cp.version, "last": last, "linker": to_plain(cp.linker)}
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), 1)


def _load(raw: bytes | None, version: str) -> _Checkpoint | None:
    """The checkpoint, or None when there is none or it is not one this code wrote for ``version``."""
    if raw is None:
        return None
    try:
        data = json.loads(zlib.decompress(raw))
        if data["format"] != CHECKPOINT_FORMAT or data["version"] != version:
            return None
        last = None if data["last"] is None else (datetime.fromisoformat(data["last"][0]), str(data["last"][1]))
        linker = from_plain(data["linker"])
    except (ValueError, TypeError, KeyError, IndexError, RecursionError, zlib.error):
        return None  # an older pickle, or damaged: relink
    # the stage's linker keeps no mentions: one that does would grow with every run
    return _Checkpoint(version, linker, last) if linker._assigned is None else None
