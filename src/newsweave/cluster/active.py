"""The clusters still open for new members, indexed for candidate search.

Only clusters inside the time window are held here: memory and the cost of
one assignment depend on the window, not on how many clusters the store holds.
Candidates come from two indexes: a matrix of mean centred vectors (one
matrix product finds the nearest clusters) and an inverted index from entity
ids to clusters.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from newsweave.cluster.model import Cluster


class ActiveSet:
    """Open clusters with a vector matrix and an entity index."""

    def __init__(self, dim: int, window_days: int, seq_window: int) -> None:
        self.window_days = window_days
        self.seq_window = seq_window
        self.clusters: dict[str, Cluster] = {}
        self._rows: dict[str, int] = {}
        self._ids: list[str] = []
        self._matrix = np.zeros((64, dim), dtype=np.float32)
        self._by_entity: dict[str, set[str]] = {}
        self._indexed: dict[str, set[str]] = {}

    def __len__(self) -> int:
        return len(self.clusters)

    def put(self, cluster: Cluster) -> None:
        """Insert or refresh a cluster after its aggregate changed."""
        if cluster.id not in self._rows:
            if len(self._ids) == len(self._matrix):
                self._matrix = np.vstack([self._matrix, np.zeros_like(self._matrix)])
            self._rows[cluster.id] = len(self._ids)
            self._ids.append(cluster.id)
        self.clusters[cluster.id] = cluster
        self._matrix[self._rows[cluster.id]] = cluster.vec_sum / max(cluster.n, 1)
        # Index only what is new since the last put (entities pruned from the cluster keep a stale,
        # harmless entry until it is dropped): a put costs the article's entities, not the cluster's.
        indexed = self._indexed.setdefault(cluster.id, set())
        for eid in cluster.entities.keys() - indexed:
            self._by_entity.setdefault(eid, set()).add(cluster.id)
            indexed.add(eid)

    def drop(self, cluster_id: str) -> Cluster | None:
        """Remove a cluster (closed or merged away); the last row moves into its place."""
        cluster = self.clusters.pop(cluster_id, None)
        if cluster is None:
            return None
        row = self._rows.pop(cluster_id)
        last = self._ids.pop()
        if last != cluster_id:
            self._ids[row] = last
            self._rows[last] = row
            self._matrix[row] = self._matrix[len(self._ids)]
        for eid in self._indexed.pop(cluster_id, set()):
            holders = self._by_entity.get(eid)
            if holders is not None:
                holders.discard(cluster_id)
                if not holders:
                    del self._by_entity[eid]
        return cluster

    def candidates(self, centred: np.ndarray, entity_ids: list[str], k: int) -> list[str]:
        """The ``k`` nearest clusters by vector, plus those sharing one of the given entities."""
        found: list[str] = []
        if self._ids:
            sims = self._matrix[: len(self._ids)] @ centred
            top = np.argsort(-sims)[:k] if len(sims) > k else np.argsort(-sims)
            found = [self._ids[i] for i in top]
        seen = set(found)
        for eid in entity_ids:
            for cid in sorted(self._by_entity.get(eid, ())):
                if cid not in seen and len(found) < 2 * k:
                    found.append(cid)
                    seen.add(cid)
        return found

    def expire(self, newest: dt.date | None, seq: int) -> list[Cluster]:
        """Close clusters outside both windows (no member in ``window_days`` of the newest date
        nor within ``seq_window`` arrivals); return them."""
        stale = []
        for cluster in self.clusters.values():
            if seq - cluster.last_seq <= self.seq_window:
                continue
            if newest is not None and cluster.last is not None and (newest - cluster.last).days <= self.window_days:
                continue
            stale.append(cluster.id)
        return [c for c in (self.drop(cid) for cid in stale) if c is not None]
