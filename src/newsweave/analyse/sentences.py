"""Rule-based sentence splitting for every script the language identifier knows.

A boundary is terminal punctuation (with any closing quotes or brackets that
follow it) and then either the end of the paragraph, whitespace, or, for
scripts written without spaces (Chinese, Japanese, Thai...), nothing at all.
Periods are checked against abbreviation lists and initials so that "Mr. Kim"
and "Sig. Rossi" stay one sentence. In Greek ``;`` (and U+037E) is the
question mark; elsewhere a semicolon never ends a sentence.
"""

from __future__ import annotations

import re

from newsweave.core.records import Span

# Abbreviations that do not end a sentence, lower-cased, without the final period.
_COMMON = {
    "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "gen", "col", "lt", "sgt", "capt",
    "cmdr", "adm", "gov", "sen", "rep", "rev", "hon", "vs", "etc", "e.g", "i.e", "no", "nr",
    "nos", "art", "fig", "vol", "pp", "p", "ca", "approx", "dept", "univ", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft",
}
_BY_LANG = {
    "it": {"red", "sig", "sigg", "sig.ra", "sig.na", "dott", "dott.ssa", "ing", "avv", "on", "arch",
           "geom", "rag", "mons", "ecc", "cfr", "pag", "sen", "gen", "magg", "ten", "cap", "s.p.a"},
    "es": {"sr", "sra", "srta", "dña", "d", "ud", "uds", "lic", "ing", "pág", "núm", "cía", "ee.uu"},
    "fr": {"m", "mm", "mme", "mmes", "mlle", "me", "mgr", "dr", "pr", "cf", "p.ex", "env"},
    "de": {"hr", "fr", "dr", "prof", "bzw", "ca", "usw", "z.b", "d.h", "u.a", "vgl", "nr", "str"},
    "pt": {"sr", "sra", "dr", "dra", "exmo", "pág", "av"},
    "nl": {"dhr", "mevr", "mw", "drs", "ir", "mr", "bijv", "o.a", "enz", "blz"},
    "el": {"κ", "κα", "π.χ", "δηλ", "κ.λπ", "κ.ά", "βλ", "σελ", "αρ", "δρ", "καθ", "μ.χ", "π.χ", "ο.η.ε"},
    "ru": {"г", "гг", "т.е", "т.д", "т.п", "т.к", "им", "ул", "стр", "см", "тыс", "млн", "млрд", "руб"},
}

_TERMINAL = "!?‼⁇⁈⁉…。．！？।॥؟۔።။"
_GREEK_Q = ";;"
_CLOSERS = "\"'»«”“’‘)]}›」』】〕"


def _ends_pattern(marks: str) -> re.Pattern[str]:
    cls = re.escape(marks)
    return re.compile(f"[{cls}][{cls}{re.escape(_CLOSERS)}]*")


_ENDS = _ends_pattern(_TERMINAL + ".")
_ENDS_EL = _ends_pattern(_TERMINAL + "." + _GREEK_Q)
_NO_SPACE_SCRIPTS = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\u0e00-\u0e7f\uff00-\uffef]")
_WORD_BEFORE = re.compile(r"(\S+?)$")


def _abbreviations(lang: str | None) -> set[str]:
    return _COMMON | _BY_LANG.get(lang or "", set())


def _is_abbreviation(token: str, abbrevs: set[str]) -> bool:
    """Is the token before a period an abbreviation or an initial?"""
    core = token.lstrip("\"'«“‘(([").lower()
    if core in abbrevs:
        return True
    if len(core) == 1 and core.isalpha():  # initials: "J. R. R. Tolkien"
        return True
    # dotted acronyms ("U.S", "Ο.Η.Ε") stay inside the sentence
    return "." in core and all(len(part) <= 2 for part in core.split(".") if part)


def _candidate_ends(text: str, lang: str | None) -> list[int]:
    """Offsets just after each terminal mark (and its closing quotes): the end of each run of marks and
    closers that starts with a mark."""
    return [m.end() for m in (_ENDS_EL if lang == "el" else _ENDS).finditer(text)]


def _accept(text: str, start: int, end: int, abbrevs: set[str]) -> bool:
    """Decide whether a candidate end at ``end`` is a real sentence boundary."""
    n = len(text)
    nxt = end
    while nxt < n and text[nxt] in " \t\u00a0":
        nxt += 1
    if nxt >= n:
        return True
    spaced = nxt > end
    mark_text = text[start:end].rstrip(_CLOSERS)
    if not spaced:
        # Scripts without spaces end sentences right after the mark.
        return mark_text[-1:] in "。！？．" or bool(_NO_SPACE_SCRIPTS.match(text[nxt]))
    following = text[nxt]
    if following.islower():
        return False
    if mark_text.endswith(".") and not mark_text.endswith(".."):
        word = _WORD_BEFORE.search(mark_text[:-1])
        if word and _is_abbreviation(word.group(1), abbrevs):
            return False
    return True


def split_sentences(text: str, lang: str | None, offset: int = 0) -> list[Span]:
    """Split one paragraph into sentence spans (offsets shifted by ``offset``)."""
    abbrevs = _abbreviations(lang)
    spans: list[Span] = []
    begin = 0
    for end in _candidate_ends(text, lang):
        sent_start = end - 1
        while sent_start > begin and text[sent_start - 1] not in " \t\u00a0":
            sent_start -= 1
        if _accept(text, sent_start, end, abbrevs):
            _add(spans, text, begin, end, offset)
            begin = end
    _add(spans, text, begin, len(text), offset)
    return spans


def _add(spans: list[Span], text: str, start: int, end: int, offset: int) -> None:
    """Append the trimmed span if it holds any visible character."""
    chunk = text[start:end]
    if not chunk.strip():
        return
    lead = len(chunk) - len(chunk.lstrip())
    trail = len(chunk) - len(chunk.rstrip())
    if spans and not any(ch.isalnum() for ch in chunk):
        # stray punctuation ("television. .") belongs to the sentence before it
        spans[-1] = Span(spans[-1].start, offset + end - trail)
        return
    spans.append(Span(offset + start + lead, offset + end - trail))
