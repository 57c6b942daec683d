"""Errors that reach the user: each names where the problem is."""

from __future__ import annotations


def describe(exc: BaseException) -> str:
    """What a library or component raised, for a message that wraps it: "ValueError: bad month", or the type
    alone where it says nothing more (lxml's bare AssertionError)."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class NewsweaveError(Exception):
    """Base class for errors newsweave reports to the user."""


class ConfigError(NewsweaveError):
    """A setting is missing or invalid."""


class NotFoundError(NewsweaveError):
    """An id or name the user gave (article, event, storyline, entity) is not in the store."""


class StoreError(NewsweaveError):
    """The store cannot be opened, migrated or written."""


class InputError(NewsweaveError):
    """One input (file, line, URL) cannot be ingested.

    ``source`` names the file or URL and ``line`` the 1-based line where it
    applies (JSONL), so the message points the user at the exact place.
    """

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "line": self.line, "error": self.message}
