"""Public data types of the entity linker."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mention:
    """One mention of an entity in an article: ``text`` at ``start:end`` of the article text.

    ``type`` is PER, ORG, LOC or MISC (other labels are kept apart the same way);
    ``lang`` is an ISO 639-1 code or None when unknown.
    """

    article: str
    text: str
    type: str
    lang: str | None
    start: int
    end: int


def is_article_local(entity_id: str) -> bool:
    """Whether an entity id names a mention the linker could not link beyond its article ("...@<article>")."""
    return "@" in entity_id


@dataclass
class Entity:
    """A canonical entity and every mention linked to it.

    ``id`` is derived from the type and the canonical key, never from a counter:
    "LOC:moscow" for a gazetteer place (its English name), "PER:vladimir-putin"
    for others (the folded key of the first full form seen, so "Kim Jong Un",
    "Kim Jong-un" and "Κιμ Γιονγκ Ουν" all give "PER:kim-iong-un"). A mention
    that could not be linked beyond its article carries "@<article>" in its id.
    """

    id: str
    name: str
    type: str
    languages: list[str] = field(default_factory=list)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
