"""Storage: SQLite (embedded default) or PostgreSQL through SQLAlchemy 2 Core."""

from newsweave.store.repository import Store, open_store

__all__ = ["Store", "open_store"]
