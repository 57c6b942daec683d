"""Diacritic removal, the one step every accent fold in newsweave shares.

The folds around it differ on purpose (the search index must fold exactly as
SQLite's FTS5 does, the time tagger keeps every character's offset, the linker
spells ß as ss), so each keeps its own wrapper; this is the common core.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

# Combining marks are never ASCII: only the non-ASCII runs of a decomposed text are
# walked character by character (in Italian or French text that is a few letters a word).
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _drop_combining(run: re.Match[str]) -> str:
    return "".join(c for c in run.group() if not unicodedata.combining(c))


def strip_marks(text: str, form: Literal["NFD", "NFKD"] = "NFD") -> str:
    """``text`` decomposed (``form``) with its combining marks dropped: "Μόσχα" -> "Μοσχα", "é" -> "e".

    ``NFKD`` also unfolds compatibility characters (ligatures, full-width forms,
    superscripts); ``NFD`` keeps them.
    """
    if text.isascii():  # nothing to decompose: most words, and all-English text
        return text
    return _NON_ASCII.sub(_drop_combining, unicodedata.normalize(form, text))
