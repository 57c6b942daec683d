"""The ingest step: each document is analysed, deduplicated and stored atomically."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection
from sqlalchemy.exc import DataError, IntegrityError

from newsweave.analyse import text as text_stage
from newsweave.analyse.furniture import blank, keyed_lines
from newsweave.core.config import Settings
from newsweave.core.errors import InputError, describe
from newsweave.core.records import AnalysedText, Fingerprint, Progress, RawDocument
from newsweave.core.text import clipped
from newsweave.ingest.dedup import content_hash, fingerprint, similarity
from newsweave.ingest.jsondocs import RECORD_DATE_SOURCES
from newsweave.ingest.meta import Sidecar
from newsweave.store import Store
from newsweave.store.furniture_repo import spans_of_lines


@dataclass
class IngestReport:
    """What one ingest did, per article id, plus every error."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)  # new id -> stored id with the same content
    near_duplicates: dict[str, str] = field(default_factory=dict)  # id -> original
    errors: list[InputError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, object]:
        return {
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "duplicates": self.duplicates, "near_duplicates": self.near_duplicates,
            "errors": [e.as_dict() for e in self.errors],
        }


def _near_duplicate(store: Store, doc_id: str, fp: Fingerprint, threshold: float,
                    conn: Connection | None = None) -> tuple[str, float] | None:
    """The best stored original this text nearly copies, with its estimated Jaccard."""
    scored = [(similarity(fp.signature, sig), original)
              for original, sig in store.minhash_candidates(fp, doc_id, conn)]
    scored = [(s, o) for s, o in scored if o != doc_id]
    if not scored:
        return None
    score, original = max(scored)
    return (original, round(score, 3)) if score >= threshold else None


MAX_ID_CHARS = 255  # the store's id columns
MAX_SOURCE_CHARS = 255
# half an emoji cut by a scraper (not encodable text), and NUL (PostgreSQL refuses it in text)
_UNSTORABLE = re.compile(r"[\ud800-\udfff\x00]")
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$")
MAX_LANG_CHARS = 16  # the store's language columns


def storable(value: str) -> str:
    """``value`` with what no store can hold replaced: a lone surrogate by U+FFFD, NUL dropped."""
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)


def checked(doc: RawDocument) -> RawDocument:
    """The document with fields every store can hold (``storable``), an over-long source cut, a declared
    language that is no language tag of at most 16 characters ("english-language-tag") dropped; an id
    the store cannot key is an ``InputError`` naming the record."""
    fields = {f.name: storable(v) for f in dataclasses.fields(doc) if isinstance(v := getattr(doc, f.name), str)}
    doc = dataclasses.replace(doc, **fields)
    if not doc.id.strip():
        raise InputError(doc.origin, "the id is empty or only spaces")
    if len(doc.id) > MAX_ID_CHARS:
        raise InputError(doc.origin, f"id {doc.id[:40]!r}… is {len(doc.id)} characters long; give ids of at most "
                                     f"{MAX_ID_CHARS}")
    if doc.source and len(doc.source) > MAX_SOURCE_CHARS:
        doc = dataclasses.replace(doc, source=clipped(doc.source, MAX_SOURCE_CHARS))
    if doc.lang_declared and (len(doc.lang_declared) > MAX_LANG_CHARS or not _LANG_TAG.match(doc.lang_declared)):
        doc = dataclasses.replace(doc, lang_declared=None)
    return doc


def store_document(store: Store, doc: RawDocument, digest: str, settings: Settings, report: IngestReport,
                   meta: dict[str, str] | None = None) -> None:
    """Analyse and store one ``checked`` document whose text has the content hash ``digest`` (``meta``: its
    sidecar entry), recording the outcome in ``report``."""
    # one connection for every lookup (on PostgreSQL each checkout costs round trips of its own); the article is
    # written in a transaction of its own
    with store.engine.connect() as conn:
        holder = store.id_for_hash(digest, conn)
        if holder is None:
            previous_origin = store.origin_of(doc.id, conn)
            if previous_origin is not None and previous_origin != doc.origin and \
                    not _same_file(previous_origin, doc.origin):
                raise _id_taken(doc, previous_origin)
            lines = keyed_lines(doc.text)  # keyed once: for the furniture read here and the keys stored with it
            # page furniture other articles already show is not the article's language
            analysed = _analysed(doc, blank(doc.text, spans_of_lines(conn, {doc.id: lines})[doc.id]))
            fp = fingerprint(doc.text)
            near = _near_duplicate(store, doc.id, fp, settings.near_dup_threshold, conn) if fp else None
    if holder == doc.id:  # same text; its sidecar entry, or its JSONL record's date, may bring a new date or title
        changed = bool(meta) and store.update_metadata(doc.id, meta)
        if doc.published_source in RECORD_DATE_SOURCES and doc.published:  # a corrected date in the corpus file
            changed = store.update_metadata(doc.id, {"published": doc.published},
                                            given_by=doc.published_source) or changed
        (report.updated if changed else report.unchanged).append(doc.id)
        return
    if holder is not None:
        report.duplicates[doc.id] = holder
        return
    store.save_article(doc, digest, analysed, fp, near, text_stage.VERSION, lines)
    (report.updated if previous_origin else report.added).append(doc.id)
    if near:
        report.near_duplicates[doc.id] = near[0]


def _analysed(doc: RawDocument, text: str) -> AnalysedText:
    """The text stage's analysis of ``text`` (``doc``'s, furniture blanked). What the component raises is an
    ``InputError`` naming the document, as the analysis stages report theirs (``stages.isolated``): one text it
    cannot handle must not end the ingest of the others."""
    try:
        return text_stage.analyse_text(text, declared=doc.lang_declared)
    except Exception as exc:  # noqa: BLE001 - a component's bug, reported with the input
        raise InputError(doc.origin, f"not stored: its text could not be analysed ({describe(exc)})") from exc


def _store_racing(store: Store, doc: RawDocument, digest: str, settings: Settings, report: IngestReport,
                  meta: dict[str, str] | None) -> None:
    """``store_document``, looked at again when another process stored the same id or text between its look and
    its write (two ingests of one file at once: the second ended on "UNIQUE constraint failed:
    articles.content_hash" with exit 2); the second look finds it stored, as a re-ingest does."""
    try:
        store_document(store, doc, digest, settings, report, meta)
    except IntegrityError:
        store_document(store, doc, digest, settings, report, meta)


def _id_taken(doc: RawDocument, where: str) -> InputError:
    return InputError(doc.origin, f"id {doc.id!r} is already used by {where}; give distinct ids (e.g. via --meta)")


def _same_file(a: str, b: str) -> bool:
    """JSONL origins carry a line number; the same corpus file may move lines."""
    return a.rsplit(":", 1)[0] == b.rsplit(":", 1)[0]


def ingest_items(
    store: Store,
    items: Iterable[RawDocument | InputError],
    settings: Settings,
    sidecar: Sidecar | None = None,
    on_item: Progress | None = None,
) -> IngestReport:
    """Store every document; errors are collected, never fatal to the others."""
    report = IngestReport(errors=list(sidecar.errors) if sidecar else [])
    # id -> (where this run stored it, its content): another text under the id is an error, not an update
    seen: dict[str, tuple[str, str]] = {}
    for item in items:
        if isinstance(item, InputError):
            report.errors.append(item)
        else:
            try:
                meta = sidecar.lookup(item) if sidecar else None
                doc = checked(sidecar.apply(item, meta) if sidecar else item)
                meta = {k: storable(v) if isinstance(v, str) else v for k, v in meta.items()} if meta else meta
                digest = content_hash(doc.text)
                first = seen.get(doc.id)
                if first and first[0] != doc.origin and first[1] != digest:
                    raise _id_taken(doc, first[0])
                _store_racing(store, doc, digest, settings, report, meta)
                seen.setdefault(doc.id, (doc.origin, digest))
            except InputError as err:
                report.errors.append(err)
            except (DataError, IntegrityError) as exc:  # refused by the database; its transaction left nothing
                report.errors.append(InputError(item.origin, f"not stored: {str(exc.orig).splitlines()[0]}"))
        if on_item:
            on_item(item.origin if isinstance(item, RawDocument) else item.source)
    return report
