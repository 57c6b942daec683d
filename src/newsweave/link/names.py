"""Find the name inside a mention and compute its comparison keys.

Mentions from a recogniser or a gold set often carry more than the name:
"il presidente Putin", "the A380", "Steve Jobs, CEO de Apple", "Singapore
Airlines (SIA". ``analyse_surface`` keeps the name, notes a parenthesised
acronym, and says whether anything name-like is left at all (pronouns and
common-noun phrases are not linked across articles).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsweave.link.keys import fold, inflection_variants, key_variants
from newsweave.link.lexicon import (
    CONNECTORS,
    EAST_ASIAN_SURNAMES,
    FUNCTION_WORDS,
    LEGAL_SUFFIXES,
    PREPOSITIONS,
    NAME_LIKE_TITLES,
    TITLES,
)
from newsweave.link.translit import script_of

_PAREN = re.compile(r"^(.*?)\s*\(\s*([^()]*?)\s*\)?\s*$")
_APPOSITION = re.compile(r"\s*[,;:]\s+|\s+[-–—]\s+")
_ELISION = re.compile(r"^[^\W\d_A-ZÀ-Þ]{1,6}['’](?=\w)")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s?$")
_SAXON_GENITIVE = re.compile(r"\w['’]s$|s['’]$")
_EDGE_PUNCT = "\"'«»“”„‘’()[]{}<>.,;:!?¡¿*"


@dataclass
class Surface:
    """What the linker needs from one mention's text."""

    core: str                                   # the name, as written, without titles or determiners
    tokens: list[str]
    is_name: bool
    keys: list[tuple[str, ...]] = field(default_factory=list)       # preferred first
    det_keys: list[tuple[str, ...]] = field(default_factory=list)     # capitalised article kept: El Salvador
    lookup_keys: list[tuple[str, ...]] = field(default_factory=list)  # inflected forms, gazetteer look-ups only
    acronym: tuple[str, ...] | None = None     # folded initials of a multi-word name
    paren_acronym: tuple[str, ...] | None = None
    caps_code: str | None = None                # "US" for "U.S.", "ΗΠΑ", "EEUU"
    plural_initials: str | None = None          # "EU" for Spanish "EE.UU." (doubled initials of a plural)
    lang: str | None = None
    legal_form: bool = False                    # a legal-form suffix was dropped ("Apple Inc.")
    latin: bool = True

    @property
    def key(self) -> tuple[str, ...]:
        return self.keys[0] if self.keys else ()

    @property
    def short(self) -> bool:
        return len(self.key) == 1


def _clean_token(tok: str) -> str:
    tok = tok.strip(_EDGE_PUNCT) if len(tok) > 1 and not re.fullmatch(r"(\w\.)+", tok) else tok
    tok = _ELISION.sub("", tok)
    tok = _POSSESSIVE.sub("", tok) if len(tok) > 2 else tok
    return tok


def _bare(tok: str) -> str:
    return tok.lower().replace(".", "")


def _cased(tok: str) -> bool:
    return any(c.isupper() or c.islower() for c in tok)


def is_name_token(tok: str, person: bool = False) -> bool:
    """Capitalised, caseless-script or numeric token that is not a function word (nor, in a
    person's mention, a title: "President" is not part of the name, "San" of San Francisco is)."""
    b = _bare(tok)
    titles = TITLES if person else frozenset()
    letters = [c for c in tok if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters) and b not in titles:
        return True  # "US", "U.S.", "WHO" are names even where "us", "who" are pronouns
    if not b or b in FUNCTION_WORDS or b in titles:
        return False
    return any(c.isupper() or c.isdigit() for c in tok) or not _cased(tok)


def _strip_leading(tokens: list[str], person: bool) -> tuple[list[str], list[str], bool]:
    """Drop leading lowercase words, determiners and titles. Also returns the tokens kept
    when capitalised determiners stay (El Salvador, Los Angeles), and whether the name
    only modifies a common noun ("la rival europea de Boeing", "CEO de Apple")."""
    i = 0
    with_det: list[str] | None = None
    content = False
    while i < len(tokens):
        t = tokens[i]
        b = _bare(t)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        quantity = b.isdigit() and nxt[:1].islower()
        if is_name_token(t, person) and not quantity:
            break
        if with_det is None and t[:1].isupper() and b in FUNCTION_WORDS:
            with_det = tokens[i:]
        if not quantity and b not in FUNCTION_WORDS and b not in PREPOSITIONS:
            content = True
        i += 1
    rest = tokens[i:]
    modifier = content and i > 0 and _bare(tokens[i - 1]).rstrip("'’") in PREPOSITIONS
    return rest, (with_det if with_det and len(with_det) > len(rest) and rest else rest), modifier


def _caps_code(text: str) -> tuple[str | None, str | None]:
    """(ISO-like code, halved plural initials) of an all-capitals abbreviation."""
    letters = re.sub(r"[.\s]", "", text)
    if not letters.isalpha() or not letters.isupper():
        return None, None
    if len(letters) in (4, 6) and all(letters[i] == letters[i + 1] for i in range(0, len(letters), 2)):
        return letters, letters[::2]  # Spanish doubles the initials of plurals: EE.UU. = Estados Unidos
    return (letters if 2 <= len(letters) <= 4 else None), None


def acronym_of(tokens: list[str]) -> str | None:
    """Initials of the content words of a multi-word name ("Korean Central News Agency" -> "KCNA")."""
    words = [t for t in tokens if t and t[0].isalpha() and t.lower() not in CONNECTORS]
    if len(words) < 2 or not all(is_name_token(w) for w in words):
        return None
    return "".join(w[0] for w in words).upper()


def surname_tokens(key: tuple[str, ...]) -> set[str]:
    """Tokens a short form of this full PER name may use: the last, or the first for
    family-name-first names (Kim Jong Un -> kim)."""
    if len(key) < 2:
        return set(key)
    out = {key[-1]}
    if key[0] in EAST_ASIAN_SURNAMES:
        out.add(key[0])
    return out


def analyse_surface(text: str, etype: str, lang: str | None = None) -> Surface:
    """Split ``text`` into the name it contains and its keys (see module docstring)."""
    raw = " ".join(text.split())
    paren_inner = None
    m = _PAREN.match(raw)
    if m and m.group(1):
        raw, paren_inner = m.group(1), m.group(2)
    segments = [s for s in _APPOSITION.split(raw) if s]
    tokens: list[str] = []
    with_det: list[str] = []
    for seg in segments or [raw]:
        words = seg.split()
        owner = [i for i, w in enumerate(words[:-1]) if _SAXON_GENITIVE.search(w)]
        if owner:
            words = words[owner[-1] + 1:]  # "Boeing's European rival": Boeing only qualifies the head
        toks = [t for t in (_clean_token(t) for t in words) if t]
        person = etype == "PER"
        if person:
            # "CEO Steve Jobs" names the person; "Apple CEO" and "CEO de Apple" describe a role
            idx = [i for i, t in enumerate(toks[:-1])
                   if _bare(t) in TITLES and is_name_token(toks[i + 1], True)]
            if idx:
                toks = toks[idx[-1] + 1:]
            elif toks and _bare(toks[-1]) in TITLES and _bare(toks[-1]) not in NAME_LIKE_TITLES:
                toks = []
        toks, wd, modifier = _strip_leading(toks, person)
        if modifier:
            continue
        if toks and any(is_name_token(t, person) for t in toks):
            tokens, with_det = toks, wd
            break
    legal_form = etype in ("ORG", "MISC") and len(tokens) > 1 and _bare(tokens[-1]) in LEGAL_SUFFIXES
    if legal_form:
        tokens = with_det = tokens[:-1]
    core = " ".join(tokens)
    is_name = bool(tokens) and any(is_name_token(t, etype == "PER") for t in tokens)
    surf = Surface(core=core, tokens=tokens, is_name=is_name, latin=script_of(core) == "latin", lang=lang,
                   legal_form=legal_form)
    if not is_name:
        return surf
    surf.keys = key_variants(core, lang)
    if with_det != tokens:
        surf.det_keys = [k for k in key_variants(" ".join(with_det), lang) if k not in surf.keys]
    for form in inflection_variants(core):
        for k in key_variants(form, lang):
            if k not in surf.keys and k not in surf.lookup_keys:
                surf.lookup_keys.append(k)
    acr = acronym_of(tokens) if etype not in ("PER", "LOC") else None
    if acr and len(acr) >= 3:
        surf.acronym = fold(acr)
    if paren_inner and " " not in paren_inner and sum(c.isupper() for c in paren_inner) >= 2:
        surf.paren_acronym = fold(paren_inner)
    surf.caps_code, surf.plural_initials = _caps_code(core)
    return surf
