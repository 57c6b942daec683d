"""Search filters: language, entity, publication dates and a set of article ids.

An entity is given as an id or as a name in any language or script. A name
resolves to every canonical entity whose id key, display name or aliases
match it (after folding case and accents), or whose mentions are spelled that
way; the filter keeps the articles with a mention linked to one of them. So
"Vladimir Putin" finds the Greek article that writes Βλαντίμιρ Πούτιν, because
the linker put both spellings on one entity.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select, true

from newsweave.analyse.entities.base import ENTITY_TYPES
from newsweave.search.folding import fold
from newsweave.store import Store
from newsweave.store import schema as t

_MAX_ALIAS_CANDIDATES = 2000


@dataclass(frozen=True)
class Filters:
    """What a search is restricted to; ``None`` means no restriction."""

    lang: str | None = None
    entity_ids: tuple[str, ...] | None = None
    date_from: str | None = None
    date_to: str | None = None
    article_ids: tuple[str, ...] | None = None

    def where(self) -> ColumnElement[bool]:
        """A condition on ``articles`` (and ``mentions`` through a subquery)."""
        a = t.articles.c
        conds: list[ColumnElement[bool]] = []
        if self.lang:
            conds.append(a.lang == self.lang)
        if self.date_from:
            conds.append(a.published >= self.date_from)
        if self.date_to:
            conds.append(a.published < _next_day(self.date_to))
        if self.article_ids is not None:
            conds.append(a.id.in_(list(self.article_ids)))
        if self.entity_ids is not None:
            m = t.mentions.c
            conds.append(a.id.in_(select(m.article_id).where(m.entity_id.in_(list(self.entity_ids)))))
        return and_(true(), *conds)


def _next_day(day: str | dt.date) -> str:
    """The day after ``day``: ``published < next day`` keeps datetimes on ``day`` itself."""
    d = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])
    return (d + dt.timedelta(days=1)).isoformat()


def as_day(value: str | dt.date | None) -> str | None:
    """An ISO day string from a date or an ISO date/datetime string; ValueError if unreadable."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    return dt.date.fromisoformat(str(value)[:10]).isoformat()


def resolve_entity(store: Store, name: str) -> list[str]:
    """Ids of the canonical entities that ``name`` (an id, or a name in any script) denotes."""
    name = name.strip()
    if not name:
        return []
    e = t.entities.c
    with store.engine.connect() as conn:
        if conn.execute(select(e.id).where(e.id == name)).first():
            return [name]
        return sorted(_named_ids(conn, name, {name, name.lower(), name.title()}))


def entity_names(conn, word: str, most: int = 3) -> list[str]:  # type: ignore[no-untyped-def]
    """Display names of the entities ``word`` names by a mention, alias or key ("Πούτιν": "Vladimir Putin"),
    for the full-text side, whose names field holds them; none when it names more than ``most`` (too vague)."""
    ids = _named_ids(conn, word, {word, word.title()}, most + 1)
    if not ids or len(ids) > most:
        return []
    e = t.entities.c
    return sorted(set(conn.execute(select(e.name).where(e.id.in_(sorted(ids)))).scalars()))


def _named_ids(conn, name: str, forms: set[str], most_mentioned: int | None = None) -> set[str]:  # type: ignore[no-untyped-def]
    """Entities ``name`` names: by key, display name or alias, or a mention written as one of ``forms``
    (at most ``most_mentioned`` of those); failing all of them, by gazetteer or surname key, for a place or
    body named in a script the store has no article in, or a bare surname."""
    e, m = t.entities.c, t.mentions.c
    ids = set(conn.execute(select(e.id).where(e.id.in_(_key_ids(name)))).scalars()) | _by_name(conn, name)
    mentioned = select(m.entity_id).where(m.text.in_(forms) & m.entity_id.is_not(None)).distinct()
    ids |= set(conn.execute(mentioned if most_mentioned is None else mentioned.limit(most_mentioned)).scalars())
    if not ids and len(fold(name)) >= _MIN_FALLBACK_LETTERS:
        ids = _via_gazetteer(conn, name) | _by_surname_key(conn, name)
    return ids


_MIN_FALLBACK_LETTERS = 4  # shorter names ("Ко", "Un", "Li") match too much by gazetteer or surname


def _key_ids(name: str) -> list[str]:
    """Entity ids the linker would give ``name``: TYPE:folded-key, for every reading of it."""
    from newsweave.link.keys import inflection_variants, key_variants, slug

    keys = {slug(k) for form in [name, *inflection_variants(name)] for k in key_variants(form)}
    return [f"{etype}:{k}" for k in sorted(keys) if k for etype in ENTITY_TYPES]


def _via_gazetteer(conn, name: str) -> set[str]:  # type: ignore[no-untyped-def]
    """Entities named as the gazetteer's English name for ``name``: "Россия" is Russia, "Москва" Moscow, even
    in a store whose articles never wrote them in Cyrillic (the linker keys places by the same gazetteer). Only
    the name's own keys count, not the shortened ones the linker tries on inflected mentions; names shorter than
    ``_MIN_FALLBACK_LETTERS`` ("Ко") never get here."""
    from newsweave.link.gazetteer import place_ref, ref_name, seed_ref
    from newsweave.link.names import analyse_surface

    surface = analyse_surface(name, "LOC", None)
    ref = place_ref(surface, own_keys_only=True) or seed_ref(surface)
    english = ref_name(ref, "en") if ref else None
    return _by_name(conn, english) if english and fold(english) != fold(name) else set()


def _by_surname_key(conn, name: str) -> set[str]:  # type: ignore[no-untyped-def]
    """People whose id ends in the one-word ``name`` read in Latin letters: "Путин" is PER:vladimir-putin, as
    "Putin" is (``_by_name`` matches a surname only in the script the store holds it in)."""
    from newsweave.link.keys import key_variants, slug

    e = t.entities.c
    surnames = {slug(k) for k in key_variants(name) if len(k) == 1 and slug(k)}
    return {eid for key in sorted(surnames) for eid in conn.execute(
        select(e.id).where(e.id.like(f"PER:%-{_escape_like(key)}", escape="\\")).order_by(e.id)
        .limit(_MAX_ALIAS_CANDIDATES)).scalars()}


def _by_name(conn, name: str) -> set[str]:  # type: ignore[no-untyped-def]
    """Entities whose display name or an alias equals ``name`` once case and accents fold."""
    e = t.entities.c
    like = f"%{_escape_like(name)}%"
    if conn.dialect.name == "postgresql":
        hit = or_(e.name.ilike(like, escape="\\"), e.aliases.ilike(like, escape="\\"))
    else:  # SQLite LIKE folds ASCII case only: also try the exact and lowercased forms
        hit = or_(*(col.like(f"%{_escape_like(f)}%", escape="\\")
                    for col in (e.name, e.aliases) for f in {name, name.lower(), name.title()}))
    want = fold(name)
    out: set[str] = set()
    by_surname: set[str] = set()  # a bare surname ("Peskov") names every person whose full name ends in it
    for eid, display, aliases in conn.execute(select(e.id, e.name, e.aliases).where(hit)
                                              .limit(_MAX_ALIAS_CANDIDATES)):
        forms = [display] + [f for fs in json.loads(aliases or "{}").values() for f in fs]
        if any(fold(f) == want for f in forms):
            out.add(eid)
        elif eid.startswith("PER:") and " " not in want and any(fold(f).split()[-1:] == [want] for f in forms):
            by_surname.add(eid)
    return out or by_surname


def _escape_like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

