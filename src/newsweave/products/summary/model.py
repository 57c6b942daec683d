"""Inputs and outputs of the summariser: plain records, no store or model objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MentionTuple = tuple[int, int, str, str, str]  # (start, end, entity_id, canonical_name, type)
TimeTuple = tuple[int, int, "str | None"]  # (start, end, normalised value such as "2023-09-12")


@dataclass
class SourceArticle:
    """One analysed article of the event; all offsets index ``text``.

    ``sentences`` are ``(start, end)`` spans (the text stage), ``mentions`` linked
    entity mentions with the entity's canonical name in the reader's script
    (the link stage) and ``time_exprs`` resolved time expressions (the time
    stage; ``value`` None when unresolved). ``published`` is an ISO date or
    datetime string, or None. ``event`` is the event it reports, where the
    summary spans several (a storyline's): a sentence is cited only to reports
    of its own event.
    """

    id: str
    lang: str | None
    published: str | None
    title: str | None
    text: str
    sentences: list[tuple[int, int]] = field(default_factory=list)
    mentions: list[MentionTuple] = field(default_factory=list)
    time_exprs: list[TimeTuple] = field(default_factory=list)
    event: str | None = None


@dataclass
class SummarySentence:
    """One sentence of a summary.

    ``text`` is what the reader sees: the source sentence itself when it is in
    the reader's language, its translation when ``translated``, else the source
    sentence with entity names rendered as canonical names and resolved dates
    appended in brackets. ``lang`` is always the language of the source
    sentence; ``source_text`` the sentence exactly as the article has it.
    ``citations`` are the ids of the articles it comes from: its own article
    first, then every article holding a near-identical sentence.
    """

    text: str
    lang: str | None
    citations: list[str]
    source_text: str
    translated: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "lang": self.lang, "citations": list(self.citations),
                "source_text": self.source_text, "translated": self.translated}


@dataclass
class Summary:
    """An event's summary and what made it (method, encoder and translator names)."""

    sentences: list[SummarySentence]
    method: str
    encoder: str
    translator: str
    lang: str = "en"

    def as_dict(self) -> dict[str, Any]:
        return {"lang": self.lang, "method": self.method, "encoder": self.encoder,
                "translator": self.translator, "sentences": [s.as_dict() for s in self.sentences]}

    def text(self) -> str:
        """The summary as plain text, one sentence a line with its citations."""
        return "\n".join(f"{s.text} [{', '.join(s.citations)}]" for s in self.sentences)
