"""Cross-lingual hybrid search: a full-text index fused with the encoder's vectors.

* ``create_search_tables(conn)``: the index tables (SQLite FTS5 or PostgreSQL GIN), idempotent.
* ``pending_for_index(store)`` / ``index_articles(store, ids)``: the ``search`` pipeline stage.
* ``search(store, query, ...)``: ranked ``Hit``s with their best passage (full text,
  lead vectors and the word bridge fused by rank; see ``query.py``).
* ``resolve_entity(store, name)``: the entity ids a name or id denotes (the entity filter).
"""

from newsweave.search.filters import resolve_entity
from newsweave.search.index import (
    INDEX_VERSION,
    STAGE,
    create_search_tables,
    index_articles,
    pending_for_index,
    prune_index,
)
from newsweave.search.query import Hit, fuse, search

__all__ = [
    "INDEX_VERSION", "STAGE", "Hit", "create_search_tables", "fuse", "index_articles", "pending_for_index",
    "prune_index", "resolve_entity", "search",
]
