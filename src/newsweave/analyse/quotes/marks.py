"""Find direct quotations by their quotation marks, nesting included.

Every convention in use is accepted whatever the language: « », “ ”, „ “ / „ ”,
‘ ’, ‹ ›, ‚ ‘ and straight "…"; »…« (German, Danish) only for languages that
use it, because elsewhere » only closes. A single scan with a stack handles
nesting (“… ‘Geran-25’ …”) and quotes spanning sentences. A quote still open
at the end of its paragraph is closed there when its mark is unambiguous
(journalistic multi-paragraph quotes leave it open); an open straight quote
or single quote is dropped, since those marks double as apostrophes and inch
signs.
"""

from __future__ import annotations

from dataclasses import dataclass

# Opening mark -> the marks that may close it.
_CLOSERS: dict[str, str] = {
    "«": "»", "“": "”\"", "„": "“”", "‘": "’", "‹": "›", "‚": "‘’", '"': '"”', "»": "«",
}
_REVERSED_GUILLEMET_LANGS = frozenset({"de", "da", "cs", "sk", "hr", "sl"})
# Marks that may be closed implicitly at the end of a paragraph.
_IMPLICIT_CLOSE = frozenset("«“„‹»")
# Marks whose inside may be padded with spaces (French « … »).
_PADDED = frozenset("«»‹›")
_BEFORE_OPENER = set(" \t\n([{-–—/:;'’") | set(_CLOSERS)
# Trailing punctuation that belongs to the attribution, not the quote.
_TRAILING = " \t,"


@dataclass(frozen=True)
class QuoteMarks:
    """One quotation: ``start:end`` is the quoted text, ``open_at``/``close_at`` its marks.

    ``close_at`` is None for a quote closed implicitly at the end of its paragraph.
    ``depth`` is 0 for a top-level quote, 1 for a quote inside it, and so on.
    """

    start: int
    end: int
    open_at: int
    close_at: int | None
    depth: int

    @property
    def outer_end(self) -> int:
        """End of the quotation including its closing mark."""
        return self.close_at + 1 if self.close_at is not None else self.end


def _opens(text: str, i: int) -> bool:
    """Whether the mark at ``i`` can open: followed by text, preceded by a space or start."""
    nxt = text[i + 1] if i + 1 < len(text) else "\n"
    if nxt == "\n" or (nxt.isspace() and text[i] not in _PADDED):
        return False
    return i == 0 or text[i - 1] in _BEFORE_OPENER


def _closes(text: str, i: int, opener: str) -> bool:
    """Whether the mark at ``i`` closes ``opener``; ’ before a letter is an apostrophe."""
    if text[i] not in _CLOSERS[opener]:
        return False
    if text[i] == "’" and i + 1 < len(text) and text[i + 1].isalpha():
        return False
    return text[i] in _PADDED or i == 0 or not text[i - 1].isspace() or opener == '"'


def _span(text: str, open_at: int, end: int, close_at: int | None, depth: int) -> QuoteMarks | None:
    """The quoted text between the marks, trimmed of padding and of a trailing comma."""
    start = open_at + 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return QuoteMarks(start, end, open_at, close_at, depth) if end > start else None


def find_quote_marks(text: str, lang: str | None = None) -> list[QuoteMarks]:
    """Every quotation in ``text`` (all depths), ordered by opening position."""
    openers = set(_CLOSERS) - ({"»"} if lang not in _REVERSED_GUILLEMET_LANGS else set())
    stack: list[int] = []
    found: list[QuoteMarks] = []
    for i, ch in enumerate(text):
        if ch == "\n":
            _close_paragraph(text, i, stack, found)
        elif stack and _closes(text, i, text[stack[-1]]):
            q = _span(text, stack[-1], i, i, len(stack) - 1)
            stack.pop()
            if q:
                found.append(q)
        elif ch in openers and _opens(text, i):
            stack.append(i)
    _close_paragraph(text, len(text), stack, found)
    return sorted(found, key=lambda q: q.open_at)


def _close_paragraph(text: str, end: int, stack: list[int], found: list[QuoteMarks]) -> None:
    """At a paragraph end: keep an open top-level quote with an unambiguous mark, drop the rest."""
    if stack and text[stack[0]] in _IMPLICIT_CLOSE:
        q = _span(text, stack[0], len(text[:end].rstrip()), None, 0)
        # Quotes nested inside it that are still open are dropped with the rest.
        if q:
            found.append(q)
    stack.clear()
