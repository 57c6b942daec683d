"""Canonical places and seeded organisations, looked up by folded key.

The place table is read from ``data/gazetteer.json.gz`` (built from CLDR and
GeoNames by ``build_gazetteer``). If that file is missing or was folded by
other rules it is rebuilt in memory from the installed packages (slower, about
half a minute, never downloads).
"""

from __future__ import annotations

import gzip
import json
import logging
from functools import lru_cache

from newsweave.link.build_gazetteer import DATA_FILE, build
from newsweave.link.keys import FOLD_VERSION, key_variants, primary_key
from newsweave.link.lexicon import IRREGULAR_DEMONYMS, ORG_SEEDS, SEED_TERRITORIES, TERRITORY_ABBREVIATIONS
from newsweave.link.names import Surface, acronym_of

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def load_gazetteer() -> dict:
    """The place table (see ``build_gazetteer.build``), read once per process."""
    try:
        with gzip.open(DATA_FILE, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        if data.get("fold_version") == FOLD_VERSION:
            return data
        log.warning("%s was built with fold version %s; rebuilding in memory",
                    DATA_FILE, data.get("fold_version"))
    except OSError:
        log.warning("%s missing; building the gazetteer from installed packages", DATA_FILE)
    return build()


@lru_cache(maxsize=1)
def _seed_keys() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, forms in ORG_SEEDS.items():
        ref = f"T:{SEED_TERRITORIES[name]}" if name in SEED_TERRITORIES else f"S:{name}"
        for lang, names in forms.items():
            for form in names:
                for k in key_variants(form, lang):
                    out.setdefault(" ".join(k), ref)
    return out


def _candidates(surf: Surface) -> list[tuple[str, ...]]:
    return surf.det_keys + surf.keys + surf.lookup_keys


def seed_ref(surf: Surface) -> str | None:
    """"S:<name>" (or the CLDR "T:<code>" it shares, as for the EU) when the mention names a
    seeded organisation."""
    seeds = _seed_keys()
    for k in _candidates(surf):
        ref = seeds.get(" ".join(k))
        if ref:
            return ref
    return None


def place_ref(surf: Surface, territories_only: bool = False, own_keys_only: bool = False) -> str | None:
    """"T:<CLDR code>" or "C<geonameid>" for a mention naming a known place, else None.

    ``own_keys_only``: the name's own keys alone, not the forms without an article or
    inflection the linker also tries on mentions (a searched name is taken as typed)."""
    gaz = load_gazetteer()
    ref = None
    if surf.caps_code in TERRITORY_ABBREVIATIONS:
        ref = f"T:{TERRITORY_ABBREVIATIONS[surf.caps_code]}"
    elif surf.plural_initials:
        ref = _initials(surf.lang).get(surf.plural_initials)
    elif surf.caps_code and not territories_only:
        # an organisation called "ITA" or "ESP" is not Italy or Spain: codes only for places
        ref = gaz["codes"].get(surf.caps_code) or _initials(surf.lang).get(surf.caps_code)
    if ref:
        return ref
    for k in surf.keys if own_keys_only else _candidates(surf):
        ref = gaz["keys"].get(" ".join(k))
        if ref and (ref.startswith("T:") or not territories_only):
            return ref
    return None if own_keys_only else demonym_ref(surf)


# A demonym is its English country name plus an ending, the name's end sometimes changed; keys are folded
# as the gazetteer's are ("rusian", "germani" for Germany). (ending, what the name ends in instead), the likeliest first: Russian,
# Iranian, Ukrainian, Canadian, Italian, Chinese, Japanese, Turkish-like, Israeli, Somali, German, Mexican.
_DEMONYM_FORMS = (("n", ""), ("ian", ""), ("ian", "e"), ("ian", "a"), ("ian", "i"), ("ese", "a"), ("ese", ""),
                  ("ish", ""), ("i", ""), ("i", "ia"), ("", "i"), ("an", "o"), ("an", "a"))  # folded: y is "i"
_MIN_STEM = 3


@lru_cache(maxsize=1)
def _english_territories() -> dict[str, str]:
    """Folded key -> "T:<code>" of CLDR's English country names: a demonym is derived from these only (a name
    in another language would make "Pool" Polish "Pola" and "Libyan" Lebanese)."""
    return {" ".join(primary_key(name)): f"T:{code}" for code, name in _territories("en").items()
            if code.isalpha() and len(code) == 2}


@lru_cache(maxsize=1)
def _irregular() -> dict[str, str]:
    """``IRREGULAR_DEMONYMS`` by folded key ("amerikan")."""
    return {" ".join(primary_key(d)): country for d, country in IRREGULAR_DEMONYMS.items()}


def demonym_ref(surf: Surface) -> str | None:
    """The country a demonym names ("North Korean": "T:KP", "Americans", "British"), else None. Countries
    only: a city's people ("Roman") are not the city."""
    keys, english = load_gazetteer()["keys"], _english_territories()
    for *head, last in (k for k in surf.keys if k):
        for word in (last, last[:-1]) if last.endswith("s") and len(last) > 4 else (last,):  # Americans
            irregular = _irregular().get(" ".join((*head, word)))
            ref = keys.get(" ".join(primary_key(irregular))) if irregular else None
            if ref and ref.startswith("T:"):
                return ref
            for end, add in _DEMONYM_FORMS:
                stem = word[: len(word) - len(end)]
                if word.endswith(end) and len(stem) >= _MIN_STEM and (ref := english.get(" ".join((*head, stem + add)))):
                    return ref
    return None


@lru_cache(maxsize=64)
def _initials(lang: str | None) -> dict[str, str]:
    """Initials of the territory names of ``lang`` that name one territory (nl "VS" = Verenigde
    Staten, es "EU" = Estados Unidos), for all-capital abbreviations that are no ISO code."""
    if not lang:
        return {}
    seen: dict[str, set[str]] = {}
    for code, name in _territories(lang).items():
        acr = acronym_of(name.split())
        if acr and code.isalpha():
            seen.setdefault(acr, set()).add(f"T:{code}")
    return {a: refs.pop() for a, refs in seen.items() if len(refs) == 1}


@lru_cache(maxsize=64)
def _territories(lang: str) -> dict[str, str]:
    try:
        import babel

        return dict(babel.Locale.parse(lang).territories)
    except Exception:  # babel absent or unknown locale: English names from the table
        return {}


def ref_name(ref: str, lang: str = "en") -> str | None:
    """Display name of a place or seed in ``lang`` where known (territories: CLDR; seeds: the
    seed list), else its English name; None when the ref is unknown."""
    if ref.startswith("S:"):
        name = ref[2:]
        forms = ORG_SEEDS.get(name, {}).get(lang)
        return forms[0] if forms else name
    if ref.startswith("T:") and lang != "en":
        local = _territories(lang).get(ref[2:])
        if local:
            return local
    return load_gazetteer()["names"].get(ref)
