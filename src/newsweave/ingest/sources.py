"""Sources: turn paths, folders, JSONL corpora, JSON articles, HTML, feeds and URLs into documents.

Everything here yields either a :class:`RawDocument` or an :class:`InputError`
naming the file (and line); one bad input never stops the others.
"""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from newsweave.core.config import Settings
from newsweave.core.errors import InputError, describe
from newsweave.core.records import RawDocument
from newsweave.ingest.feeds import looks_like_feed, parse_feed
from newsweave.ingest.fetch import Fetcher
from newsweave.ingest.html import extract_html
from newsweave.ingest.jsondocs import jsonl_record, read_json_file
from newsweave.ingest.normalise import decode, make_document, utf16_without_bom

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
# What a folder is not read for: data, code, documents, media and archives (named as not read). Any
# other name is tried as an article, "2023.02.06" and "Kim arrives. Reuters" included; given by name on
# the command line, any file is tried.
NOT_ARTICLES = frozenset(
    ".csv .tsv .xls .xlsx .ods .parquet .pkl .npy .db .sqlite .sqlite3 .py .pyc .sh .bash .js .ts .css .c .h "
    ".java .go .rs .rb .php .ipynb .yaml .yml .toml .ini .cfg .conf .lock .log .pdf .doc .docx .odt .ppt .pptx "
    ".png .jpg .jpeg .gif .bmp .tif .tiff .svg .webp .ico .mp3 .mp4 .wav .ogg .avi .mov .mkv .zip .gz .tgz "
    ".bz2 .xz .7z .rar .tar .exe .dll .so .o .a .bin .iso .dmg .whl .jar".split())
Item = RawDocument | InputError


def is_url(arg: str) -> bool:
    return arg.startswith(("http://", "https://"))


class SourceReader:
    """Reads every kind of input with one settings object and one HTTP client."""

    def __init__(self, settings: Settings, skip: set[Path] | None = None) -> None:
        self.settings = settings
        self.skip = {p.resolve() for p in (skip or set())}  # e.g. the store's own files
        self._fetcher: Fetcher | None = None

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:  # no HTTP client unless a URL needs it
            self._fetcher = Fetcher(self.settings)
        return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

    def read(self, inputs: list[str]) -> Iterator[Item]:
        """All documents from all inputs, in the order given (folders sorted)."""
        for arg in inputs:
            if is_url(arg):
                yield from self._guard(arg, self.read_url(arg))
                continue
            path = Path(arg)
            if path.is_dir():
                yield from self._read_folder(path)
            elif path.exists():
                yield from self._guard(arg, self.read_file(path))
            else:
                yield InputError(arg, "no such file, folder or URL")

    def _read_folder(self, folder: Path) -> Iterator[Item]:
        """The folder's files in order, data, code and media named as not read; an empty folder is an error."""
        empty = True
        for file in _walk(folder):
            empty = False
            if file.resolve() in self.skip:
                continue
            if file.suffix.lower() in NOT_ARTICLES:
                yield InputError(str(file), f"not read: {file.suffix} files are data, code or media, not "
                                            "articles; name the file itself to read it anyway")
                continue
            yield from self._guard(str(file), self.read_file(file))
        if empty:
            yield InputError(str(folder), "empty folder: no files to read (hidden ones are skipped)")

    @staticmethod
    def _guard(origin: str, items: Iterator[Item]) -> Iterator[Item]:
        """Turn an exception inside one source into an error item for that source."""
        try:
            yield from items
        except InputError as err:
            yield err
        except OSError as exc:  # unreadable, vanished, a broken link: the system's words, not a class name
            broken = " (a broken link)" if Path(origin).is_symlink() and not Path(origin).exists() else ""
            yield InputError(origin, f"cannot read it: {exc.strerror or exc}{broken}")
        except ValueError as exc:
            yield InputError(origin, describe(exc))

    # -- files ---------------------------------------------------------------

    def read_file(self, path: Path) -> Iterator[Item]:
        origin = str(path)
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            yield from self.read_jsonl(path)
            return
        size = path.stat().st_size
        if size == 0:
            raise InputError(origin, "empty file")
        if size > self.settings.max_bytes:
            raise InputError(origin, f"file is {size:,} bytes, over the {self.settings.max_bytes:,}-byte limit (--max-bytes)")
        data = path.read_bytes()
        if suffix == ".json":
            yield from read_json_file(data, origin)
        elif suffix in FEED_SUFFIXES or looks_like_feed(data):
            yield from parse_feed(data, origin, self._html_to_text, self._fetch_page)
        elif suffix in HTML_SUFFIXES:
            ex = extract_html(decode(data, origin), origin)
            yield make_document(path.stem, ex.text, origin, path=origin, title=ex.title, url=ex.url,
                            source=ex.sitename, published=ex.published, lang=ex.lang)
        else:
            yield make_document(path.stem, decode(data, origin), origin, path=origin, markdown=suffix == ".md")

    def read_jsonl(self, path: Path) -> Iterator[Item]:
        """One article per line, as ``jsondocs.record_to_document`` reads it (``text`` or ``maintext`` required)."""
        origin = str(path)
        limit = self.settings.max_bytes
        with path.open("rb") as fh:
            n = 0
            for n, raw in enumerate(_utf8_lines(fh), start=1):
                if len(raw) > limit:
                    yield InputError(origin, f"line is over the {limit:,}-byte limit (--max-bytes)", line=n)
                    continue
                if raw.strip():
                    yield jsonl_record(raw, origin, n, str(path))
            if n == 0:
                yield InputError(origin, "empty file")

    # -- URLs ----------------------------------------------------------------

    def read_url(self, url: str) -> Iterator[Item]:
        got = self.fetcher.get(url)
        if not got.body.strip():
            raise InputError(url, "empty response")
        if looks_like_feed(got.body, got.content_type):
            yield from parse_feed(got.body, url, self._html_to_text, self._fetch_page)
            return
        text = decode(got.body, url)
        if got.content_type.startswith("text/plain"):
            yield make_document(_url_id(got.url), text, url, url=got.url)
            return
        ex = extract_html(text, url, url=got.url)
        yield make_document(_url_id(got.url), ex.text, url, url=got.url, title=ex.title,
                        source=ex.sitename, published=ex.published, lang=ex.lang)

    def _fetch_page(self, url: str) -> tuple[str, str | None]:
        got = self.fetcher.get(url)
        ex = extract_html(decode(got.body, url), url, url=got.url)
        return ex.text, ex.lang

    @staticmethod
    def _html_to_text(html: str, origin: str) -> str:
        if "<" not in html:
            return html
        try:
            return extract_html(f"<html><body><article>{html}</article></body></html>", origin).text
        except InputError:
            return ""


def _walk(folder: Path) -> Iterator[Path]:
    """Files under a folder, sorted, skipping hidden files and folders."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def _url_id(url: str) -> str:
    import hashlib

    return "url-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _utf8_lines(fh: BinaryIO) -> Iterator[bytes]:
    """The lines of a JSONL file as UTF-8 bytes; a file saved as UTF-16 or UTF-32 (with its byte-order
    mark, as Windows editors write it, or UTF-16 without one) is re-encoded line by line rather than read
    as garbage."""
    head = fh.peek(8192)[:8192] if hasattr(fh, "peek") else b""
    wide = next((enc for bom, enc in _WIDE_BOMS if head.startswith(bom)), None) or utf16_without_bom(head)
    if wide is None:
        yield from fh
        return
    for line in io.TextIOWrapper(fh, encoding=wide, errors="replace", newline=None):
        yield line.encode("utf-8")
