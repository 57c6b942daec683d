"""Articles written as JSON: a line of a JSONL corpus, or a ``.json`` file holding one article or a list of them.

Two record shapes are read, so that collections made with other tools go in
without conversion: newsweave's own (``id, lang, title, text, published,
source, url``, the format of ``../shared/data/*/corpus.jsonl``) and the one
news-please writes, one JSON file per article (``maintext``, ``date_publish``,
``language``, ``source_domain``, ``title``, ``url``). Where a record holds
both names of a field, newsweave's wins.

A ``.json`` file holding neither (a gold file, a settings file) is refused
with an error naming it, instead of being stored as an article made of JSON
syntax.
"""

from __future__ import annotations

import json
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
                  "(or news-please's 'maintext'), or a non-empty list of them")


def record_to_document(obj: object, origin: str, where: str, default_id: str, path: str) -> RawDocument:
    """One JSON record as a document, or ``InputError(origin, ...)`` naming what is wrong with it.

    ``where`` is the record's place, kept as the document's origin ("corpus.jsonl:3", "export.json item 2");
    ``default_id`` is the id of a record that gives none.
    """
    if not isinstance(obj, dict):
        raise InputError(origin, "an article must be a JSON object")
    text = _text_of(obj)
    if text is None:
        hint = " (this looks like a --meta sidecar line: pass the file with --meta)" if "file" in obj else ""
        raise InputError(origin, f"missing or empty 'text' field (or news-please's 'maintext'){hint}")
    doc = make_document(str(obj.get("id") or default_id), text, where, path=path, url=_str(obj.get("url")),
                        title=_str(obj.get("title")), source=_str(_field(obj, "source")),
                        lang=_str(_field(obj, "lang")))
    published = _field(obj, "published")
    if published:
        try:
            doc.published, doc.published_source = check_published(published), "jsonl"
        except ValueError as exc:
            raise InputError(origin, str(exc)) from None
    return doc


def jsonl_record(raw: bytes, origin: str, line: int, path: str) -> Item:
    """One line of a JSONL corpus (``origin``, 1-based ``line``) as a document or an error naming the line."""
    try:
        obj = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return InputError(origin, f"malformed JSON line: {exc}", line=line)
    try:
        return record_to_document(obj, origin, f"{origin}:{line}", f"{Path(path).stem}-{line}", path)
    except InputError as err:
        return InputError(origin, err.message, line=line)


def read_json_file(data: bytes, origin: str, path: str, stem: str) -> list[Item]:
    """The articles of a ``.json`` file: one object (id: the file's stem unless it gives one), or a list of
    objects (ids ``stem-N``; each bad item is an error of its own, ``item N``)."""
    text = decode(data, origin)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):  # JSON Lines saved as .json (jq -c, exports)
            return [jsonl_record(ln.encode("utf-8"), origin, n, path)
                    for n, ln in enumerate(text.split("\n"), 1) if ln.strip()]
        return [InputError(origin, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")]
    if isinstance(obj, dict):
        if _text_of(obj) is None:
            return [InputError(origin, NOT_AN_ARTICLE)]
        return [_item(obj, origin, origin, stem, path)]
    if isinstance(obj, list) and obj:
        return [_item(rec, origin, f"{origin} item {i}", f"{stem}-{i}", path) for i, rec in enumerate(obj, 1)]
    return [InputError(origin, NOT_AN_ARTICLE)]


def _item(obj: object, origin: str, where: str, default_id: str, path: str) -> Item:
    try:
        return record_to_document(obj, origin, where, default_id, path)
    except InputError as err:
        place = where[len(origin):].strip()  # "item 3", or nothing for a single-article file
        return InputError(origin, f"{place}: {err.message}" if place else err.message)


def _text_of(obj: dict[str, Any]) -> str | None:
    return next((obj[k] for k in TEXT_FIELDS if isinstance(obj.get(k), str) and obj[k].strip()), None)


def _field(obj: dict[str, Any], name: str) -> Any:
    """``obj[name]``, else the first of its news-please aliases that is set."""
    if obj.get(name) not in (None, ""):
        return obj[name]
    return next((obj[alias] for alias in ALIASES.get(name, ()) if obj.get(alias) not in (None, "")), None)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
