"""Length-preserving text folding: lower case, no accents, unified punctuation.

Patterns are matched on the folded text so "ΤΡΙΤΗ", "Τρίτη" and "τρίτη" all
match one lexicon entry; because folding maps every character to exactly one
character, match offsets on the folded text are offsets in the original.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_PUNCT = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",
    # Greek final sigma: str.lower() only yields it in context, per character it never does.
    "\u03c2": "\u03c3",
}


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """Fold one character to exactly one character."""
    if ch in _PUNCT:
        return _PUNCT[ch]
    base = unicodedata.normalize("NFD", ch)
    stripped = "".join(c for c in base if not unicodedata.combining(c)) or ch
    if len(stripped) != 1:
        stripped = ch
    low = stripped.lower()
    out = low if len(low) == 1 else stripped
    return _PUNCT.get(out, out)


def fold(text: str) -> str:
    """Fold ``text`` character by character; the result has the same length."""
    return text.translate({ord(c): fold_char(c) for c in set(text)})
