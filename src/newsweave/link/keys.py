"""Comparison keys for names: accent-free, script-free, phonetically folded.

A key is a tuple of folded tokens. Folding maps the spelling variants that
transliteration and national conventions produce onto one form: j/y/i, c/k/q,
w/v, ph/f, kh/h, doubled letters, and a final -v/-w/-ff (Peskov, Peskow,
Peskoff, Πεσκόφ). Changing any rule here changes the keys stored in the
shipped gazetteer: bump ``FOLD_VERSION`` and run ``build_gazetteer``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from newsweave.core.marks import strip_marks
from newsweave.link.lexicon import PARTICLES
from newsweave.link.translit import latin_variants, script_of

FOLD_VERSION = 3

_SPECIAL = str.maketrans({
    "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ł": "l", "þ": "th", "ı": "i",
    "ð": "d", "š": "sh", "č": "ch", "ž": "zh", "ć": "ch", "ś": "s", "ź": "z", "ż": "z",
    "ŝ": "sh", "ĉ": "ch", "ĝ": "g", "ĵ": "j", "ŭ": "u",
})
_APOSTROPHES = re.compile(r"['’ʼ`´ʻ.]")
_NON_ALNUM = re.compile(r"[\W_]+")
_TOKEN_SIM = 0.88      # every token pair of two person names (Τραμπ ~ Trump: 0.89)
_NAME_SIM_PER = 0.92   # their mean
_NAME_SIM = 0.95       # whole organisation / place names
_DIGIT = re.compile(r"\d")
_PLURAL_ABBREV = re.compile(r"(?:([A-Z])\1){2,3}")
_DOUBLE = re.compile(r"([a-z])\1+")
_RULES = [
    ("sch", "sh"), ("tch", "ch"), ("ph", "f"), ("th", "t"), ("kh", "h"), ("gh", "g"),
    ("ck", "k"), ("ch", "\0"), ("c", "k"), ("\0", "ch"), ("q", "k"), ("x", "ks"),
    ("w", "v"), ("j", "i"), ("y", "i"), ("ou", "u"), ("dzh", "di"), ("zh", "z"),
]


def strip_accents(text: str) -> str:
    """Lowercase ``text`` with diacritics removed (ß -> ss, š -> sh, é -> e)."""
    return strip_marks(text.lower().translate(_SPECIAL), "NFKD")


@lru_cache(maxsize=200_000)
def fold_token(token: str) -> str:
    """Phonetic fold of one Latin token (already lowercase and accent-free is fine)."""
    t = _NON_ALNUM.sub("", strip_accents(token))
    if not t.isascii():
        return t
    for a, b in _RULES:
        if a in t:
            t = t.replace(a, b)
    t = _DOUBLE.sub(r"\1", t)
    if len(t) > 3 and t.endswith("v"):
        t = t[:-1] + "f"
    return t


def fold(text: str) -> tuple[str, ...]:
    """Folded tokens of Latin ``text``: apostrophes and dots removed, hyphens split."""
    s = _APOSTROPHES.sub("", text)
    out = []
    for t in _NON_ALNUM.split(s):
        if _PLURAL_ABBREV.fullmatch(t):
            out.append(t.lower())  # EEUU, FFAA: doubled initials, not doubled letters
        elif t:
            f = fold_token(t)
            if f:
                out.append(f)
    return tuple(out)


def key_variants(text: str, lang: str | None = None) -> list[tuple[str, ...]]:
    """Folded keys of every Latin rendering of ``text``, the preferred first."""
    out: list[tuple[str, ...]] = []
    for v in latin_variants(text, lang=lang):
        k = fold(v)
        if k and k not in out:
            out.append(k)
    return out


def primary_key(text: str) -> tuple[str, ...]:
    """The preferred folded key of ``text`` (empty tuple when it has no letters or digits)."""
    ks = key_variants(text)
    return ks[0] if ks else ()


_GREEK_ENDINGS = (("ου", ("ο", "ος", "")), ("ας", ("α",)), ("ης", ("η",)), ("ος", ("ο", "")),
                  ("ς", ("",)), ("α", ("ας",)), ("η", ("ης",)), ("ο", ("ος",)))
_CYR_ENDINGS = (("ией", ("ия",)), ("ой", ("а",)), ("ом", ("",)), ("ым", ("",)), ("ы", ("а",)), ("и", ("я", "ь")),
                ("е", ("а", "")), ("у", ("а", "")), ("а", ("",)), ("я", ("ь", "й")), ("ю", ("ь", "я")))


def inflection_variants(text: str) -> list[str]:
    """Other case forms of Greek or Cyrillic ``text`` (Βόρειας Κορέας -> Βόρεια Κορέα), for lookups."""
    script = script_of(text)
    table = {"greek": _GREEK_ENDINGS, "cyrillic": _CYR_ENDINGS}.get(script)
    if table is None:
        return []
    words = text.split()
    per_word: list[list[str]] = []
    for w in words:
        alts = [w]
        low = w.lower()
        for end, repl in table:
            if low.endswith(end) and len(low) > len(end) + 2:
                alts += [w[: len(w) - len(end)] + r for r in repl]
                break
        per_word.append(alts)
    out: list[str] = []
    # one word changed at a time, then all words changed together (Βόρειας Κορέας)
    for i, alts in enumerate(per_word):
        for a in alts[1:]:
            out.append(" ".join(words[:i] + [a] + words[i + 1:]))
    if len(words) > 1:
        out.append(" ".join(alts[1] if len(alts) > 1 else alts[0] for alts in per_word))
    return [o for o in dict.fromkeys(out) if o != text]


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity in [0, 1]."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    ma = [False] * la
    mb = [False] * lb
    matches = 0
    for i, c in enumerate(a):
        for j in range(max(0, i - window), min(lb, i + window + 1)):
            if not mb[j] and b[j] == c:
                ma[i] = mb[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    transpositions = 0
    j = 0
    for i in range(la):
        if ma[i]:
            while not mb[j]:
                j += 1
            if a[i] != b[j]:
                transpositions += 1
            j += 1
    m = float(matches)
    jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4]):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def shape(key: tuple[str, ...]) -> tuple[int, str, str]:
    """Blocking key for spelling similarity: token count, first and last initials."""
    return len(key), key[0][:1], key[-1][:1]


def similar(a: tuple[str, ...], b: tuple[str, ...], etype: str) -> bool:
    """Close spellings of one name: people token by token, other names as a whole; digits exact."""
    if len(a) != len(b):
        return False
    if etype == "PER":
        if len(a) < 2:
            return False
        sims = [1.0 if x == y else 0.0 if min(len(x), len(y)) < 2 else jaro_winkler(x, y)
                for x, y in zip(a, b)]
        return min(sims) >= _TOKEN_SIM and sum(sims) / len(sims) >= _NAME_SIM_PER
    if any(x != y and (_DIGIT.search(x) or _DIGIT.search(y)) for x, y in zip(a, b)):
        return False  # Airbus A320 is not Airbus A380
    ja, jb = " ".join(a), " ".join(b)
    return min(len(ja), len(jb)) >= 6 and jaro_winkler(ja, jb) >= _NAME_SIM


_SKELETON_DROP = re.compile(r"[aeiouh]")
# Jaro-Winkler of every differing token pair: given names (mohamed ~ mahmud 0.80: two names; moamar ~ muamar
# 0.90), family names (kadhafi ~ gadafi 0.85, putin ~ poetin; girone ~ kirino 0.69: two people)
_VARIANT_SIM = (0.85, 0.8)
_VARIANT_MIN = 5      # letters the outline needs: "Li Peng" and "Lu Ping" share theirs
_SUFFIX = 3           # tokens first differing this near their end are two names (Marine, Marion; Aref, Arafi)


@lru_cache(maxsize=200_000)
def skeleton(key: tuple[str, ...]) -> tuple[str, ...]:
    """Outline of a folded key, token by token: its first letter and its consonants, the letters the Latin
    spellings of one name keep in common (Gaddafi, Kadhafi, Gheddafi, Gadafi: kdf; Muammar, Moamar, Muhammar:
    mr); Ahmed (amd) and Mohamed (md) stay apart by their first letters."""
    return tuple(_DOUBLE.sub(r"\1", t[:1] + _SKELETON_DROP.sub("", t[1:])) for t in (t.replace("g", "k") for t in key))


def _suffix_only(a: str, b: str) -> bool:
    """Whether two tokens first differ within their last ``_SUFFIX`` letters: endings tell names apart
    (Paolo, Paola; Cristina, Cristian; Alexandra, Alexander; Jean, Juan), spellings differ earlier."""
    first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return first >= min(len(a), len(b)) - _SUFFIX


def variant_spelling(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two folded full person names are one name spelled two ways in Latin letters (Muammar Gaddafi,
    Mouammar Kadhafi, Muamar Gadafi): the same outline token by token (``skeleton``), at least
    ``_VARIANT_MIN`` letters of it in all, two tokens that are not ``PARTICLES``, and every token that differs
    at least two letters of outline long, close (Jaro-Winkler, ``_VARIANT_SIM``) and not differing only near
    its end (``_suffix_only``). The linker asks it only of spellings from different languages."""
    if len(a) < 2 or len(a) != len(b) or a == b or sum(t not in PARTICLES for t in a) < 2:
        return False
    sa, sb = skeleton(a), skeleton(b)
    if sa != sb or sum(map(len, sa)) < _VARIANT_MIN:
        return False
    last = len(a) - 1
    return all(x == y or (len(s) >= 2 and not _suffix_only(x, y) and jaro_winkler(x, y) >= _VARIANT_SIM[i == last])
               for i, (x, y, s) in enumerate(zip(a, b, sa)))


def slug(key: tuple[str, ...]) -> str:
    """Identifier-safe form of a key: tokens joined by hyphens."""
    return "-".join(key)
