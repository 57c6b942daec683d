"""Diacritic removal, the one step every accent fold in newsweave shares.

The folds around it differ on purpose (the search index must fold exactly as
SQLite's FTS5 does, the time tagger keeps every character's offset, the linker
spells ß as ss), so each keeps its own wrapper; this is the common core.
"""

from __future__ import annotations

import unicodedata
from typing import Literal


def strip_marks(text: str, form: Literal["NFD", "NFKD"] = "NFD") -> str:
    """``text`` decomposed (``form``) with its combining marks dropped: "Μόσχα" -> "Μοσχα", "é" -> "e".

    ``NFKD`` also unfolds compatibility characters (ligatures, full-width forms,
    superscripts); ``NFD`` keeps them.
    """
    return "".join(c for c in unicodedata.normalize(form, text) if not unicodedata.combining(c))
