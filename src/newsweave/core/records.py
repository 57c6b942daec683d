"""Plain records passed between stages (no database types here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Progress = Callable[[str], None]  # told one line per step of a long job (the CLI draws its progress from it)


@dataclass(frozen=True)
class Span:
    """A character range ``[start, end)`` into an article's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of an article with its own detected language."""

    start: int
    end: int
    lang: str | None
    lang_confidence: float


@dataclass
class RawDocument:
    """One article as it comes out of a source, before analysis.

    ``origin`` is where it came from for error messages (``path`` or
    ``path:line`` or a URL). Fields other than ``id`` and ``text`` may be
    unknown; ``published_source`` says where the date came from
    (``sidecar``, ``jsonl``, ``html-meta``, ``feed``) so dates are never
    invented.
    """

    id: str
    text: str
    origin: str
    source: str | None = None
    url: str | None = None
    path: str | None = None
    title: str | None = None
    published: str | None = None
    published_source: str | None = None
    lang_declared: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


@dataclass
class AnalysedText:
    """What the text stage derives from one article."""

    lang: str | None
    lang_confidence: float
    paragraphs: list[Paragraph]
    sentences: list[Span]


@dataclass(frozen=True)
class Fingerprint:
    """A MinHash signature (little-endian uint32 bytes) and its LSH band keys."""

    signature: bytes
    bands: tuple[int, ...]
