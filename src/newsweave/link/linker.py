"""Link mentions to canonical entities across articles, languages and scripts.

Each article is first grouped on its own (``article.cluster_article``); each
group then joins an existing entity when it names the same gazetteer place or
seeded organisation, shares a full-form key, or is a close transliteration of
one (every token similar, same token count). A person's full name also joins
another language's spelling of it (``keys.variant_spelling``: Muammar
Gheddafi, Mouammar Kadhafi, Muamar Gadafi); two close spellings in one
language stay two people (John Jones, John Jonas) unless the article names two
of the entities the known one is most often named beside (Italian writes both
Muhammar and Muammar Gheddafi: ``VARIANT_CONTEXT``). A one-word person name seen
without its full form joins a full name elsewhere only when that word is the
family name of exactly one known person, or, when several bear it, of the one
its article's other names point to (``Linker._bearer``); it never joins another
bare surname, so two people who share a surname are never merged through it.

Types: a recogniser's type is a vote, not a wall. A mention that names a
country or a place in the gazetteer is a LOC entity and one that names a seeded
organisation an ORG entity, whatever type it was tagged with ("Corea del Nord"
tagged ORG where it acts politically). A name (or acronym) that matches no
entity of its own type joins the one ORG, LOC or MISC entity with that exact
key ("KCNA" tagged LOC once; an all-capital acronym tagged PER too); an
entity other than a person then takes the
type most of its mentions carry. People are never retyped.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from newsweave.link.article import LocalCluster, cluster_article
from newsweave.link.context import context_overlap, pick_bearer, prune_context
from newsweave.link.gazetteer import place_ref, ref_name, seed_ref
from newsweave.link.keys import fold, shape, similar, skeleton, slug, strip_accents, variant_spelling
from newsweave.link.model import Entity, Mention
from newsweave.link.names import Surface, analyse_surface
from newsweave.link.translit import script_of, transliterate

_MAX_CANDIDATES = 500
# A spelling variant of a known person in a language that already writes them another way with the same outline
# is someone else (John Jones, John Jonas) unless the article names this many of the entities most often named
# beside that person: Italian writes both "Muhammar" and "Muammar Gheddafi".
VARIANT_CONTEXT = 2
_UNMATCHABLE = ("nonname", "ambiguous")  # entity kinds that are never indexed, so never matched again
Known = Callable[[], frozenset[str]]  # the known entities the names of the article being placed spell


_NAMED_TYPES = ("ORG", "LOC", "MISC")
# A named entity takes another type only once that type has this many times the votes of its own. Tagged
# about as often one way as the other ("Bankitalia" LOC and ORG), a plain majority flipped it with every few
# mentions, each flip moving its id and every mention: in a 20,000-article replay of the dev sets five
# entities flipped 16-18 times each, and after 100,000 articles a run of 1,000 more re-marked 879 older
# articles for the search index and quotes. The lead is over the current type's votes alone: MISC 10 against
# LOC 19 and ORG 19 stays MISC until one of the two has 20.
RETYPE_LEAD = 2
# Likewise a name form replaces the one an entity is shown by only with twice its count ("KC" and "Kansas City
# Chiefs", "Marina militare" and "Marina Militare" took turns in a replay, each turn re-marking every article
# that links the entity for the search index and quotes). Settled after every article, not when names are
# read, so a run that goes on from the checkpoint names entities as a full relink does.
RENAME_LEAD = 2


@lru_cache(maxsize=100_000)
def _analyse(text: str, etype: str, lang: str | None) -> tuple[Surface, str | None, str]:
    """(surface, gazetteer or seed ref, entity type): places are LOC, seeded organisations ORG."""
    s = analyse_surface(text, etype, lang)
    if not s.is_name:
        return s, None, etype
    ref = seed_ref(s)  # "Κρεμλίνου" tagged PER is still the Kremlin
    if ref:
        return s, ref, "ORG"
    if etype in ("LOC", "ORG", "MISC"):  # people are never looked up among places
        ref = place_ref(s, territories_only=etype != "LOC")
    return s, ref, ("LOC" if ref else etype)


def _acronym_like(c: LocalCluster) -> bool:
    """Every mention is one all-capital word ("KCNA", "Kcna" beside its expansion is not)."""
    return all(len(s.tokens) == 1 and sum(ch.isupper() for ch in s.tokens[0]) >= 2
               and not any(ch.islower() for ch in s.tokens[0]) for _, s in c.items)


@dataclass
class _Ent:
    id: str
    type: str
    order: int
    ref: str | None = None
    kind: str = "name"
    # what is kept of its mentions (not the mentions: a long-running linker would hold them all)
    aliases: dict[str, list[str]] = field(default_factory=dict)  # lang -> forms, in order of appearance
    first_text: str = ""
    forms: Counter = field(default_factory=Counter)        # (lang, core, n_tokens) of full forms
    keys: set[tuple[str, ...]] = field(default_factory=set)
    translit_keys: set[tuple[str, ...]] = field(default_factory=set)   # from non-Latin spellings
    surnames: set[str] = field(default_factory=set)
    # a person named in full: the entities named in the same articles, by articles (``_note_context``), so a
    # bare surname that several people bear names the one its article is about (``_bearer``)
    context: Counter = field(default_factory=Counter)
    votes: Counter = field(default_factory=Counter)          # entity type -> mentions (not PER)
    shown: str = ""  # the form it is named by, settled after each article (``Linker._settle``)


class Linker:
    """Incremental linker: ``add`` one article's mentions at a time, read ``entities()`` any time.

    Ids returned by ``add`` are final for that moment; a later article can fold
    an entity into another (a bare surname into the full name that turns up
    later, or two entities bridged by one article): ``resolve`` follows such moves.
    """

    def __init__(self, reader_lang: str = "en", keep_mentions: bool = True) -> None:
        self.reader_lang = reader_lang
        # every (mention, entity id) so far, for ``entities()`` to list; off for the link stage, which
        # writes each mention's entity as it goes and keeps the linker between runs
        self._assigned: list[tuple[Mention, str]] | None = [] if keep_mentions else None
        self._ents: dict[str, _Ent] = {}
        self._parent: dict[str, str] = {}
        self._by_ref: dict[tuple[str, str], str] = {}
        self._by_key: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
        self._by_weak: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
        self._by_acronym: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
        self._by_shape: dict[tuple[str, tuple[int, str, str]], set[str]] = defaultdict(set)
        self._by_skeleton: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)  # people only
        self._translit_seen = False
        self._surnames: dict[str, set[str]] = defaultdict(set)
        self._pending: dict[str, set[str]] = defaultdict(set)
        self._touched: set[str] = set()  # ids created, grown, merged or retyped since take_touched()
        self._created = 0  # entities made so far: each one's order of appearance

    def resolve(self, entity_id: str) -> str:
        """The current id of an entity that may since have been merged into another."""
        while entity_id in self._parent:
            entity_id = self._parent[entity_id]
        return entity_id

    def _live(self, ids: set[str]) -> set[str]:
        return {self.resolve(i) for i in ids}

    def _appearance(self, entity_id: str) -> tuple[int, str]:
        e = self._ents.get(self.resolve(entity_id))
        return (e.order if e is not None else -1, entity_id)

    def take_touched(self) -> set[str]:
        """The entity ids created, grown, merged away or retyped since the last call (some may
        no longer exist: ``resolve`` them); an incremental run writes only those."""
        touched, self._touched = self._touched, set()
        return touched

    def drop_unmatchable(self) -> None:
        """Forget the entities no later mention can join (a mention without a name, or an ambiguous
        one: their ids carry their article): a linker kept between runs would otherwise grow by
        three of them an article. Call it once their rows are written; ``entities()`` then omits them."""
        for eid in [i for i, e in self._ents.items() if e.kind in _UNMATCHABLE]:
            del self._ents[eid]

    def has(self, entity_id: str) -> bool:
        """Whether ``entity_id`` is a current entity (not merged away or retyped)."""
        return entity_id in self._ents

    def add(self, mentions_of_one_article: list[Mention]) -> list[tuple[Mention, str]]:
        """Link one article's mentions; returns (mention, entity id) in input order."""
        by_article: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions_of_one_article:
            by_article[m.article].append(m)
        assigned: dict[int, str] = {}
        for article, ms in by_article.items():
            items = [(m, *_analyse(m.text, m.type, m.lang)) for m in ms]
            clusters = cluster_article(items)
            # the known entities the article's names spell: rarely needed (``_variant``), so worked out when asked
            known = cache(lambda clusters=clusters: self._known(clusters))
            # bare surnames last: which person one names depends on what else the article names
            placed = [(c, self._place(c, article, known)) for c in clusters if c.kind != "short"]
            around = self._named(eid for _, eid in placed)
            placed += [(c, self._place(c, article, known, around)) for c in clusters if c.kind == "short"]
            for c, eid in placed:
                for m, _ in c.items:
                    assigned[id(m)] = eid
            self._note_context(self._named(eid for _, eid in placed))
        out = [(m, self.resolve(assigned[id(m)])) for m in mentions_of_one_article]
        for eid in sorted({eid for _, eid in out}):
            self._settle(self._ents[eid])
        if self._assigned is not None:
            self._assigned.extend(out)
        return out

    def _new(self, base: str, c: LocalCluster, kind: str | None = None) -> _Ent:
        eid = base
        if eid in self._ents or eid in self._parent:
            eid = f"{base}~{c.ref or c.items[0][0].article}"
        n = 2
        while eid in self._ents or eid in self._parent:  # only repeated identical mentions get here
            eid = f"{base}~{c.ref or c.items[0][0].article}~{n}"
            n += 1
        e = _Ent(eid, c.type, self._created, ref=c.ref, kind=kind or c.kind)
        self._created += 1
        self._ents[eid] = e
        self._touched.add(eid)
        return e

    def _named(self, ids: Iterable[str]) -> frozenset[str]:
        """The current ids among ``ids`` of entities with a name of their own (not one article's bare surname)."""
        live = (self.resolve(i) for i in ids)
        return frozenset(i for i in live if i in self._ents and self._ents[i].kind == "name")

    def _known(self, clusters: list[LocalCluster]) -> frozenset[str]:
        """The known entities that an article's names (its ``clusters``) spell exactly: what a spelling variant's
        context is held against (``_variant``)."""
        ids: set[str] = set()
        for c in clusters:
            if c.ref:
                ids.update(filter(None, [self._by_ref.get((c.type, c.ref))]))
            elif c.kind == "name":
                for k in c.keys:
                    ids |= self._by_key.get((c.type, k), set())
        return self._named(ids)

    def _note_context(self, named: frozenset[str]) -> None:
        """Each person with a full name among ``named`` counts the others as named beside them once more."""
        for i in named:
            e = self._ents[i]
            if e.type == "PER" and e.surnames:
                e.context.update(named - {i})
                prune_context(e.context)

    def _place(self, c: LocalCluster, article: str, known: Known, around: frozenset[str] = frozenset()) -> str:
        m0, s0 = c.items[0]
        if c.kind == "nonname":
            e = self._new(f"{c.type}:{slug(fold(m0.text)) or 'x'}@{article}:{m0.start}", c)
        elif c.kind == "ambiguous":
            e = self._new(f"{c.type}:{slug(s0.key)}@{article}", c)
        elif c.ref:
            eid = self._by_ref.get((c.type, c.ref))
            if eid is None:
                e = self._new(f"{c.type}:{_readable(ref_name(c.ref) or c.ref)}", c)
                self._by_ref[(c.type, c.ref)] = e.id
            else:
                e = self._ents[self.resolve(eid)]
        elif c.kind == "short":
            tok = s0.key[0]
            bearer = self._bearer(self._live(self._surnames.get(tok, set())), around)
            if bearer is not None:
                e = self._ents[bearer]
            else:
                e = self._ents.get(f"PER:{tok}@{article}") or self._new(f"PER:{tok}@{article}", c)
                self._pending[tok].add(e.id)
        else:
            e = self._match(c, known)
        self._absorb(e, c)
        return self._retype(e).id

    def _match(self, c: LocalCluster, known: Known) -> _Ent:
        hits: set[str] = set()
        for k in c.keys:
            hits |= self._by_key.get((c.type, k), set())
        if not hits and len(c.keys) and all(len(k) == 1 for k in c.keys) and c.type != "PER":
            for k in c.keys:
                hits |= self._by_acronym.get((c.type, k), set())
        if c.type != "PER":
            # "Apple Computer ... Apple" in one article ties the two names, across articles too,
            # whichever is seen first. Never for people: two people sharing a surname would merge.
            for index, keys in ((self._by_key, c.weak), (self._by_weak, c.keys)):
                weak = self._live(set().union(set(), *(index.get((c.type, k), set()) for k in keys)))
                if len(weak) == 1:
                    hits |= weak
        # Spelling similarity bridges scripts (Τραμπ ~ Trump); between two Latin spellings it would merge
        # Carson with Carlson, Jones with Jonas: there only a person's variant spellings across languages
        # join (``_variant``).
        latin = all(s.latin for _, s in c.items)
        if not hits and (not latin or self._translit_seen):
            cands: set[str] = set()
            for k in c.keys[:4]:
                ids = self._by_shape.get((c.type, shape(k)), set())
                if len(ids) <= _MAX_CANDIDATES:  # too common a shape to compare one by one
                    cands |= ids
            for eid in sorted(self._live(cands), key=lambda i: self._ents[i].order):
                e = self._ents[eid]
                pool = e.translit_keys if latin else e.keys
                if e.kind == "name" and any(similar(a, b, c.type) for a in c.keys[:4] for b in pool):
                    hits.add(eid)
                    break
        variants = not hits and c.type == "PER" and latin
        if variants:
            hits = self._variant(c, known)
        if not hits and (c.type in _NAMED_TYPES or (c.type == "PER" and _acronym_like(c))):
            # the same name under another type: a tagging slip ("KCNA" tagged LOC once)
            other = set()
            for t in _NAMED_TYPES:
                if t != c.type:
                    for k in c.keys:
                        other |= self._by_key.get((t, k), set())
            other = {i for i in self._live(other) if self._ents[i].kind == "name"}
            if len(other) == 1:
                hits = other
        live = sorted(self._live(hits), key=lambda i: self._ents[i].order)
        if not live:
            # a mention with no letters or digits ("«") has no key: it stands alone
            return self._new(f"{c.type}:{slug(c.keys[0]) if c.keys else 'unnamed'}", c)
        if c.type == "PER" and len(live) > 1 and not variants:
            # two known people fit: keep to the one the preferred spelling names, merge nobody
            primary = self._live(self._by_key.get(("PER", c.keys[0]), set()))
            live = [i for i in live if i in primary][:1] or live[:1]
        winner = self._ents[live[0]]
        for other in live[1:]:
            self._merge(self._ents[other], winner)
        return winner

    def _variant(self, c: LocalCluster, known: Known) -> set[str]:
        """The known people whose full name another language spells as ``c`` does (``keys.variant_spelling``):
        languages spell a foreign name their own way. A person that ``c``'s own language already writes with
        the same outline another way is someone else (John Jones beside John Jonas) unless ``c``'s article
        names enough of those most often named beside them (``_beside``); any person is someone else when
        ``c``'s language is unknown. A name that two of them are spellings of makes them one (Muamar Gadafi
        ties Muammar Gheddafi to Mouammar Kadhafi, whose spellings differ too much to match each other) unless
        the two share a language, which kept them apart: then only the older is taken. A name with the Arabic
        article inside it is also read without it (``_without_article``)."""
        langs = {m.lang for m, _ in c.items}
        if None in langs:
            return set()
        hits: set[str] = set()
        for k in c.keys[:4]:
            if len(k) < 2:  # a one-word name is no full name
                continue
            sk = skeleton(k)
            for e in self._spelled(k, self._by_skeleton.get(("PER", sk), set())):
                own, other = _keys_by_language(e, langs, sk)
                if not own and any(variant_spelling(k, b) for b in other):
                    hits.add(e.id)
                elif own and self._beside(e, known):
                    hits.add(e.id)  # one person, by what both are named beside: Muhammar and Muammar Gheddafi
        hits = hits or self._without_article(c, known)
        if len(hits) > 1:
            spoken = [{lang for lang in self._ents[i].aliases if lang != "und"} for i in hits]
            if sum(map(len, spoken)) > len(set().union(*spoken)):
                return {min(hits, key=lambda i: self._ents[i].order)}
        return hits

    def _without_article(self, c: LocalCluster, known: Known) -> set[str]:
        """The known people whose full name is ``c``'s without the Arabic article inside it, or a spelling of that
        (Muammar Al Gaddafi, Muamar al-Gadafi: Muammar Gaddafi), where ``c``'s article names enough of those most
        often named beside them (``_beside``): a name one token longer matches no key of theirs."""
        hits: set[str] = set()
        for k in filter(None, map(_drop_article, c.keys[:4])):
            ids = self._by_key.get(("PER", k), set()) | self._by_skeleton.get(("PER", skeleton(k)), set())
            hits.update(e.id for e in self._spelled(k, ids) if self._beside(e, known))
        return hits

    def _spelled(self, k: tuple[str, ...], ids: set[str]) -> list[_Ent]:
        """The people with a full name among ``ids`` (unless more than ``_MAX_CANDIDATES``: too common an outline
        to compare one by one) with a key that ``k`` is or spells another way (``keys.variant_spelling``)."""
        if len(ids) > _MAX_CANDIDATES:
            return []
        found = (self._ents[i] for i in self._live(ids))
        return [e for e in found if e.kind == "name" and (k in e.keys or any(variant_spelling(k, b) for b in e.keys))]

    def _beside(self, e: _Ent, known: Known) -> bool:
        """Whether the article (``known``: the known entities its names spell) names ``VARIANT_CONTEXT`` of the
        entities most often named beside ``e``."""
        return context_overlap(e.context, known(), self.resolve) >= VARIANT_CONTEXT

    def _merge(self, loser: _Ent, winner: _Ent) -> None:
        if loser is winner:
            return
        for lang, forms in loser.aliases.items():
            mine = winner.aliases.setdefault(lang, [])
            mine.extend(f for f in forms if f not in mine)
        winner.forms += loser.forms
        winner.keys |= loser.keys
        winner.translit_keys |= loser.translit_keys
        winner.surnames |= loser.surnames
        winner.context += loser.context
        prune_context(winner.context)
        winner.votes += loser.votes
        winner.order = min(winner.order, loser.order)
        self._parent[loser.id] = winner.id
        del self._ents[loser.id]
        self._touched |= {loser.id, winner.id}
        self._index(winner)

    def _absorb(self, e: _Ent, c: LocalCluster) -> None:
        full_keys = set(c.keys)
        self._touched.add(e.id)
        e.votes.update({t: n for t, n in c.votes.items() if t != "PER"})
        for m, s in c.items:
            forms = e.aliases.setdefault(m.lang or "und", [])
            if m.text not in forms:
                forms.append(m.text)
            e.first_text = e.first_text or m.text
            if s.is_name and s.key in full_keys:  # its length in names: "Muammar Al Gaddafi" is no fuller a name
                e.forms[(m.lang or "und", s.core, len(_drop_article(s.key) or s.key))] += 1
        if c.kind == "name" and e.kind == "name":
            if c.type != "PER":
                for k in c.weak:
                    self._by_weak[(c.type, k)].add(e.id)
            e.keys |= full_keys
            e.translit_keys |= {k for _, s in c.items if not s.latin for k in s.keys if k in full_keys}
            if c.full_person:
                e.surnames |= c.surnames
        self._index(e, c.acronyms)

    def _retype(self, e: _Ent) -> _Ent:
        """Give an entity without a gazetteer ref the type most of its mentions carry (people
        keep theirs); its id moves with the type, ``resolve`` follows the move."""
        if e.type == "PER" or e.ref or e.kind != "name" or not e.votes:
            return e
        best, n = e.votes.most_common(1)[0]
        if best == e.type or best not in _NAMED_TYPES or n < RETYPE_LEAD * max(e.votes[e.type], 1):
            return e
        base = f"{best}:{e.id.split(':', 1)[1]}"
        new_id, k = base, 2
        while new_id in self._ents or new_id in self._parent:
            new_id, k = f"{base}~{k}", k + 1
        del self._ents[e.id]
        self._parent[e.id] = new_id
        self._touched |= {e.id, new_id}
        e.id, e.type = new_id, best
        self._ents[new_id] = e
        self._index(e)
        return e

    def _bearer(self, fits: set[str], around: frozenset[str]) -> str | None:
        """The person a bare surname names among the known people bearing it (``fits``): the only one, or the one
        ``context.pick_bearer`` picks by what the article names (``around``)."""
        if len(fits) <= 1:
            return next(iter(fits), None)
        return pick_bearer({i: (sum(self._ents[i].forms.values()), self._ents[i].context) for i in fits}, around,
                           self.resolve)

    def _index(self, e: _Ent, acronyms: set[tuple[str, ...]] = frozenset()) -> None:
        if e.kind != "name":
            return
        for k in e.keys:
            self._by_key[(e.type, k)].add(e.id)
            self._by_shape[(e.type, shape(k))].add(e.id)
        self._translit_seen = self._translit_seen or bool(e.translit_keys)
        for a in acronyms:
            self._by_acronym[(e.type, a)].add(e.id)
        if e.type == "PER":
            for k in e.keys:
                if len(k) > 1:
                    self._by_skeleton[(e.type, skeleton(k))].add(e.id)
            # in a fixed order, not a set's (which differs between processes): merges decide the
            # order of an entity's aliases and break ties between its names
            for tok in sorted(e.surnames):
                self._surnames[tok].add(e.id)
                fits = self._live(self._surnames[tok])
                if len(fits) == 1 and self._pending.get(tok):
                    for pid in sorted(self._pending.pop(tok), key=self._appearance):
                        p = self._ents.get(self.resolve(pid))
                        if p is not None and p is not e:
                            self._merge(p, e)

    def entities(self) -> list[Entity]:
        """Every entity so far, in order of first appearance, named for ``reader_lang``, with its
        mentions (none when the linker was made with ``keep_mentions=False``)."""
        mentions: dict[str, list[Mention]] = defaultdict(list)
        for m, eid in self._assigned or ():
            mentions[self.resolve(eid)].append(m)
        return [self._entity(e, mentions.get(e.id, [])) for e in sorted(self._ents.values(), key=lambda x: x.order)]

    def entity(self, entity_id: str) -> Entity:
        """One current entity (see ``has``), named for ``reader_lang``, without its mentions."""
        return self._entity(self._ents[entity_id], [])

    def _entity(self, e: _Ent, mentions: list[Mention]) -> Entity:
        return Entity(id=e.id, name=self._display(e), type=e.type, languages=sorted(e.aliases),
                      aliases={lang: list(forms) for lang, forms in e.aliases.items()}, mentions=mentions)

    def _display(self, e: _Ent) -> str:
        named = self._ref_name(e)
        if named is not None:
            return named
        if not e.forms:
            return e.first_text
        core = e.shown or self._best_form(e)[0]
        return core if _is_latin(core) else transliterate(core)

    def _ref_name(self, e: _Ent) -> str | None:
        """A gazetteer entity's name for the reader (or the form most used in the reader's language)."""
        if not e.ref:
            return None
        lang = self.reader_lang
        local = Counter({core: n for (lg, core, _), n in e.forms.items() if lg == lang})
        if e.ref.startswith("C") and lang != "en" and local:
            return local.most_common(1)[0][0]
        return ref_name(e.ref, lang) or None

    @staticmethod
    def _best_form(e: _Ent) -> tuple[str, dict[str, int]]:
        """The form an entity would be named by now, and the counts of the forms that may name it (run
        for every entity an article names: kept to plain dicts)."""
        if len(e.forms) <= 1:
            if not e.forms:
                return e.first_text, {}
            (_, core, _), cnt = next(iter(e.forms.items()))
            return core, {core: cnt}
        # a person is named in full ("Vladimir Putin", not the more frequent "Putin")
        longest = max(n for (_, _, n) in e.forms) if e.type == "PER" else 0
        totals: dict[str, int] = {}
        for (_, core, n), cnt in e.forms.items():
            if n >= longest:
                totals[core] = totals.get(core, 0) + cnt
        latin = {core: cnt for core, cnt in totals.items() if _is_latin(core)}
        totals = latin or totals  # Latin forms first; other scripts are transliterated
        # ties go to the form seen first (dicts keep insertion order, max keeps the first)
        return max(totals.items(), key=lambda x: x[1])[0], totals

    def _settle(self, e: _Ent) -> None:
        """Keep the form the entity is shown by unless another now has ``RENAME_LEAD`` times its count
        (or it may no longer name it: a person's full name turned up). Gazetteer entities are named by
        their reference and are left alone."""
        if e.ref:
            return
        best, totals = self._best_form(e)
        if e.shown != best and (e.shown not in totals or totals[best] >= RENAME_LEAD * totals[e.shown]):
            e.shown = best


_ARABIC_ARTICLE = frozenset({"al", "el"})


def _drop_article(key: tuple[str, ...]) -> tuple[str, ...] | None:
    """``key`` without the Arabic article between its first and last tokens, if it has one there."""
    kept = tuple(t for j, t in enumerate(key) if not (0 < j < len(key) - 1 and t in _ARABIC_ARTICLE))
    return kept if len(kept) < len(key) else None


def _keys_by_language(e: _Ent, langs: set[str], outline: tuple[str, ...]
                      ) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """The full-name keys of ``e`` with this outline, written in one of ``langs`` and in other known languages."""
    own: set[tuple[str, ...]] = set()
    other: set[tuple[str, ...]] = set()
    for lang, forms in e.aliases.items():
        if lang == "und":
            continue
        for f in forms:
            for k in _analyse(f, "PER", lang)[0].keys:
                if k in e.keys and skeleton(k) == outline:
                    (own if lang in langs else other).add(k)
    return own, other


@lru_cache(maxsize=1 << 16)
def _is_latin(text: str) -> bool:
    return script_of(text) == "latin"


def _readable(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", strip_accents(name)).strip("-") or "x"


def link_mentions(mentions: list[Mention], reader_lang: str = "en") -> list[Entity]:
    """Link ``mentions`` of any number of articles into canonical entities (articles in order of
    first appearance, each linked as one ``Linker.add`` call)."""
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_article[m.article].append(m)
    linker = Linker(reader_lang)
    for ms in by_article.values():
        linker.add(ms)
    return linker.entities()
