"""Bytes to clean text: encoding detection, Unicode normalisation, paragraphs kept."""

from __future__ import annotations

import re
import unicodedata

from charset_normalizer import from_bytes

from newsweave.core.errors import InputError
from newsweave.core.records import RawDocument

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# Control characters other than tab and newline never belong in article text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANKS = re.compile(r"\n{3,}")


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for text saved as UTF-16 without a byte-order mark, else None.

    Such text has a NUL in every other byte where it is ASCII or Latin-1 (spaces, digits, punctuation:
    a tenth of the characters even in Greek), and none in the other half, which a binary file would not
    keep to; what it decodes to must be printable."""
    head = data[:8192]
    if len(head) < 8:
        return None
    head = head[: len(head) // 2 * 2]
    even, odd = head[0::2], head[1::2]
    for zeros, others, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) * 10 >= len(zeros) and others.count(0) == 0:
            # leniently: the head may end inside a surrogate pair (an emoji cut in two)
            text = head.decode(codec, errors="replace")
            printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text)
            return codec if printable >= 0.95 * len(text) else None
    return None


def _looks_binary(head: bytes) -> bool:
    """NUL bytes (outside UTF-16 with a BOM; ``decode`` rules out UTF-16 without one first) or mostly control
    bytes mean binary."""
    if head.startswith(_BOMS[1:]):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(head) * 0.05


def decode(data: bytes, origin: str) -> str:
    """Decode bytes as UTF-8 when valid, else the encoding charset-normalizer finds."""
    wide = utf16_without_bom(data)
    if wide:
        try:
            return data[: len(data) // 2 * 2].decode(wide)
        except UnicodeDecodeError as exc:
            raise InputError(origin, f"looks like UTF-16 without a byte-order mark, but is not ({exc.reason})") from None
    if _looks_binary(data[:8192]):
        raise InputError(origin, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise InputError(origin, "cannot detect the text encoding (not UTF-8 or any known legacy encoding)")
    return str(best)


def _unwrap(text: str) -> str:
    """Join hard-wrapped lines inside blank-line separated blocks.

    Only when the text looks hard-wrapped: it has blank lines and most of its
    lines stop at a similar width short of a sentence end.
    """
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if "\n\n" not in text or len(lines) < 4:
        return text
    wrapped = sum(1 for ln in lines if 40 <= len(ln) <= 100 and not ln.rstrip().endswith((".", ":", "!", "?")))
    if wrapped < 0.6 * len(lines):
        return text
    blocks = text.split("\n\n")
    return "\n\n".join(" ".join(part.strip() for part in b.split("\n") if part.strip()) for b in blocks)


def normalise(text: str) -> str:
    """NFC, one kind of newline and space, no control characters, paragraphs kept."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROL.sub("", text)
    text = "\n".join(_SPACES.sub(" ", ln).strip() for ln in text.split("\n"))
    text = _BLANKS.sub("\n\n", text).strip()
    return _unwrap(text)


def make_document(doc_id: str, text: str, origin: str, *, path: str | None = None, url: str | None = None,
                  title: str | None = None, source: str | None = None, published: str | None = None,
                  lang: str | None = None, markdown: bool = False) -> RawDocument:
    """Normalise text into a document (files, JSON records and URLs go this way), or raise InputError if nothing is left."""
    clean = normalise(text)
    if markdown and clean.startswith("# "):
        first, _, rest = clean.partition("\n")
        title, clean = title or first[2:].strip(), rest.strip()
    if not any(ch.isalnum() for ch in clean):
        why = "only punctuation or symbols" if clean.strip() else "empty or whitespace only"
        raise InputError(origin, f"no text ({why})")
    return RawDocument(id=doc_id, text=clean, origin=origin, path=path, url=url, title=title, source=source,
                       published=published, published_source="html-meta" if published else None,
                       lang_declared=lang)
