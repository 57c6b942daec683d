"""Translation slot: optional machine translation of short texts into the reader's language.

Nothing depends on a translator being present (DESIGN.md: there is none offline
for Greek; Apertium gives an Italian to English gist where its Debian packages
are installed). Products call ``translate`` and fall back to their own
rendering when it answers ``None``.

* ``none`` (default): always ``None``.
* ``apertium``: the ``apertium`` command-line tool with whatever language pairs
  are installed (``apt-get install apertium apertium-spa-ita apertium-eng-spa``
  gives ita->spa->eng); a pair that is missing gives ``None``.

Stronger backends (argos, NLLB, an OpenAI-compatible endpoint) plug in by
registering a factory under a new name with ``register``.

    >>> from newsweave.translate import get_translator
    >>> get_translator().translate(["Ciao"], "it", "en") is None
    True
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Protocol, runtime_checkable

DEFAULT = "none"


@runtime_checkable
class Translator(Protocol):
    """Translates texts between languages given as ISO 639-1 codes ("it", "el", "en")."""

    name: str  # recorded with every product that used it, e.g. "apertium@3.8.3"

    def translate(self, texts: list[str], src: str, dst: str) -> list[str] | None:
        """One translation per text, in order, or ``None`` when ``src -> dst`` is not supported."""
        ...


def _none() -> Translator:
    from newsweave.translate.none import NoTranslator

    return NoTranslator()


def _apertium() -> Translator:
    from newsweave.translate.apertium import ApertiumTranslator

    return ApertiumTranslator()


_REGISTRY: dict[str, Callable[[], Translator]] = {"none": _none, "apertium": _apertium}


def available() -> list[str]:
    """Registered translator names (a registered backend may still support no language pair)."""
    return sorted(_REGISTRY)


def register(name: str, factory: Callable[[], Translator]) -> None:
    """Make ``get_translator(name)`` build its translator with ``factory`` (for extras and tests)."""
    _REGISTRY[name] = factory
    _load.cache_clear()


def get_translator(name: str | None = None) -> Translator:
    """The process-wide translator registered under ``name`` (``None`` or ``"default"``: ``none``)."""
    key = DEFAULT if name in (None, "", "default") else name
    if key not in _REGISTRY:
        raise ValueError(f"unknown translator {name!r}; known: {available()}")
    return _load(key)


@lru_cache(maxsize=None)
def _load(key: str) -> Translator:
    return _REGISTRY[key]()


__all__ = ["DEFAULT", "Translator", "available", "get_translator", "register"]
