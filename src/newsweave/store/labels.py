"""Event and storyline labels: the founding article's title, else the first of its first lines that reads as
part of the article (not a dateline, not chrome the furniture count has not caught)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from newsweave.core.config import ANALYSE_CHARS
from newsweave.core.text import clipped
from newsweave.store import schema as t
from newsweave.store.furniture_repo import read_lead_without_furniture, read_without_furniture
from newsweave.store.repository import Store


def relabel(conn: Any, founders: Any) -> None:
    """Name again the events and storylines that the articles ``founders`` (a subquery of ids) founded: their first
    line may have been found to be page furniture since."""
    for table in (t.events, t.storylines):
        c = table.c
        for cid, founder in conn.execute(select(c.id, c.founded_by).where(c.founded_by.in_(founders))).all():
            conn.execute(table.update().where(c.id == cid).values(label=label(conn, founder)))


_LABEL_LINES = 5  # untitled text: the first line that is not a date stamp, among this many
_WORD = re.compile(r"[^\W\d_]{3,}")


def label(conn: Any, founder: str | None) -> str:
    """The founding article's title, else its first line that is not a date stamp, cut to 120 characters."""
    if founder is None:
        return ""
    a = t.articles.c
    # the analysed prefix and one character past it: all that ``keyed_lines`` reads of a web-page dump
    row = conn.execute(select(a.title, func.substr(a.text, 1, ANALYSE_CHARS + 1).label("text"))
                       .where(a.id == founder)).first()
    if row is None:
        return ""
    text = (row.title or _first_line(conn, founder, row.text)).strip()
    return clipped(text, 120)


def labels_in(store: Store, events: list[dict[str, Any]], lang: str) -> dict[str, str]:
    """Per event with a member article in ``lang``, the label that article gives (its title or first line):
    a reader sees labels in their language where the event has a report in it."""
    a = t.articles.c
    members = [aid for ev in events for aid in ev["articles"]]
    with store.engine.connect() as conn:
        in_lang = {aid for chunk in t.chunks(members)
                   for aid in conn.execute(select(a.id).where(a.id.in_(chunk) & (a.lang == lang))).scalars()}
        out = {}
        for ev in events:
            first = next((aid for aid in ev["articles"] if aid in in_lang), None)
            if first:
                out[ev["id"]] = label(conn, first)
        return out


def _first_line(conn: Any, article_id: str, text: str) -> str:
    """The first of ``text``'s first lines that is more than a dateline and reads as part of the article
    (``_named``), else the first that is more than a dateline, else the first line.

    A dateline is a line holding a time expression the time stage read as the publication date, with fewer than
    two words of three or more letters beside it, capitals-only ones (time zones: ET, BST) not counted: ECB+'s
    untitled reports open with "April 27, 2009" or "MONDAY, MAY 23, 2005", which named their events; "Updated:
    May 24, 2005, 3:23 PM ET" is one, "Obama wins, November 4, 2008" is not.

    Scraped pages open with chrome that no other page shows often enough to be found furniture yet ("S'abonner,
    c'est soutenir un journalisme de qualité", "Jump to navigation", a section's name, a photo credit): such a
    line shares no word with the article's prose, a headline does. On the ML-Crisis store this renamed 37 of 542
    events, about 31 for the better (the headline or the lead instead of chrome) and 4 for the worse (a headline
    whose words the prose never repeats, "Come vanno le cose in Egitto", gave way to the lead); no event of the
    other dev sets (titled, or clean text) changed."""
    x = t.time_exprs.c
    stamps = conn.execute(select(x.start_char, x.end_char).where(
        (x.article_id == article_id) & (x.role == "publication"))).all()
    lead = read_lead_without_furniture(conn, article_id, text, _LABEL_LINES)  # a menu names no event
    lines = _first_lines(lead)
    undated = [line for start, line in lines if not _dateline(start, line, stamps)]
    if not undated:
        return lines[0][1] if lines else ""
    whole = None
    for line in undated:
        if _named(line, lead):
            return line
        # the head's prose is part of the whole text's: the whole is read only for a line the head does not name
        whole = read_without_furniture(conn, article_id, text) if whole is None else whole
        if _named(line, whole):
            return line
    return undated[0]


def _first_lines(text: str) -> list[tuple[int, str]]:
    """The first ``_LABEL_LINES`` non-blank lines of ``text`` with their offsets."""
    lines, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            lines.append((pos, line))
            if len(lines) == _LABEL_LINES:
                break
        pos += len(line) + 1
    return lines


def _dateline(start: int, line: str, stamps: list[Any]) -> bool:
    """Whether ``line`` (at ``start``) is a publication date with fewer than two other words (``_first_line``)."""
    end = start + len(line)
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in stamps if s < end and e > start]
    if not inside:
        return False
    rest = line
    for s, e in inside:
        rest = rest[:s] + " " * (e - s) + rest[e:]
    return sum(not w.isupper() for w in _WORD.findall(rest)) < 2


_PROSE_WORDS = 12  # a line of this many words is prose: menus and link lists repeat their words in short lines
_CONTENT = re.compile(r"[^\W\d_]{4,}")


def _named(line: str, text: str) -> bool:
    """Whether a prose line of ``text`` other than ``line`` holds one of ``line``'s words of four letters or more."""
    words = _words(line)
    if not words:
        return False
    # the line itself is passed over, every copy of it: a page prints its headline or cookie notice twice
    return any(other != line and len(other.split()) >= _PROSE_WORDS and not words.isdisjoint(_words(other))
               for other in text.split("\n"))


def _words(line: str) -> set[str]:
    return {w.casefold() for w in _CONTENT.findall(line)}
