"""Name-aware transliteration of Greek, Cyrillic, Armenian and Georgian to Latin.

``transliterate`` gives one readable Latin form. ``latin_variants`` gives the
few other plausible renderings where the source spelling is ambiguous (Greek
``ντ`` is d in Βλαντίμιρ but nd in Αντρέι); the linker compares all of them.
Other scripts are returned unchanged.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

_GREEK_VOWELS = set("αεηιουω")
_GREEK_FRONT = set("εηιυ")
_GREEK_VOICELESS = set("θκξπστφχψ")
_GREEK_SINGLE = dict(zip(
    "αβγδεζηθικλμνξοπρσςτυφψω",
    "a v g d e z i th i k l m n x o p r s s t i f ps o".split(),
))

_CYR = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґђјљњћџѓќѕў",
    "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya "
    "i yi ye g dj j lj nj c dz gj kj dz u".split(),
))
_CYR = {k: ("" if v == "_" else v) for k, v in _CYR.items()}
_UKRAINIAN_MARKS = set("іїєґ")

_ARMENIAN = dict(zip(
    "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
    "a b g d e z e y t zh i l kh ts k h dz gh ch m y n sh o ch p j r s v t r ts v p k o f".split(),
))
_GEORGIAN = dict(zip(
    "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
    "a b g d e v z t i k l m n o p zh r s t u p k gh q sh ch ts dz ts ch kh j h".split(),
))

_WORD = re.compile(r"[^\W\d_]+")
_MAX_VARIANTS = 16


def script_of(text: str) -> str:
    """The first non-Latin script among the letters of ``text``, or "latin"."""
    if text.isascii():  # ASCII letters are all Latin; most names and words take this path
        return "latin"
    for ch in text:
        if ch.isascii() or not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        for script in ("GREEK", "CYRILLIC", "ARMENIAN", "GEORGIAN"):
            if name.startswith(script):
                return script.lower()
        if not name.startswith("LATIN"):
            return "other"
    return "latin"


def _greek_letters(word: str) -> list[tuple[str, bool, bool]]:
    """(base letter lowercased, accented, diaeresis) per letter."""
    out: list[tuple[str, bool, bool]] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if unicodedata.combining(ch):
            if out:
                base, acc, dia = out[-1]
                out[-1] = (base, acc or ch in "\u0301\u0300\u0342", dia or ch == "\u0308")
        else:
            out.append((ch, False, False))
    return out


def _greek_options(word: str) -> list[list[str]]:
    """Per-segment rendering options, the preferred one first."""
    L = _greek_letters(word)
    n = len(L)
    segs: list[list[str]] = []
    i = 0

    def ch(k: int) -> str:
        return L[k][0] if 0 <= k < n else ""

    while i < n:
        c, acc, _ = L[i]
        nxt = ch(i + 1)
        nxt_dia = L[i + 1][2] if i + 1 < n else False
        prev = ch(i - 1)
        after = ch(i + 2)
        two = c + nxt
        diph = not acc and not nxt_dia
        if two == "ου" and diph:
            # word-initial ου before a vowel is English w: Ουάσιγκτον, Ουίλιαμ
            segs.append(["w", "u"] if i == 0 and after in _GREEK_VOWELS else ["u"]); i += 2; continue
        if two in ("αι", "ει", "οι", "υι") and diph:
            segs.append(["e"] if c == "α" else ["i"]); i += 2; continue
        if two in ("αυ", "ευ", "ηυ") and diph:
            v = {"α": "a", "ε": "e", "η": "i"}[c]
            segs.append([v + ("f" if after in _GREEK_VOICELESS or not after else "v")]); i += 2; continue
        if two == "ντ":
            if i == 0 or prev not in _GREEK_VOWELS:
                segs.append(["d", "nd"])  # Ντόναλντ -> Donald, Ερντογάν -> Erdogan
            elif after == "σ" or i + 2 >= n:
                segs.append(["nt", "nd", "d"])
            elif prev in _GREEK_VOWELS and after in _GREEK_VOWELS:
                segs.append(["d", "nd", "nt"])
            else:
                segs.append(["nd", "d", "nt"])
            i += 2; continue
        if two == "μπ":
            if i == 0:
                segs.append(["b"])
            elif i + 2 >= n:
                segs.append(["mp", "b"])
            else:
                segs.append(["mb", "b"])
            i += 2; continue
        if two == "γκ":
            # Foreign names mostly write g as γκ (Σοϊγκού -> Shoigu), native words ng (Άγκυρα).
            segs.append(["g"] if i == 0 or prev not in _GREEK_VOWELS else ["g", "ng"]); i += 2; continue
        if two == "γγ":
            segs.append(["ng"]); i += 2; continue
        if two == "γχ":
            segs.append(["nkh"]); i += 2; continue
        if two == "γξ":
            segs.append(["nx"]); i += 2; continue
        if two == "τσ":
            segs.append(["ts"]); i += 2; continue
        if two == "τζ":
            segs.append(["j", "dz", "tz"]); i += 2; continue
        if c == "γ" and nxt == "ι" and after in _GREEK_VOWELS:
            # Γιονγκ -> Yong, Παναγιώτης -> Panayotis; after a consonant the g is heard.
            segs.append(["y"] if i == 0 or prev in _GREEK_VOWELS else ["gy", "g"]); i += 2; continue
        if c == "χ":
            front = nxt in _GREEK_FRONT
            segs.append(["h", "kh", "ch"] if (i == 0 and front) else ["kh", "h", "ch"]); i += 1; continue
        if c in _GREEK_SINGLE:
            segs.append([_GREEK_SINGLE[c]])
        else:
            segs.append([c])
        i += 1
    return segs


def _cyrillic_options(word: str, lang: str | None) -> list[list[str]]:
    low = word.lower()
    ukr = lang == "uk" or any(c in _UKRAINIAN_MARKS for c in low)
    segs: list[list[str]] = []
    for i, c in enumerate(low):
        prev = low[i - 1] if i else ""
        if c in "ий" and prev in "ыи" and i == len(low) - 1:
            segs.append([""])  # Дмитрий -> Dmitriy would fold oddly; the -iy ending reads as -y
            continue
        if c == "е" and (i == 0 or prev in "аеёиоуыэюяьъ"):
            segs.append(["ye", "e"] if not ukr else ["e"])
            continue
        if c == "ё":
            segs.append(["yo", "e"])
            continue
        if c == "г" and ukr:
            segs.append(["h", "g"])
            continue
        if c == "и" and ukr:
            segs.append(["y", "i"])
            continue
        if c == "щ" and lang == "bg":
            segs.append(["sht"])
            continue
        if c == "ъ" and lang == "bg":
            segs.append(["a"])
            continue
        segs.append([_CYR.get(c, c)])
    return segs


def _simple_options(word: str, table: dict[str, str]) -> list[list[str]]:
    return [[table.get(c, c)] for c in word.lower()]


def _word_options(word: str, script: str, lang: str | None) -> list[list[str]]:
    if script == "greek":
        return _greek_options(word)
    if script == "cyrillic":
        return _cyrillic_options(word, lang)
    if script == "armenian":
        return _simple_options(word, _ARMENIAN)
    if script == "georgian":
        return _simple_options(word, _GEORGIAN)
    return [[word]]


def _recase(src: str, out: str) -> str:
    if not out:
        return out
    letters = [c for c in src if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return out.upper()
    if letters and letters[0].isupper():
        return out[0].upper() + out[1:]
    return out


_HINTS = {
    "greek": "greek", "grek": "greek", "el": "greek",
    "cyrillic": "cyrillic", "cyrl": "cyrillic", "ru": "cyrillic", "uk": "cyrillic", "bg": "cyrillic",
    "sr": "cyrillic", "mk": "cyrillic", "be": "cyrillic",
    "armenian": "armenian", "armn": "armenian", "hy": "armenian",
    "georgian": "georgian", "geor": "georgian", "ka": "georgian",
    "latin": "latin", "latn": "latin",
}


def latin_variants(text: str, script_hint: str | None = None, lang: str | None = None) -> list[str]:
    """Latin renderings of ``text``, the preferred first; at most 16; input returned when Latin.

    ``script_hint`` is a script name or ISO 15924 code ("greek", "Cyrl") or a language code
    ("el", "uk"); a language code also selects its Cyrillic variant (Ukrainian г -> h).
    """
    hint = (script_hint or "").lower()
    if hint in ("uk", "bg", "sr", "mk", "be") and lang is None:
        lang = hint
    script_hint = _HINTS.get(hint) if hint else None
    pieces: list[str | list[str]] = []
    pos = 0
    for m in _WORD.finditer(text):
        pieces.append(text[pos:m.start()])
        word = m.group()
        script = script_hint or script_of(word)
        if script in ("latin", "other"):
            pieces.append(word)
        else:
            opts = _word_options(word, script, lang)
            words: list[str] = []
            for combo in itertools.islice(itertools.product(*opts), _MAX_VARIANTS):
                w = _recase(word, "".join(combo))
                if w not in words:
                    words.append(w)
            pieces.append(words)
        pos = m.end()
    pieces.append(text[pos:])
    choices = [p if isinstance(p, list) else [p] for p in pieces]
    out: list[str] = []
    for combo in itertools.product(*choices):
        s = "".join(combo)
        if s not in out:
            out.append(s)
        if len(out) >= _MAX_VARIANTS:
            break
    return out


def transliterate(text: str, script_hint: str | None = None) -> str:
    """Latin form of ``text``: Greek, Cyrillic, Armenian and Georgian words are transliterated.

    Greek follows name-aware rules (Βλαντίμιρ Πούτιν -> Vladimir Putin, Κιμ Γιονγκ Ουν ->
    Kim Yong Un, Ντμίτρι Πεσκόφ -> Dmitri Peskof), Cyrillic a simplified BGN scheme
    (Дмитрий Песков -> Dmitry Peskov). Accents are dropped from transliterated words;
    Latin words and other scripts are left as they are. ``script_hint`` ("greek", "Cyrl",
    or a language code such as "uk") forces the source script.
    """
    return latin_variants(text, script_hint)[0]
