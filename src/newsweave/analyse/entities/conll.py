"""Reader for CoNLL-style NER files: ``token<TAB>tag`` lines, a blank line between sentences."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from newsweave.core.errors import InputError

Sentence = tuple[list[str], list[str]]
_TAG = re.compile(r"^(?:O|[BI]-[A-Za-z_]+|[A-Z][A-Za-z_]*)$")  # IOB2, or bare types (IO); not IOBES


def read_conll(path: Path | str) -> list[Sentence]:
    """Sentences as (tokens, tags). Extra columns are ignored; the tag is the last one.

    Lines starting with ``-DOCSTART-`` are skipped. Tags are returned as written
    (IOB2 expected: ``B-TYPE``, ``I-TYPE``, ``O``).
    """
    return list(iter_conll(path))


def iter_conll(path: Path | str) -> Iterator[Sentence]:
    """Sentences one by one; a tag that is not IOB (``O``, ``B-X``, ``I-X`` or a bare type; IOBES's ``S-``
    and ``E-`` would be misread) or a file that is
    not UTF-8 is an ``InputError`` naming the file and line."""
    tokens: list[str] = []
    tags: list[str] = []
    try:
        with open(path, encoding="utf-8") as fh:
            for n, raw in enumerate(fh, start=1):
                line = raw.rstrip("\r\n")
                if not line.strip():
                    if tokens:
                        yield tokens, tags
                        tokens, tags = [], []
                    continue
                if line.startswith("-DOCSTART-"):
                    continue
                parts = line.split("\t")
                if len(parts) < 2:
                    parts = line.split()
                if len(parts) < 2 or not _TAG.match(parts[-1]):
                    raise InputError(str(path), f"not a 'token<TAB>tag' line with an IOB tag: {line[:60]!r}", n)
                tokens.append(parts[0])
                tags.append(parts[-1])
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if tokens:
        yield tokens, tags


def spans_from_tags(tags: list[str]) -> list[tuple[int, int, str]]:
    """Entity spans (start, end_exclusive, type) from IOB tags, conlleval style.

    A chunk starts at ``B-X`` or at an ``I-X`` that does not continue a chunk of
    type X; it ends before ``O``, ``B-*`` or an ``I-Y`` of another type.
    """
    spans: list[tuple[int, int, str]] = []
    start = -1
    cur = ""
    for i, tag in enumerate(tags):
        if not tag or tag == "O":
            prefix, typ = "O", ""
        elif "-" in tag:
            prefix, typ = tag.split("-", 1)
        else:  # a bare type (IO scheme) continues a chunk of that type
            prefix, typ = "I", tag
        begins = prefix != "O" and (prefix == "B" or typ != cur)
        if cur and (prefix == "O" or begins):
            spans.append((start, i, cur))
            cur = ""
        if begins:
            start, cur = i, typ
    if cur:
        spans.append((start, len(tags), cur))
    return spans
