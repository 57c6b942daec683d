"""Group the mentions of one article before they are linked across articles.

Within an article a short form names whoever was named in full there:
"Mr. Kim" and "Kim" join "Kim Jong Un", "Πούτιν" joins "Βλαντίμιρ Πούτιν",
"Kcna" joins "Korean Central News Agency" (an acronym joins the one name it
abbreviates whatever type the recogniser gave it, unless it is the family name
of a person named in full there). A short form that fits two full
names of the article ("Kim" beside "Kim Jong Un" and "Kim Yo Jong") names the
one the article names in full ``LEAD`` times as often as any other (an
article on Muammar Gheddafi that names his sons once or twice); without such a
lead it is left ambiguous, linked to neither. It joins as a weak form, never
used across articles, so a wrong choice misplaces mentions but merges nobody.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from newsweave.link.model import Mention
from newsweave.link.names import Surface, surname_tokens

# A surname two people named in full in one article bear goes to the one named in full this many times as often
# as any other there. Before, the ML-Crisis store's 105 such surnames (759 mentions) were all left ambiguous; in
# 562 of those mentions one full name had this lead (Muammar Gheddafi 30 times beside Mutassim 9 and Saif al-Islam
# 2, with 147 bare "Gheddafi"), and many of the rest are one person's two forms ("Mario Monti" and "Professor
# Mario Monti", once each).
LEAD = 2


@dataclass
class LocalCluster:
    """Mentions of one article taken to be one entity."""

    type: str
    items: list[tuple[Mention, Surface]] = field(default_factory=list)
    ref: str | None = None
    keys: list[tuple[str, ...]] = field(default_factory=list)   # full forms: used across articles
    weak: list[tuple[str, ...]] = field(default_factory=list)   # short forms joined here: not used across
    acronyms: set[tuple[str, ...]] = field(default_factory=set)
    kind: str = "name"          # name | short (one-token person, no full name here) | ambiguous | nonname
    votes: Counter[str] = field(default_factory=Counter)  # entity type per mention, as the linker sees it
    _surnames: set[str] | None = field(default=None, repr=False, compare=False)  # cache, cleared by add

    def add(self, m: Mention, s: Surface, vote: str, weak: bool = False) -> None:
        """Take mention ``m`` (its surface ``s``, its type ``vote``); a ``weak`` form is kept out of ``keys``."""
        self.items.append((m, s))
        self.votes[vote] += 1
        self._surnames = None
        target = self.weak if weak else self.keys
        for k in s.keys:
            if k not in target:
                target.append(k)
        for a in (s.acronym, s.paren_acronym):
            if a:
                self.acronyms.add(a)

    @property
    def full_person(self) -> bool:
        return self.type == "PER" and self.kind == "name" and bool(self.surnames)

    @property
    def surnames(self) -> set[str]:
        if self._surnames is None:
            out: set[str] = set()
            for k in self.keys:
                if len(k) > 1:
                    out |= surname_tokens(k)
            self._surnames = out
        return self._surnames


def cluster_article(items: list[tuple[Mention, Surface, str | None, str]]) -> list[LocalCluster]:
    """Local clusters of one article's mentions; each item is (mention, surface, gazetteer ref,
    entity type), the type being the mention's own or the one its gazetteer ref implies."""
    clusters: list[LocalCluster] = []
    by_ref: dict[tuple[str, str], LocalCluster] = {}
    by_key: dict[tuple[str, tuple[str, ...]], LocalCluster] = {}
    singles: list[tuple[Mention, Surface]] = []

    def index(c: LocalCluster, s: Surface) -> None:
        for k in s.keys:
            by_key.setdefault((c.type, k), c)

    for m, s, ref, etype in items:
        if not s.is_name:
            c = LocalCluster(etype, kind="nonname")
            c.add(m, s, etype)
            clusters.append(c)
        elif ref:
            c = by_ref.get((etype, ref))
            if c is None:
                c = by_ref[(etype, ref)] = LocalCluster(etype, ref=ref)
                clusters.append(c)
            c.add(m, s, etype)
        elif s.short:
            singles.append((m, s, etype))
        else:
            c = next((by_key[(etype, k)] for k in s.keys if (etype, k) in by_key), None)
            if c is None:
                c = LocalCluster(etype)
                clusters.append(c)
            c.add(m, s, etype)
            index(c, s)

    groups: dict[tuple[str, tuple[str, ...]], list[tuple[Mention, Surface]]] = {}
    for m, s, etype in singles:
        groups.setdefault((etype, s.key), []).append((m, s))
    for (etype, key), members in groups.items():
        target, weak = _short_form_target(etype, key, members, clusters, by_key)
        if target is None:
            kind = "name" if etype != "PER" else ("ambiguous" if weak else "short")
            target, weak = LocalCluster(etype, kind=kind), False
            clusters.append(target)
        for m, s in members:
            target.add(m, s, etype, weak=weak)
            index(target, s)
    return clusters


def _leading(fits: list[LocalCluster]) -> LocalCluster | None:
    """The one of ``fits`` named in full at least ``LEAD`` times as often as each other one, if any."""
    if len(fits) == 1:
        return fits[0]
    named = sorted(((sum(1 for _, s in c.items if not s.short), i) for i, c in enumerate(fits)), reverse=True)
    return fits[named[0][1]] if named[0][0] >= LEAD * named[1][0] else None


def _named_people(clusters: list[LocalCluster], tok: str) -> list[LocalCluster]:
    """The people named in full in the article by a name of two or three words with ``tok`` as family name."""
    return [c for c in clusters if c.full_person and tok in c.surnames
            and any(2 <= len(k) <= 3 and tok in surname_tokens(k) for k in c.keys)]


def _short_form_target(
    etype: str,
    key: tuple[str, ...],
    members: list[tuple[Mention, Surface]],
    clusters: list[LocalCluster],
    by_key: dict,
) -> tuple[LocalCluster | None, bool]:
    """The local cluster a one-word name belongs to and whether it joins as a weak (short) form.
    (None, True) for a person's surname shared by several full names of the article."""
    if (etype, key) in by_key:
        return by_key[(etype, key)], False
    tok = key[0]
    same = [c for c in clusters if c.type == etype and c.kind == "name" and c.ref is None]
    if etype == "PER":
        fits = [c for c in same if c.full_person and tok in c.surnames]
        if fits:
            return _leading(fits), True
    people = _named_people(clusters, tok) if etype == "LOC" else []
    if people and (bearer := _leading(people)) is not None:
        # the family name of a person named in full here, tagged a place: a tagging slip ("Mubarak" beside "Hosni
        # Mubarak"; the ML-Crisis store held 154 mentions of a place "Mubarak"). Not for organisations: "Boeing"
        # ends "Scott Carson, vicepresidente ejecutivo de Boeing"
        return bearer, True
    named = [c for c in clusters if c.kind == "name" and c.ref is None and c.type != "PER"]
    fits = [c for c in named if key in c.acronyms]
    if len({c.type for c in fits}) > 1:
        fits = [c for c in fits if c.type == etype]
    if len(fits) == 1:
        return fits[0], False  # an acronym is an alias, usable across articles
    if etype == "PER":
        return None, False
    if etype != "ORG" or any(s.legal_form for _, s in members):
        # "Apple Inc." is a full name; products are not shortened ("iPod" is not "iPod nano")
        return None, False
    fits = [c for c in same if any(len(k) > 1 and k[0] == tok for k in c.keys)]
    return (fits[0], True) if len(fits) == 1 else (None, False)  # "Northrop" of "Northrop Grumman"
