"""Showing a sentence in another language to the reader: names, dates, optional translation.

Convention for an untranslated sentence in another language: every entity
mention is *replaced* by the entity's canonical name in the reader's script
("Κιμ Γιονγκ Ουν" -> "Kim Jong-un", "Βόρειας Κορέας" -> "North Korea",
"Mosca" -> "Moscow"), except that a mention which already reads, once
transliterated, as part of the canonical name stays short ("Πούτιν" ->
"Putin", not "Vladimir Putin"); each resolved date is appended in square
brackets after its expression ("της Τρίτης [2023-09-12]"). The original
sentence is kept as ``source_text``. Replacing rather than bracketing keeps the
line readable; canonical names never need the source script to be read.

With a translator the names are protected by placeholders (Apertium turns
"Kim Jong Un" into "Kim Jong A") and put back afterwards; a translation that
loses a placeholder is redone without them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from newsweave.analyse.langid import primary_language
from newsweave.core.marks import strip_marks
from newsweave.link.lexicon import IRREGULAR_DEMONYMS
from newsweave.products.summary.candidates import Candidate
from newsweave.translate import Translator

_SCRIPTS = {"el": "GREEK", "ru": "CYRILLIC", "uk": "CYRILLIC", "bg": "CYRILLIC", "sr": "CYRILLIC",
            "mk": "CYRILLIC", "be": "CYRILLIC", "kk": "CYRILLIC", "ar": "ARABIC", "fa": "ARABIC",
            "he": "HEBREW", "hy": "ARMENIAN", "ka": "GEORGIAN", "zh": "CJK", "ja": "CJK", "ko": "HANGUL"}
_TOKEN = re.compile(r"\w+")
PLACEHOLDER = "ZZNAME{}"


def reader_script(lang: str) -> str:
    """The script a reader of ``lang`` reads ("LATIN", "GREEK", "CYRILLIC", ...)."""
    return _SCRIPTS.get(primary_language(lang), "LATIN")


@lru_cache(maxsize=4096)
def script_of(text: str) -> str:
    """The script of most letters in ``text`` ("LATIN" when it has none)."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "LATIN").split(" ")[0]
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else "LATIN"


def _latin(text: str) -> str:
    from newsweave.link.translit import transliterate

    return transliterate(text)


def _fold(text: str) -> set[str]:
    return set(_TOKEN.findall(strip_marks(text.casefold(), "NFKD")))


def render_name(surface: str, canonical: str, reader_lang: str, context: str = "") -> str:
    """How a mention reads for the reader: short if it already is part of the canonical name.

    A mention the article itself wrote in the reader's script amid text in
    another script (a Latin "Khasan" in Greek) is kept as written, and so is one
    whose canonical name is no nearer the reader's script than itself (an Italian
    "Corea del Nord" for a Greek reader, whose canonical name is English).
    """
    script = reader_script(reader_lang)
    if context and script_of(surface) == script != script_of(context):
        return surface
    name = canonical or surface
    if script_of(name) != script and script_of(surface) == script_of(name):
        return surface  # "Corea del Nord" for a Greek reader: "North Korea" is no nearer to their script
    if script == "LATIN" and script_of(name) != "LATIN":
        name = _latin(name)
    shown = _latin(surface) if script == "LATIN" and script_of(surface) != "LATIN" else surface
    if script_of(shown) == script and _fold(shown) and _fold(shown) <= _fold(name):
        return shown
    if kept_as_written(surface, name, reader_lang):
        return surface
    return name


def kept_as_written(surface: str, canonical: str, reader_lang: str) -> bool:
    """A mention in the reader's script that is a word the linker tied to a name, not the name itself: lower
    case ("russo", "nordcoreano") or an adjective or demonym of it ("Russian weapons": "Russia weapons" would
    misquote the source). It is shown, and translated, as written; in another script the name stands in."""
    if script_of(surface) != reader_script(reader_lang):
        return False
    return surface[:1].islower() or _derived(surface, canonical or surface)


_DEMONYM_ENDINGS = ("", "n", "an", "ns", "ans", "ian", "ians", "ese", "ish", "i", "ic")  # "": German, Germany
_TAIL = re.compile(r"(?:['’]s?|-[^\W\d_]+)$")  # Russians' / Russia's / Russian-made


def _derived(surface: str, name: str) -> bool:
    """Whether ``surface`` is an adjective or demonym made from ``name`` ("Russian", "Russians'", "Russian-made"
    from Russia, "North Korean", "German", "British" from the United Kingdom), which the name cannot replace in
    a sentence; other spellings of the name ("Roma", "Germania") are not."""
    word = _TAIL.sub("", strip_marks(surface.casefold(), "NFKD"))
    base = strip_marks(name.casefold(), "NFKD")
    if IRREGULAR_DEMONYMS.get(word) == base:
        return True
    if len(base) < 4 or word == base:
        return False
    if word.startswith(base) and word[len(base):] in _DEMONYM_ENDINGS:  # North Korean, Chinese-made
        return True
    if " " in base or " " in word:
        return False
    stem = base[:-1] if base[-1] in "aeiouy" else base  # Russia -> russi-, China -> chin-, Germany -> german-
    return word.startswith(stem) and word[len(stem):] in _DEMONYM_ENDINGS


def _pieces(cand: Candidate) -> list[tuple[int, int, str, str]]:
    """Non-overlapping replacements ``(start, end, kind, payload)``: names and date notes."""
    out: list[tuple[int, int, str, str]] = []
    taken = -1
    for s, e, _, name, _ in cand.mentions:
        if s >= taken:
            out.append((s, e, "name", name))
            taken = e
    for _, e, v in cand.dates:  # a date inside a (mis-recognised) name is noted after the name
        at = next((t for s, t, _, _ in out if s < e <= t), e)
        out.append((at, at, "date", v[:10]))
    return sorted(out, key=lambda p: (p[0], p[1], p[2] == "date"))


def render(cand: Candidate, reader_lang: str, placeholders: bool = False,
           dates: bool = True) -> tuple[str, list[str]]:
    """The sentence with names rendered (or replaced by placeholders) and dates noted.

    Returns the text and the rendered names in placeholder order.
    """
    parts, names, at = [], [], 0
    for s, e, kind, payload in _pieces(cand):
        parts.append(cand.text[at:s])
        if kind == "name" and placeholders and kept_as_written(cand.text[s:e], payload, reader_lang):
            parts.append(cand.text[s:e])  # a word, not a name: the translator translates it ("russo": Russian)
        elif kind == "name":
            names.append(render_name(cand.text[s:e], payload, reader_lang, cand.text))
            parts.append(PLACEHOLDER.format(len(names) - 1) if placeholders else names[-1])
        elif dates:
            parts.append(cand.text[s:e] + f" [{payload}]")
        at = e
    parts.append(cand.text[at:])
    return "".join(parts), names


def translate(cands: list[Candidate], reader_lang: str, translator: Translator) -> list[str | None]:
    """Translations of sentences of one source language; ``None`` where none is available."""
    if not cands:
        return []
    src = cands[0].lang or ""
    protected = [render(c, reader_lang, placeholders=True, dates=False) for c in cands]
    done = translator.translate([t for t, _ in protected], src, reader_lang)
    if done is None or len(done) != len(cands):
        return [None] * len(cands)
    out: list[str | None] = [_restore(" ".join(t.split()), names) for t, (_, names) in zip(done, protected)]
    missing = [i for i, t in enumerate(out) if t is None]
    if missing:
        plain = translator.translate([render(cands[i], reader_lang, dates=False)[0] for i in missing],
                                     src, reader_lang) or [None] * len(missing)
        for i, t in zip(missing, plain):
            out[i] = " ".join(t.split()) if t else None
    return out


def _restore(text: str, names: list[str]) -> str | None:
    """Put names back for their placeholders; ``None`` when one went missing or doubled."""
    for i in reversed(range(len(names))):  # ZZNAME10 before ZZNAME1
        token = PLACEHOLDER.format(i)
        if text.count(token) != 1:
            return None
        text = text.replace(token, names[i])
    return text
