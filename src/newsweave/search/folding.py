"""Accent and case folding shared by the index, the queries and the passages."""

from __future__ import annotations

import unicodedata

from newsweave.core.marks import strip_marks


def fold(s: str) -> str:
    """Lowercase without diacritics (Greek tonos, Latin accents), as SQLite's ``remove_diacritics 2`` folds.

    ``str.lower`` rather than ``casefold``: the FTS5 tokenizer keeps a final ς
    and ß as they are, and the query must fold as the index did.
    """
    return unicodedata.normalize("NFC", strip_marks(s.lower(), "NFKD"))
