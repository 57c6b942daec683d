"""Public data types of the quote extractor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

QuoteKind = Literal["direct", "indirect"]
SpeakerKind = Literal["person", "organisation", "unattributed"]


@dataclass(frozen=True)
class SpeakerMention:
    """A named-entity mention that may speak: ``text`` at ``start:end`` of the article.

    ``type`` is PER, ORG, LOC or MISC; ``entity_id`` and ``name`` are the linked
    canonical entity and its display name, None when the mention is not linked.
    """

    start: int
    end: int
    text: str
    type: str
    entity_id: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Quote:
    """One quotation with its speaker.

    ``start:end`` is the quoted text without its quotation marks (for indirect
    speech: the reported clause). ``speaker_text``/``speaker_start``/``speaker_end``
    locate the words naming the speaker; for a continuation ("he added", a
    quote following another) they point at the earlier mention that named it.
    ``speaker_entity``/``speaker_name`` are the canonical entity and display name
    (a surname alone resolves to the full name's entity). ``verb`` is the reporting
    verb or attribution phrase ("ha dichiarato", "according to"), inherited by a
    quote that continues the previous one, None when there is none.
    """

    start: int
    end: int
    text: str
    kind: QuoteKind
    speaker_text: str | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_entity: str | None
    speaker_name: str | None
    speaker_kind: SpeakerKind
    verb: str | None
