"""The named-entity slot: a span type and the recogniser protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")


@dataclass(frozen=True)
class EntitySpan:
    """One entity mention: ``text[start:end] == self.text``; type is PER, ORG, LOC or MISC."""

    start: int
    end: int
    text: str
    type: str


class Recogniser(Protocol):
    """Finds entity mentions in raw text; ``name`` is versioned (e.g. "crf-it-el@2")."""

    name: str

    def recognise(self, text: str, lang: str | None) -> list[EntitySpan]: ...
