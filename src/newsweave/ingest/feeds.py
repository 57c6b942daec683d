"""RSS and Atom feeds: each entry becomes an article."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator

from newsweave.core.errors import InputError
from newsweave.core.records import RawDocument

# An entry body shorter than this is a teaser: the linked page is fetched.
MIN_BODY_CHARS = 200


def looks_like_feed(data: bytes, content_type: str = "") -> bool:
    """RSS/Atom by content type, or by sniffing the first bytes."""
    if any(k in content_type for k in ("rss", "atom")):
        return True
    head = data[:2048].lstrip().lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def _iso(entry: dict, key: str) -> str | None:
    parsed = entry.get(key)
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed) if parsed else None


def _entry_id(entry: dict, feed_origin: str, index: int) -> str:
    key = entry.get("id") or entry.get("link") or f"{feed_origin}#{index}"
    return "feed-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _body_html(entry: dict) -> str:
    contents = entry.get("content") or []
    if contents:
        return max((c.get("value", "") for c in contents), key=len)
    return entry.get("summary", "") or ""


def parse_feed(
    data: bytes,
    origin: str,
    html_to_text: Callable[[str, str], str],
    fetch_page: Callable[[str], tuple[str, str | None]],
) -> Iterator[RawDocument | InputError]:
    """Yield one RawDocument per entry; InputError for a broken feed or entry.

    ``html_to_text(html, origin)`` strips markup from an entry body and
    ``fetch_page(url)`` returns ``(text, lang)`` for an entry's linked page.
    """
    import feedparser  # lazy

    feed = feedparser.parse(data)
    problem = getattr(feed, "bozo_exception", None) if feed.bozo else None
    # A wrong declared charset is harmless (feedparser recovers); anything
    # else is malformed XML: say so, then keep whatever entries still parse.
    if problem is not None and not isinstance(problem, feedparser.CharacterEncodingOverride):
        yield InputError(origin, f"broken feed: {problem}")
        if not feed.entries:
            return
    source = feed.feed.get("title") or None
    feed_lang = (feed.feed.get("language") or "")[:2].lower() or None
    for i, entry in enumerate(feed.entries, start=1):
        where = f"{origin}#entry{i}"
        link = entry.get("link")
        body = _body_html(entry)
        text = html_to_text(body, where) if body.strip() else ""
        lang = feed_lang
        if len(text) < MIN_BODY_CHARS and link:
            try:
                text, lang = fetch_page(link)
            except InputError as err:
                if not text:
                    yield InputError(where, f"entry has no body and its page failed: {err}")
                    continue
                # the entry is still stored, but say that it is only the feed's teaser (an error: exit code 1)
                yield InputError(where, f"its page failed, so only the feed's {len(text)}-character summary is "
                                        f"stored: {err}")
        if not text.strip():
            yield InputError(where, "entry has no text and no link")
            continue
        published = _iso(entry, "published_parsed") or _iso(entry, "updated_parsed")
        yield RawDocument(
            id=_entry_id(entry, origin, i), text=text, origin=where, source=source, url=link,
            title=entry.get("title") or None, published=published,
            published_source="feed" if published else None, lang_declared=lang,
        )
