"""What a single token looks like: accent-free form, shape and script.

A leaf module (no newsweave imports), shared by the feature extractor, the
word classes, the gazetteer and the span repairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newsweave.core.marks import strip_marks


def fold(word: str) -> str:
    """Lower-case, accent-free form; Greek final sigma folds to sigma.

    "Μόσχα" -> "μοσχα", "Città" -> "citta", "ΑΘΗΝΑΣ" -> "αθηνασ".
    """
    low = word.lower()
    if low.isascii():
        return low
    return strip_marks(low).replace("ς", "σ").replace("’", "'")


def shape(word: str) -> str:
    """Collapsed word shape: "Kim" -> "Xx", "COVID-19" -> "X-d", "dell'" -> "x'"."""
    out: list[str] = []
    for ch in word:
        if ch.isalpha():
            c = "X" if ch.isupper() else "x"
        elif ch.isdigit():
            c = "d"
        else:
            c = ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out[:6])


def cased(ch: str) -> bool:
    """Whether ``ch`` belongs to a script with upper and lower case."""
    return ch.lower() != ch.upper()


def cased_script(text: str) -> bool:
    """True when most letters (of the first 2,000 characters) belong to a script with letter case."""
    cased_n = uncased_n = 0
    for ch in text[:2000]:
        if ch.isalpha():
            if cased(ch):
                cased_n += 1
            else:
                uncased_n += 1
    return cased_n >= uncased_n


def main_script(tokens: Sequence[str]) -> str:
    """The script most words of a sentence are written in ("la", "gr", "ot", "-" for none)."""
    return majority_script(script(t) for t in tokens)


def majority_script(scripts: Iterable[str]) -> str:
    """The most frequent of ``scripts`` ignoring "-" (the first seen wins a tie); "-" if none."""
    counts: dict[str, int] = {}
    for sc in scripts:
        if sc != "-":
            counts[sc] = counts.get(sc, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else "-"


def script(word: str) -> str:
    for ch in word:
        if ch.isalpha():
            if "\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff":
                return "gr"
            if ch.isascii() or "\u00c0" <= ch <= "\u024f":
                return "la"
            return "ot"
    return "-"
