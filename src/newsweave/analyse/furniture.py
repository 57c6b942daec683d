"""Page furniture: the lines a site repeats on its pages (menus, "most read" lists, cookie and comment notices).

Scraped pages bring them into the text. In ML-Crisis, 472 of 740 pages hold a
line that two others hold too: Cuban pages about Libya list "Coronavirus en
Cuba" and "Villa Clara" beside the story, so the recogniser found Cuban places
in them and the encoder's lead was a menu. A line is furniture once articles
published on ``FURNITURE_DAYS`` different days hold it: menus come back day
after day, while a story's own lines do not (ECB+'s undated wire headline
that three outlets reuse stays). Undated articles add no evidence but are
cleaned by it.

The stored text never changes: the analysers read it with furniture lines
blanked (``blank``: offsets stay valid), the encoder reads the lead without
them (``without``). An article whose every line is furniture is read whole.
"""

from __future__ import annotations

import hashlib

from newsweave.analyse.text import LETTER, paragraph_spans
from newsweave.core.config import ANALYSE_CHARS

FURNITURE_DAYS = 3

Line = tuple[int, int, int]  # (start, end, key)
Spans = list[tuple[int, int]]


def line_key(line: str) -> int:
    """A signed 64-bit hash of a line, case and spacing folded."""
    folded = " ".join(line.casefold().split())
    return int.from_bytes(hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def keyed_lines(text: str) -> list[Line]:
    """Each line with a letter in the analysed prefix, with its key (``text`` may stop one character past the
    prefix: enough to tell whether its last line goes on)."""
    head = text[:ANALYSE_CHARS]
    spans = paragraph_spans(head)
    if spans and len(text) > ANALYSE_CHARS and "\n" not in text[spans[-1].end : ANALYSE_CHARS + 1]:
        spans = spans[:-1]  # a line cut by the limit is not the line it starts like
    return [(s.start, s.end, line_key(head[s.start : s.end])) for s in spans if LETTER.search(head, s.start, s.end)]


def line_keys(text: str) -> list[int]:
    """The distinct keys of ``keyed_lines``, sorted."""
    return keys_of(keyed_lines(text))


def keys_of(lines: list[Line]) -> list[int]:
    """The distinct keys of ``lines``, sorted."""
    return sorted({key for _, _, key in lines})


def furniture_of(lines: list[Line], furniture: set[int]) -> Spans:
    """The spans of ``lines`` whose key is furniture; none when that would be every line."""
    spans = [(start, end) for start, end, key in lines if key in furniture]
    return spans if len(spans) < len(lines) else []


def blank(text: str, spans: Spans) -> str:
    """``text`` with the spans replaced by spaces: same length, so offsets found in it hold in the original."""
    if not spans:
        return text
    out, pos = [], 0
    for start, end in sorted(spans):
        out += [text[pos:start], " " * (end - start)]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def without(text: str, spans: Spans) -> str:
    """``text`` with the spans' lines left out (and blank lines with them: the encoder reads no layout)."""
    if not spans:
        return text
    return "\n".join(line for line in blank(text, spans).split("\n") if line.strip())
