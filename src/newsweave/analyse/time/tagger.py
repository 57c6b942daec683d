"""Find time expressions in a text and normalise them against an anchor date."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import NamedTuple

from newsweave.analyse.time import resolve as R
from newsweave.analyse.time.fold import fold
from newsweave.analyse.time.grammar import ARTICLE, DIGIT, Grammar, get_grammar
from newsweave.analyse.time.interpret import ago_key, interpret, narrative_shift
from newsweave.analyse.time.lexicon import base_lang
from newsweave.analyse.time.model import TimeExpr

_NUMERIC_RULES = frozenset({"iso", "numeric", "year", "cjk"})
_NUMBER_EDGE = set("0123456789.,/-$€£¥#№")
_PERCENT_AFTER = re.compile(r"\s*(?:%|per\s?cent|percent)")
_NAME_GROUPS = ("mon", "wd", "wdp")
# Weekdays that are also ordinals, folded ("τριτη": Tuesday, or "third"): capitalised when they name a day.
ORDINAL_WEEKDAYS = {"el": frozenset({"δευτερα", "τριτη", "τεταρτη", "πεμπτη", "δευτερασ", "τριτησ", "τεταρτησ", "πεμπτησ"})}
_LEAD_WINDOW = 30
_CLAUSE_WINDOW = 100
_FORWARD_RULES = frozenset({"weekday", "month"})
_WORD = re.compile(r"\w+")
_DIGITS = frozenset("0123456789")


class _Candidate(NamedTuple):
    start: int
    end: int
    priority: int
    rule: str
    match: re.Match[str]


def _left_ok(g: Grammar, rule: str, folded: str, start: int) -> bool:
    if start == 0:
        return True
    prev = folded[start - 1]
    if rule in _NUMERIC_RULES and prev in _NUMBER_EDGE:
        return False
    return not (g.lex.spaced and prev.isalnum())


def _names_ok(g: Grammar, m: re.Match[str], text: str) -> bool:
    """Languages that always capitalise names ("May" vs "may") must see a capital."""
    if not g.lex.capitalised:
        return True
    for name in _NAME_GROUPS:
        if name in m.re.groupindex and m.start(name) >= 0 and not text[m.start(name)].isupper():
            return False
    return True


def _ordinal_ok(g: Grammar, m: re.Match[str], text: str) -> bool:
    """A weekday named as an ordinal is one only when capitalised ("την Τρίτη", Tuesday; "για τρίτη
    φορά", for the third time), in the languages whose weekdays are counted (``ORDINAL_WEEKDAYS``)."""
    ordinals = ORDINAL_WEEKDAYS.get(g.lex.lang)
    if not ordinals:
        return True
    for name in ("wd", "wdp"):
        if name in m.re.groupindex and m.start(name) >= 0 and " ".join(m[name].split()) in ordinals:
            if not text[m.start(name)].isupper():
                return False
    return True


def _year_ok(m: re.Match[str], folded: str, has_lead: bool) -> bool:
    y = int(m["y"])
    if _PERCENT_AFTER.match(folded, m.end()):
        return False
    if m["y2"] and not R.year_range_end(y, m["y2"]):
        return False
    if m.end() < len(folded) and folded[m.end()] in ",." and folded[m.end() + 1 : m.end() + 2].isdigit():
        return False
    return 1900 <= y <= 2099 or ((has_lead or bool(m["fiscal"])) and 1000 <= y <= 2999)


def _quarter_ok(m: re.Match[str]) -> bool:
    """A bare "quarter" is a fraction; "period" needs a word tying it to the calendar."""
    if m["noun"] == "period":
        return m["rel"] is not None and m["rel"] not in ("past", "this", "current", "next")
    return any(m[k] for k in ("ord", "rel", "qy", "qyr", "y")) or m.group().startswith("the")


def _lead_start(g: Grammar, folded: str, start: int) -> int | None:
    if g.lead is None:
        return None
    lm = g.lead.search(folded, max(0, start - _LEAD_WINDOW), start)
    return lm.start() if lm else None


def _accept(g: Grammar, rule: str, m: re.Match[str], text: str, folded: str, lead: int | None) -> bool:
    if not _left_ok(g, rule, folded, m.start()) or not _names_ok(g, m, text) or not _ordinal_ok(g, m, text):
        return False
    if g.blocked and g.blocked.search(folded, max(0, m.start() - _LEAD_WINDOW), m.end()):
        return False
    if rule == "ago":
        return ago_key(m) in g.ago
    if rule in ("iso", "numeric"):  # "31.02.2023" is a version number or a typo, not a date
        return interpret(g, rule, m, None, False)[0] is not None
    if rule == "year":
        return _year_ok(m, folded, lead is not None)
    if rule == "quarter":
        return _quarter_ok(m)
    if rule == "month" and not (m["pre"] or m["post"] or m["fz"] or lead is not None):
        return " ".join(m["mon"].split()) not in g.lex.ambiguous
    return True


def _suffixed(g: Grammar, word: str) -> Iterator[int]:
    """Rules for a word carrying a case ending ("salıya", "화요일에")."""
    for cut in range(len(word) - 1, 1, -1):
        yield from g.triggers.get(word[:cut], ())


def _starts(g: Grammar, folded: str) -> list[tuple[int, int]]:
    """(position, rule index) pairs worth trying; position -1 means scan the whole text."""
    if not g.lex.spaced:
        return [(-1, idx) for idx in range(len(g.rules))]
    triggers, digit, suffixing = g.triggers, g.triggers.get(DIGIT, ()), g.lex.suffixing
    starts: list[tuple[int, int]] = []
    prev_word, prev_pos = "", 0
    for w in _WORD.finditer(folded):
        word = w.group()
        hit = triggers.get(word, ())
        if word[0] in _DIGITS:
            hit += digit
        if suffixing:
            hit += tuple(_suffixed(g, word))
        if hit:
            starts.extend((w.start(), idx) for idx in set(hit))
            if prev_word == ARTICLE:
                starts.extend((prev_pos, idx) for idx in set(hit) & g.after_article)
        prev_word, prev_pos = word, w.start()
    return starts


def _matches(g: Grammar, folded: str) -> Iterator[tuple[int, re.Match[str]]]:
    for pos, idx in _starts(g, folded):
        pattern = g.rules[idx][1]
        if pos >= 0:
            m = pattern.match(folded, pos)
            if m:
                yield idx, m
        else:
            yield from ((idx, m) for m in pattern.finditer(folded))


def _candidates(g: Grammar, text: str, folded: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for idx, m in _matches(g, folded):
        rule = g.rules[idx][0]
        lead = _lead_start(g, folded, m.start())
        if m.end() > m.start() and _accept(g, rule, m, text, folded, lead):
            found.append(_Candidate(m.start() if lead is None else lead, m.end(), idx, rule, m))
    return found


def _points_forward(g: Grammar, folded: str, m: re.Match[str]) -> bool:
    """Does the clause before the expression point forward ("is expected to meet Monday")?"""
    if folded.startswith("'s", m.end()):  # "Wednesday's ruling": a past event's name
        return False
    start = m.start()
    if g.deadline and g.deadline.search(folded, max(0, start - _LEAD_WINDOW), start):
        return True
    window = max(0, start - _CLAUSE_WINDOW)
    boundary = max(folded.rfind(ch, window, start) for ch in ".!?;\n")
    cues = list(g.future.finditer(folded, max(window, boundary + 1), start)) if g.future else []
    if not cues:
        return False
    return not (g.past and g.past.search(folded, cues[-1].end(), start))


def _select(cands: list[_Candidate]) -> list[_Candidate]:
    """Longest first, then rule order; keep the ones that overlap nothing kept."""
    kept: list[_Candidate] = []
    taken: list[tuple[int, int]] = []
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.priority, c.start)):
        if all(c.end <= s or c.start >= e for s, e in taken):
            kept.append(c)
            taken.append((c.start, c.end))
    return sorted(kept, key=lambda c: c.start)


def tag_with_cores(text: str, lang: str | None, anchor: dt.date | None) -> list[tuple[TimeExpr, int]]:
    """Like :func:`tag_times`, each with the offset where it starts without its lead word.

    Annotation schemes such as TimeML leave the preposition out of the span
    ("on <TIMEX3>Friday</TIMEX3>"); evaluation compares against that core.
    """
    g = get_grammar(base_lang(lang))
    folded = fold(text)
    out: list[tuple[TimeExpr, int]] = []
    last: str | None = None  # the last value mentioned, for "two days later"
    for c in _select(_candidates(g, text, folded)):
        future = c.rule in _FORWARD_RULES and _points_forward(g, folded, c.match)
        try:
            value, granularity, kind = interpret(g, c.rule, c.match, anchor, future)
        except (OverflowError, ValueError):  # counted past the calendar's ends (yesterday of 1 January 0001)
            value, granularity, kind = interpret(g, c.rule, c.match, None, future)
        shift = narrative_shift(g, c.rule, c.match)
        if shift and last and (moved := R.shift_value(last, *shift)):
            value, granularity = moved
        if value is not None:
            last = value
        expr = TimeExpr(c.start, c.end, text[c.start : c.end], value, granularity, kind)
        out.append((expr, c.match.start()))
    return out


def tag_times(text: str, lang: str | None, anchor: dt.date | None) -> list[TimeExpr]:
    """Find and normalise the time expressions in ``text``.

    ``lang`` is a language code ("it", "pt-BR"); unknown or None gives numeric
    dates only. ``anchor`` is the publication date: relative expressions and
    weekdays resolve against it and get ``value=None`` without it.
    """
    return [expr for expr, _ in tag_with_cores(text, lang, anchor)]
