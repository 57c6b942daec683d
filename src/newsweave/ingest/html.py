"""Main text and metadata from HTML pages, via trafilatura."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsweave.core.errors import InputError, describe

_HTML_LANG = re.compile(r"<html[^>]*\slang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)
# <template> holds markup a script may stamp out later, never shown as it is; trafilatura reads it as text.
_TEMPLATE = re.compile(r"<template\b[^>]*>.*?</template\s*>", re.I | re.S)
_OG_LOCALE = re.compile(r"<meta[^>]+property=[\"']og:locale[\"'][^>]+content=[\"']([A-Za-z]{2,3})", re.I)


@dataclass
class Extracted:
    """What an HTML page yields: text, and metadata only when the page states it."""

    text: str
    title: str | None
    published: str | None
    lang: str | None
    url: str | None
    sitename: str | None


def declared_language(html: str) -> str | None:
    """The page's own language claim: ``<html lang>`` or ``og:locale``."""
    head = html[:20000]
    m = _HTML_LANG.search(head) or _OG_LOCALE.search(head)
    return m.group(1).lower() if m else None


def extract_html(html: str, origin: str, url: str | None = None) -> Extracted:
    """Extract the article body; raise InputError when the page has none."""
    import trafilatura  # lazy: trafilatura pulls lxml and friends

    try:
        doc = trafilatura.bare_extraction(
            _TEMPLATE.sub("", html),
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_recall=True,
            # Dates only from the page's metadata and markup, never guessed from
            # arbitrary text: a wrong date is worse than an unknown one.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # noqa: BLE001 - the libraries' own failures on hostile markup, reported per page
        # "<svg><svg></svg><a>" fails an assertion in lxml under htmldate's cleaning: without this it ended the
        # whole ingest with a traceback
        raise InputError(origin, f"the HTML extractor failed on this page ({describe(exc)})") from exc
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise InputError(origin, "no article text found in the HTML page")
    return Extracted(
        text=text,
        title=doc.title or None,
        published=doc.date or None,
        lang=declared_language(html),
        url=doc.url or url,
        sitename=doc.sitename or None,
    )
