"""Metadata sidecars: JSONL lines keyed by ``file`` (name) or ``id``.

Each line may give ``published``, ``source``, ``url``, ``title`` and ``lang``.
Sidecar values are the user's own statement, so they win over what
extraction found.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from newsweave.core.config import latest_publication
from newsweave.core.errors import InputError
from newsweave.core.records import RawDocument

FIELDS = ("published", "source", "url", "title", "lang")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:$|[T ])")


def check_published(value: object) -> str:
    """``value`` as a publication date string, if it is one: an ISO 8601 day, or a date-time starting with one.

    Raises ``ValueError`` naming the value otherwise: a date that cannot be read would be stored and then
    silently ignored by every stage that needs it. So does a date after ``latest_publication()`` (today plus ``FUTURE_DAYS``).
    """
    text = str(value).strip()
    try:
        if not _ISO_DAY.match(text):  # fromisoformat also takes 20230917 and 2023W371, which no stage reads
            raise ValueError(text)
        if len(text) > 10:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'published' is {text!r}, not a date (YYYY-MM-DD or an ISO 8601 date-time)") from None
    latest = latest_publication()
    if date.fromisoformat(text[:10]) > latest:
        # a typo in the year would date an event into the future and stretch its storyline to it
        raise ValueError(f"'published' is {text!r}, after {latest.isoformat()}: a publication date cannot lie ahead")
    return text


@dataclass
class Sidecar:
    """Metadata by key; ``errors`` holds the lines that could not be read."""

    by_key: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: list[InputError] = field(default_factory=list)

    def lookup(self, doc: RawDocument) -> dict[str, str] | None:
        """Find the entry for a document by id, file name or file stem."""
        keys = [doc.id]
        if doc.path:
            p = Path(doc.path)
            keys += [p.name, p.stem]
        return next((self.by_key[k] for k in keys if k in self.by_key), None)

    def apply(self, doc: RawDocument, entry: dict[str, str] | None = None) -> RawDocument:
        """Overlay the sidecar's fields on a document (in place); ``entry``: its ``lookup``, when done already."""
        entry = entry if entry is not None else self.lookup(doc)
        if not entry:
            return doc
        if entry.get("published"):
            doc.published, doc.published_source = entry["published"], "sidecar"
        doc.source = entry.get("source") or doc.source
        doc.url = entry.get("url") or doc.url
        doc.title = entry.get("title") or doc.title
        doc.lang_declared = entry.get("lang") or doc.lang_declared
        return doc


def load_sidecar(path: str | Path) -> Sidecar:
    """Read a sidecar; a bad line is an error naming file and line, the rest still load.

    A sidecar that cannot be read at all raises ``InputError`` before anything
    is stored: the user asked for those dates, and events clustered without
    them would all be re-clustered once the sidecar is fixed. A bad line only
    loses its own entry (its article is stored undated, and a corrected
    sidecar dates it later).
    """
    side = Sidecar()
    origin = str(path)
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(origin, f"cannot read metadata file: {reason}; nothing was ingested") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            side.errors.append(InputError(origin, f"malformed JSON: {exc.msg}", line=n))
            continue
        key = obj.get("file") or obj.get("id") if isinstance(obj, dict) else None
        if not key:
            side.errors.append(InputError(origin, "metadata line needs a 'file' or 'id' field", line=n))
            continue
        entry = {k: str(obj[k]) for k in FIELDS if obj.get(k) not in (None, "")}
        if "published" in entry:
            try:
                entry["published"] = check_published(entry["published"])
            except ValueError as exc:
                side.errors.append(InputError(origin, str(exc), line=n))
                continue
        side.by_key[str(key)] = entry
    return side
