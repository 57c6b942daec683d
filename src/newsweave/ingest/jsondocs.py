"""Articles written as JSON: a line of a JSONL corpus, or a ``.json`` file holding articles.

Two record shapes are read, so that collections made with other tools go in
without conversion: newsweave's own (``id, lang, title, text, published,
source, url``, the format of ``../shared/data/*/corpus.jsonl``) and the one
news-please writes, one JSON file per article (``maintext``, ``date_publish``,
``language``, ``source_domain``, ``title``, ``url``). Where a record sets both
names of a field to a usable value, newsweave's wins.

A ``.json`` file may hold one article object, a list of them, or several
values one after another (JSON Lines, ``jq .`` output, lists). A file holding no
article (a gold file, a settings file) is refused with an error naming it,
instead of being stored as an article made of JSON syntax.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsweave.core.errors import InputError
from newsweave.core.records import RawDocument
from newsweave.ingest.meta import check_published
from newsweave.ingest.normalise import decode, make_document

Item = RawDocument | InputError
TEXT_FIELDS = ("text", "maintext")  # ours, then news-please's
ALIASES = {"published": ("date_publish",), "lang": ("language",), "source": ("source_domain",)}  # news-please
NOT_AN_ARTICLE = ("not an article: a .json file must hold an object with a 'text' field "
                  "(or news-please's 'maintext'), a list of them, or one per line")
_SIDECAR_HINT = " (this looks like --meta sidecar metadata: pass it, as JSONL, with --meta)"
MAX_ERRORS = 100  # per .json file: a file of two million bad values is one problem, not two million
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"\s*")


def record_to_document(obj: object, origin: str, where: str, default_id: str, path: str) -> RawDocument:
    """One JSON record as a document; raises ``InputError(origin, ...)`` naming what is wrong with it.

    ``where`` is the record's place, kept as the document's origin ("corpus.jsonl:3", "export.json: item 2");
    ``default_id`` is the id of a record that gives none.
    """
    if not isinstance(obj, dict):
        raise InputError(origin, "an article must be a JSON object")
    text = _field(obj, "text")
    if text is None:
        hint = _SIDECAR_HINT if "file" in obj else ""
        raise InputError(origin, f"missing or empty 'text' field (or news-please's 'maintext'){hint}")
    given_id = obj.get("id")
    if given_id is not None and (isinstance(given_id, bool) or not isinstance(given_id, (str, int))):
        raise InputError(origin, f"'id' must be a string or a whole number, not {type(given_id).__name__}")
    chosen = default_id if given_id is None or given_id == "" else str(given_id)  # 0 is an id
    doc = make_document(chosen, text, where, path=path, url=_field(obj, "url"),
                        title=_field(obj, "title"), source=_field(obj, "source"), lang=_field(obj, "lang"))
    # a date of the wrong type gives way to its alias, as other fields do; alone, it is named as not a date
    given = [(k, v) for k in ("published", *ALIASES["published"])
             if (v := obj.get(k)) is not None and not (isinstance(v, str) and not v.strip())]
    if given:
        key, published = next(((k, v) for k, v in given if isinstance(v, str)), given[0])
        try:
            doc.published, doc.published_source = check_published(published), date_source(path)
        except ValueError as exc:
            raise InputError(origin, str(exc).replace("'published'", f"'{key}'", 1)) from None
    return doc


RECORD_DATE_SOURCES = ("jsonl", "json")  # ``published_source`` of a date a JSON record gives (``date_source``)


def date_source(path: str) -> str:
    """What ``published_source`` says of a date a record gives: "json" in a ``.json`` file, else "jsonl"."""
    return "json" if Path(path).suffix.lower() == ".json" else "jsonl"


def jsonl_record(raw: bytes, origin: str, line: int, path: str) -> Item:
    """One line of a JSONL corpus (``origin``, 1-based ``line``) as a document or an error naming the line."""
    try:
        obj = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return InputError(origin, f"malformed JSON line: {exc}", line=line)
    except RecursionError:
        return InputError(origin, "malformed JSON line: nested too deep", line=line)
    try:
        return record_to_document(obj, origin, f"{origin}:{line}", f"{Path(path).stem}-{line}", path)
    except InputError as err:
        return InputError(origin, err.message, line=line)


def read_json_file(data: bytes, path: str) -> list[Item]:
    """The articles of a ``.json`` file, each bad one an error of its own (at most ``MAX_ERRORS``).

    One object: its id is the file's stem unless it gives one. Lists and objects one after another: an item
    without an id is ``stem-N`` (N its place) and errors name ``item N``. JSON Lines (one object per line),
    and a file that does not parse but reads as JSON Lines with bad lines (``_json_lines``), are read as
    ``.jsonl`` is: ``stem-N`` with N the line, errors naming the line. Any other file that does not parse is
    one error, and nothing of it is kept.
    """
    origin, stem = path, Path(path).stem
    text = decode(data, origin)
    try:
        values = list(_values(text))
    except (json.JSONDecodeError, RecursionError) as exc:
        if _json_lines(text):  # bad lines among good ones: each line on its own, as .jsonl
            return _by_line(text, origin, path)
        if isinstance(exc, RecursionError):
            return [InputError(origin, "malformed JSON: nested too deep")]
        return [InputError(origin, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")]
    if len(values) > 1 and all(isinstance(v, dict) for v in values) \
            and len(values) == sum(1 for ln in text.split("\n") if ln.strip()):
        return _by_line(text, origin, path)  # JSON Lines: the same ids whether or not a line breaks later
    if len(values) == 1 and isinstance(values[0], dict):
        obj = values[0]
        if not any(k in obj for k in TEXT_FIELDS):
            return [InputError(origin, NOT_AN_ARTICLE + (_SIDECAR_HINT if "file" in obj else ""))]
        return [_item(obj, origin, None, stem, path)]
    if not any(isinstance(v, (dict, list)) for v in values):
        return [InputError(origin, NOT_AN_ARTICLE)]
    items = [rec for v in values for rec in (v if isinstance(v, list) else [v])]  # lists one after another too
    if not items:
        return [InputError(origin, NOT_AN_ARTICLE)]
    return _capped(origin, [_item(rec, origin, i, f"{stem}-{i}", path) for i, rec in enumerate(items, 1)])


def _by_line(text: str, origin: str, path: str) -> list[Item]:
    return _capped(origin, [jsonl_record(ln.encode("utf-8"), origin, n, path)
                            for n, ln in enumerate(text.split("\n"), 1) if ln.strip()])


def _values(text: str) -> Iterator[Any]:
    """The JSON values of ``text``, one after another (with or without whitespace between); raises on the
    first bad one."""
    pos = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    if pos == len(text):
        raise json.JSONDecodeError("no JSON value", text, pos)
    while pos < len(text):
        value, pos = _DECODER.raw_decode(text, pos)
        yield value
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]


def _json_lines(text: str) -> bool:
    """Whether ``text``, which does not parse, is JSON Lines with bad lines rather than one broken document: two
    or more lines, none indented (a pretty-printed document indents its inner lines), some line a whole JSON
    object."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) < 2 or any(ln[0].isspace() for ln in lines):
        return False
    for ln in lines:
        try:
            if isinstance(json.loads(ln), dict):
                return True
        except (json.JSONDecodeError, RecursionError):
            continue
    return False


def _capped(origin: str, items: list[Item]) -> list[Item]:
    """``items`` with at most ``MAX_ERRORS`` errors, then one saying how many more there were."""
    errors = [i for i, item in enumerate(items) if isinstance(item, InputError)]
    if len(errors) <= MAX_ERRORS:
        return items
    dropped = set(errors[MAX_ERRORS:])
    kept = [item for i, item in enumerate(items) if i not in dropped]
    more = len(dropped)
    return kept + [InputError(origin, f"{more:,} more error{'s' if more > 1 else ''} in this file not listed")]


def _item(obj: object, origin: str, index: int | None, default_id: str, path: str) -> Item:
    where = f"{origin}: item {index}" if index is not None else origin
    try:
        return record_to_document(obj, origin, where, default_id, path)
    except InputError as err:
        return InputError(origin, f"item {index}: {err.message}" if index is not None else err.message)


def _field(obj: dict[str, Any], name: str) -> str | None:
    """The first non-blank string among ``obj[name]`` and its news-please names (``TEXT_FIELDS``, ``ALIASES``)."""
    names = TEXT_FIELDS if name == "text" else (name, *ALIASES.get(name, ()))
    return next((obj[k] for k in names if isinstance(obj.get(k), str) and obj[k].strip()), None)
