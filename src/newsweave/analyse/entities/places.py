"""Place names in text written without letter case (Arabic, Persian, Chinese, Korean, Thai...).

The CRF's main cue, capitals, is missing in these scripts, so it tags nothing
there (see ``crf.py``). Their place names are still known: the link gazetteer
holds the CLDR territory names of every locale and the GeoNames alternate
names of large cities, in their own scripts. ``PlaceSpotter`` finds those
names by longest match: over words where words are spaced (Arabic, Persian,
Hebrew), over characters inside a run of Han, Kana or Hangul, where they are
not (or carry particles: 독일에서). The mentions it finds are LOC; the linker
maps them to the same canonical places as "Turkey" or "Türkiye" written in
Latin script. In scripts whose words carry combining vowel signs (Thai,
Indic, Khmer...) the gazetteer's folded keys drop those signs (Tamil போர
"war" would read as Peru), so there only the CLDR country names of the
script's own locales are matched, character for character: as whole words
(an inflected form such as Tamil ஈரானில் "in Iran" is missed: its vowel sign
replaces the name's last mark), or anywhere in Thai, Lao, Khmer and Burmese,
which do not space words.

Short city names are where false hits come from (Chinese 马尔 "Marl" inside a
transliterated person's name, Arabic له "to him" = Leh), so a city needs three
characters in an unspaced script and five letters in a spaced one; country and
region names need two characters unspaced (德国) and three letters spaced (مصر).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from newsweave.analyse.entities.base import EntitySpan, Recogniser
from newsweave.analyse.entities.tokenize import tokenize
from newsweave.analyse.entities.words import cased, cased_script, script
from newsweave.link.gazetteer import load_gazetteer
from newsweave.link.keys import inflection_variants, primary_key

VERSION = "places@4"  # @2: instrumental -ией forms of Cyrillic country names (Россией); @3: not inside names (マリア, 弗拉基米尔·); @4: nor seas (인도양)
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")
_MAX_WORDS = 4  # the longest names matched over spaced words ("پاپوآ گینه نو")
_MAX_CHARS = 8  # and over unspaced characters ("印度尼西亚")
_SKIP_REFS = {"T:001"}  # CLDR "world": a common word, not a place
# Locales written in scripts with combining vowel signs, and those of them that do not space words.
_MARKED_LOCALES = ("th", "lo", "km", "my", "hi", "mr", "ne", "bn", "as", "pa", "gu", "or", "ta", "te", "kn", "ml", "si")
_MARKED_UNSPACED = ("THAI", "LAO", "KHMER", "MYANMAR")
_MIN_MARKED = 3  # characters
_NAME_DOTS = frozenset("·‧•")  # joins a transliterated foreign person's names in Chinese
_KANA_DOT = "・"  # Katakana by its Unicode name, but it separates words
_OCEAN = frozenset("洋양")  # "ocean" after a place name, in Chinese, Japanese and Korean
_SEA = frozenset("海해")  # "sea", but also the first syllable of navy (海军, 해군), customs (海关), at sea (海上)
# what may follow "sea" for it to end the name: not a letter, or a particle (日本海で, 黑海的, 동해에서)
_AFTER_SEA = frozenset("的でのにをはがとへも에을를이가은는의로와과도서")


@lru_cache(maxsize=1)
def _marked_names() -> dict[str, list[tuple[str, str]]]:
    """First character -> (CLDR territory name, "T:<code>"), longest first, for ``_MARKED_LOCALES``."""
    from babel import Locale

    known = load_gazetteer()["names"]
    table: dict[str, list[tuple[str, str]]] = {}
    for loc in _MARKED_LOCALES:
        for code, name in Locale.parse(loc).territories.items():
            ref = f"T:{code}"
            if ref in known and ref not in _SKIP_REFS and len(name) >= _MIN_MARKED:
                table.setdefault(name[0], []).append((name, ref))
    for names in table.values():
        names.sort(key=lambda nr: -len(nr[0]))
    return table


@lru_cache(maxsize=8192)
def _in_scripts(ch: str, prefixes: tuple[str, ...]) -> bool:
    """Whether ``ch``'s Unicode name starts with one of ``prefixes`` (its script)."""
    return unicodedata.name(ch, "").startswith(prefixes)


def _unspaced(ch: str) -> bool:
    return _in_scripts(ch, _UNSPACED)


@lru_cache(maxsize=8192)
def _other_cased(ch: str) -> bool:
    """A cased letter of a script other than Latin and Greek (Cyrillic, Armenian...)."""
    return ch.isalpha() and cased(ch) and script(ch) == "ot"


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in taken)


class PlaceSpotter:
    """Longest-match lookup of place names in the link gazetteer."""

    def __init__(self) -> None:
        self._keys: dict[str, str] = load_gazetteer()["keys"]
        self._primary_key = lru_cache(maxsize=200_000)(primary_key)

    def ref(self, name: str, unspaced: bool) -> str | None:
        """The gazetteer ref ``name`` names, if it is long enough to trust."""
        letters = sum(ch.isalpha() for ch in name)
        if letters < (2 if unspaced else 3) or any(_is_mark(ch) for ch in name):
            return None
        ref = self._keys.get(" ".join(self._primary_key(name)))
        if ref is None or ref in _SKIP_REFS:
            return None
        if not ref.startswith("T:") and letters < (3 if unspaced else 5):
            return None
        return ref

    def spans(self, text: str) -> list[EntitySpan]:
        """LOC spans of the place names in ``text``, in order."""
        words = [(s, e) for s, e in tokenize(text) if any(ch.isalpha() for ch in text[s:e])]
        out: list[EntitySpan] = []
        i = 0
        while i < len(words):
            n = self._words_match(text, words, i)
            if n:
                s, e = _trim(text, words[i][0], words[i + n - 1][1])
                out.append(EntitySpan(s, e, text[s:e], "LOC"))
                i += n
                continue
            out.extend(self._chars_match(text, *words[i]))
            i += 1
        out += self._marked_match(text, [(s.start, s.end) for s in out])
        return sorted(out, key=lambda x: x.start)

    def _marked_match(self, text: str, taken: list[tuple[int, int]]) -> list[EntitySpan]:
        """Country names in scripts with vowel signs, matched exactly (see the module notes)."""
        table = _marked_names()
        out: list[EntitySpan] = []
        j = 0
        while j < len(text):
            names = table.get(text[j])
            unspaced = names is not None and _in_scripts(text[j], _MARKED_UNSPACED)
            if names and (unspaced or not _in_word(text, j - 1)):
                hit = next((n for n, _ in names if text.startswith(n, j) and (unspaced or not _in_word(text, j + len(n)))),
                           None)
                if hit and not _overlaps(taken, j, j + len(hit)):
                    out.append(EntitySpan(j, j + len(hit), hit, "LOC"))
                    j += len(hit)
                    continue
            j += 1
        return out

    def _words_match(self, text: str, words: list[tuple[int, int]], i: int) -> int:
        """How many words from ``i`` on name a place (0: none)."""
        if _unspaced(text[words[i][0]]):
            return 0
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            s, e = _trim(text, words[i][0], words[i + n - 1][1])
            if self.ref(text[s:e], unspaced=False):
                return n
        return 0

    def _chars_match(self, text: str, start: int, end: int) -> list[EntitySpan]:
        """Place names inside one word of an unspaced script, scanned character by character."""
        out: list[EntitySpan] = []
        j = start
        while j < end:
            if not _unspaced(text[j]):
                j += 1
                continue
            run = j  # a name stays inside its run of unspaced letters ("弗拉基米尔·" is not one)
            while run < end and _unspaced(text[run]):
                run += 1
            for k in range(min(run, j + _MAX_CHARS), j + 1, -1):
                ref = self.ref(text[j:k], unspaced=True)
                if ref and not _inside_a_name(text, j, k, ref):
                    out.append(EntitySpan(j, k, text[j:k], "LOC"))
                    j = k
                    break
            else:
                j += 1
        return out

    def territory(self, name: str) -> str | None:
        """The country or region a capitalised word of a cased script names, in any case form
        ("России" -> Россия -> "T:RU"), else None."""
        for form in (name, *inflection_variants(name)):
            ref = self._keys.get(" ".join(self._primary_key(form)))
            if ref is not None and ref.startswith("T:") and ref not in _SKIP_REFS:
                return ref
        return None

    def fix_types(self, text: str, spans: list[EntitySpan]) -> list[EntitySpan]:
        """Spans in a cased script other than Latin and Greek (Cyrillic...) that name a country:
        typed LOC whatever the CRF said (it reads those scripts by their capitals alone), and
        capitalised country names it missed added."""
        if not any(_other_cased(ch) for ch in set(text)):
            return spans  # Latin and Greek text, most of it: nothing to look at again
        out = [EntitySpan(s.start, s.end, s.text, "LOC") if s.type != "LOC" and script(s.text) == "ot"
               and self.territory(s.text) else s for s in spans]
        taken = [(s.start, s.end) for s in out]
        for s, e in tokenize(text):
            word = text[s:e]
            if word[:1].isupper() and script(word) == "ot" and not _overlaps(taken, s, e) and self.territory(word):
                out.append(EntitySpan(s, e, word, "LOC"))
        return sorted(out, key=lambda x: x.start)


def _in_word(text: str, i: int) -> bool:
    """Whether ``text[i]`` is a letter or a vowel sign (False outside the text)."""
    return 0 <= i < len(text) and (text[i].isalpha() or _is_mark(text[i]))


def _is_mark(ch: str) -> bool:
    """A combining mark: a vowel sign, a virama, an accent."""
    return unicodedata.category(ch).startswith("M")


def _names_water(text: str, end: int) -> bool:
    """Whether the place name ending at ``end`` is followed by a word for ocean or sea that ends there."""
    after = text[end] if end < len(text) else ""
    if after in _OCEAN:
        return True
    if after not in _SEA:
        return False
    nxt = text[end + 1] if end + 1 < len(text) else ""
    return not (nxt and _unspaced(nxt)) or nxt in _AFTER_SEA


def _inside_a_name(text: str, start: int, end: int, ref: str) -> bool:
    """Whether the place name at ``text[start:end]`` is part of a longer word or name instead.

    * In Katakana, where foreign words are written, a name must be the whole word:
      マリ (Mali) inside マリア (Maria) is not a place.
    * A place followed by "ocean" or "sea" (인도양, 印度洋, 日本海) names the water.
    * A city name beside the middle dot that joins a transliterated foreign person's
      names in Chinese (弗拉基米尔·普京, Vladimir Putin; 乔治·华盛顿) is a given name or
      surname. Country names are kept (they are rarely personal names), and the
      Japanese dot ・, which also separates listed places (東京・大阪), is not read so.
    """
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if _names_water(text, end):  # 인도양, 印度洋: the Indian Ocean, not India; 日本海, the Sea of Japan
        return True
    if _in_scripts(text[start], ("KATAKANA",)) and any(
            c and c != _KANA_DOT and _in_scripts(c, ("KATAKANA",)) for c in (before, after)):
        return True
    return not ref.startswith("T:") and bool({before, after} & _NAME_DOTS)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow a span to its first and last letter (drops "،", "(" and the like)."""
    while start < end and not text[start].isalpha():
        start += 1
    while end > start and not text[end - 1].isalpha():
        end -= 1
    return start, end


class WithPlaces:
    """A recogniser that also finds places in caseless scripts, where ``inner`` finds nothing, and
    types country names in other non-Latin scripts as places."""

    def __init__(self, inner: Recogniser) -> None:
        self.inner = inner
        self.name = f"{inner.name}+{VERSION}"
        self._spotter = PlaceSpotter()  # built now, so that forked workers inherit it

    def recognise(self, text: str, lang: str | None) -> list[EntitySpan]:
        """``inner``'s spans for cased text (country names in Cyrillic and other non-Latin, non-Greek
        cased scripts typed LOC); gazetteer places for caseless text."""
        if not text:
            return []
        if cased_script(text):
            return self._spotter.fix_types(text, self.inner.recognise(text, lang))
        return self._spotter.spans(text)
