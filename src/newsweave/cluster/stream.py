"""Run the online clusterer over a store's unassigned articles, batch by batch.

The clusterer's state (language means, document frequencies, open clusters)
is saved with each batch, so the next run resumes where this one stopped and
closed clusters cost no memory.
"""

from __future__ import annotations

import json

import numpy as np

from newsweave.cluster.model import Cluster
from newsweave.cluster.online import Decision, Heritage, Level, OnlineClusterer, kept_alone
from newsweave.cluster.persist import state_from_blobs, state_to_blobs
from newsweave.cluster.signals import ArticleSignals
from newsweave.core.records import Progress
from newsweave.store import Store
from newsweave.store import event_repo
from newsweave.store import schema as t
from newsweave.store.cluster_repo import load_signals

CLUSTERER = "online-avglink-logit@1"
BATCH = 500
# States saved before the encoder was recorded were all made with the then only encoder.
LEGACY_ENCODER = "e5-small-q4-numpy@1+lead800"


def resume(store: Store, dim: int, encoder: str) -> OnlineClusterer:
    """A clusterer holding the store's saved state, or a fresh one seeded with the background."""
    clusterer = OnlineClusterer(dim, encoder=encoder)
    saved = event_repo.load_state(store)
    if saved is None:
        return clusterer
    blobs, events, storylines = saved
    background = (clusterer.df.bg_counts, clusterer.df.bg_docs) if clusterer.df.bg_counts is not None else None
    clusterer.centring, clusterer.df, clusterer.seq, clusterer.newest = state_from_blobs(blobs)
    clusterer.df.set_background(background)
    for cluster in events:
        clusterer.events.active.put(cluster)
    for cluster in storylines:
        clusterer.storylines.active.put(cluster)
    _recall_lone(store, clusterer, encoder)
    return clusterer


def _recall_lone(store: Store, clusterer: OnlineClusterer, encoder: str) -> None:
    """Give the resumed clusterer the articles of its open lone events, as a run that never stopped holds them
    (``OnlineClusterer._adopt``): how the stream was cut into runs must not change where articles end up."""
    founders = {eid: aid for eid, aid in event_repo.lone_founders(store).items()
                if eid in clusterer.events.active.clusters}
    by_article = {a.id: kept_alone(a) for chunk in t.chunks(sorted(set(founders.values())), BATCH)
                  for a in load_signals(store, chunk, encoder)}
    clusterer.lone = {eid: by_article[aid] for eid, aid in founders.items() if aid in by_article}


def cluster_pending(store: Store, encoder: str, progress: Progress | None = None) -> int:
    """Assign every unassigned article (with a vector) to an event and storyline; return how many.

    A saved state made from another encoder's vectors (the encoder was switched)
    is not resumed: everything is clustered again with the current vectors
    (:func:`recluster`; ids mostly stay, moves are logged). So is a state marked
    ``schema.STALE_KEY`` because a clustered article's text, date or title
    changed: its events' running sums still hold what it was, and only a
    re-cluster takes it out.
    """
    if _needs_recluster(store, encoder):
        return recluster(store, encoder, progress)["assigned"]
    return _place_pending(store, encoder, progress)[0]


def _place_pending(store: Store, encoder: str, progress: Progress | None
                   ) -> tuple[int, dict[str, int] | None]:
    """The online pass over unassigned articles, flushed batch by batch: how many, and the redirects of a
    re-cluster (this one, or one a crash interrupted) recorded once nothing is left to place."""
    pending = event_repo.pending_articles(store, encoder)
    clusterer = None
    for i in range(0, len(pending), BATCH):
        batch = load_signals(store, pending[i : i + BATCH], encoder)
        if not batch:
            continue
        if clusterer is None:
            clusterer = resume(store, len(batch[0].vector), encoder)
            inherited = event_repo.heritage(store)
            if inherited is not None:  # a re-cluster: new clusters take the old ids of their founders
                clusterer.heritage = Heritage(**inherited)
                _still_fitting(store, clusterer, clusterer.heritage, encoder)
        _recall_originals(store, clusterer, batch)
        assignments, founders = [], {}
        for art in batch:
            event, story = clusterer.assign(art)
            if event.created:
                founders[event.cluster] = art.id
            if story.created:
                founders[story.cluster] = art.id
            assignments.append(_assignment(art.id, clusterer.seq, event, story))
            if progress:
                progress(f"cluster: {art.id} -> {event.cluster}")
        _flush(store, clusterer, assignments, founders, encoder, {art.id: art.seen for art in batch})
    return len(pending), event_repo.finish_recluster(store)


_FIT_SAMPLE = 100  # an edited founder is scored against at most this many of its old cluster's other reports


def _still_fitting(store: Store, clusterer: OnlineClusterer, heritage: Heritage, encoder: str) -> None:
    """Mark (``Heritage.kept``) the edited articles whose new text still fits the other reports of the event or
    storyline they founded, scored as the clusterer scores an article joining a cluster: those found it again
    under its id. A cluster with no other report stays with its founder."""
    for index, level in enumerate((clusterer.events, clusterer.storylines)):
        fitting = heritage.kept.setdefault(index, set())
        founded = {old: aid for aid in heritage.edited
                   if (old := heritage.before.get(aid, (None, None))[index]) and heritage.founder(level, old, aid) == aid}
        others: dict[str, list[str]] = {old: [] for old in founded}  # one pass over the memberships, not one per edit
        for a, ids in heritage.before.items():
            if ids[index] in others and a not in heritage.edited:
                others[ids[index]].append(a)
        for old, aid in sorted(founded.items(), key=lambda kv: kv[1]):
            mine = sorted(others[old])
            found = {s.id: s for s in load_signals(store, [aid, *mine[:_FIT_SAMPLE]], encoder)}
            members = [found[a] for a in mine if a in found]
            if aid in found and (not members or _fits(clusterer, level, found[aid], members)):
                fitting.add(aid)


def _fits(clusterer: OnlineClusterer, level: Level, art: ArticleSignals, members: list[ArticleSignals]) -> bool:
    cluster = Cluster("", np.zeros(level.dim, dtype=np.float32))
    for m in members:
        cluster.add(m, clusterer.centring.centre(m.vector, m.lang), 0)
    return clusterer.joins(level, art, cluster) is not None


def _recall_originals(store: Store, clusterer: OnlineClusterer, batch: list[ArticleSignals]) -> None:
    """Tell the clusterer where the originals of the batch's near-duplicates were placed in earlier runs: it
    remembers only its own, and a copy must follow its original however the stream was split into runs."""
    wanted = [a.duplicate_of for a in batch if a.duplicate_of and a.duplicate_of not in clusterer.article_event]
    if wanted:
        clusterer.recall({aid: event for aid, (event, _) in event_repo.memberships(store, wanted).items()})


def pending(store: Store, encoder: str) -> list[str]:
    """What the cluster stage must place: unassigned articles, or every one when the store
    must be re-clustered (see :func:`cluster_pending`)."""
    unassigned = event_repo.pending_articles(store, encoder)
    if _needs_recluster(store, encoder) or (not unassigned and event_repo.recluster_under_way(store)):
        # everything, so that the stage runs: a re-cluster to do, or one whose redirects a crash left unrecorded
        return sorted(event_repo.memberships(store)) + unassigned
    return unassigned


def _needs_recluster(store: Store, encoder: str) -> bool:
    """A clustered article changed (``STALE_KEY``), or the saved state holds another encoder's vectors."""
    blobs = event_repo.state_values(store, ("meta", "encoder", t.STALE_KEY))
    if t.STALE_KEY in blobs:
        return True
    if "meta" not in blobs:  # nothing clustered yet
        return False
    return (blobs["encoder"].decode("utf-8") if "encoder" in blobs else LEGACY_ENCODER) != encoder


def _assignment(article_id: str, seq: int, event: Decision, story: Decision) -> dict[str, object]:
    explanation = {"event": event.explain(), "storyline": story.explain()}
    return {"article_id": article_id, "event_id": event.cluster, "seq": seq, "probability": round(event.probability, 4),
            "explanation": json.dumps(explanation, ensure_ascii=False), "clusterer": CLUSTERER}


def _flush(store: Store, clusterer: OnlineClusterer, assignments: list[dict[str, object]],
           founders: dict[str, str], encoder: str, seen: dict[str, dict[str, object]]) -> None:
    """Persist what the batch changed, then forget closed clusters and the batch's merges. ``seen``: what
    the batch's signals were made from, by article (``save_batch`` checks it)."""
    touched = clusterer.touched
    events = [c for cid, c in clusterer.events.active.clusters.items() if cid in touched]
    stories = [c for cid, c in clusterer.storylines.active.clusters.items() if cid in touched]
    closed_events = [c for c in clusterer.closed if c.id.startswith("ev-")]
    closed_stories = [c for c in clusterer.closed if c.id.startswith("st-")]
    # A cluster may close in the same batch that changed it: write its aggregate first, then close it.
    events += [c for c in closed_events if c.id in touched]
    stories += [c for c in closed_stories if c.id in touched]
    blobs = state_to_blobs(clusterer.centring, clusterer.df, clusterer.seq, clusterer.newest)
    blobs["encoder"] = encoder.encode("utf-8")  # whose vectors the means and cluster sums are made of
    event_repo.save_batch(store, blobs, events, stories,
                          {"event": [c.id for c in closed_events], "storyline": [c.id for c in closed_stories]},
                          assignments, clusterer.merges, founders, seen)
    clusterer.touched.clear()
    clusterer.closed.clear()
    clusterer.merges.clear()


def recluster(store: Store, encoder: str, progress: Progress | None = None) -> dict[str, int]:
    """Cluster every article again from scratch (after a settings or model change).

    Ids still derive from founding articles, so most events keep theirs. An old
    event that no longer exists resolves to the new event holding most of its
    articles (logged as ``recluster``); one whose articles now sit in several
    events is logged as a ``split`` towards each.
    """
    event_repo.clear(store, keep_memberships=True)  # kept until the redirects are recorded, even across a crash
    assigned, moved = _place_pending(store, encoder, progress)
    return {"assigned": assigned, **(moved or {"redirected": 0, "splits": 0})}
