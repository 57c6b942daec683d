"""Compile a language's lexicon into regular expressions over folded text.

Each rule is one regex with named groups, read by :mod:`interpret`, plus the
words it can start with. The tagger tries a rule only where one of those
words starts (``Pattern.match`` at that offset): one pass over the words of
a text instead of one regex scan per rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from newsweave.analyse.time.lexicon import Lexicon, get_lexicon

_DAY = r"(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th|er|ησ|η|º|ª|°)?(?!\d)"
_DAY2 = _DAY.replace("<d>", "<d2>")
# Between a day and its month: "12 settembre", "12. September", "12-Sep", "12th of May".
_DAY_SEP = r"\.?[ \t]*[-/]?[ \t]*(?:(?:de|of)\s+)?"
_YEAR = r"(?P<y>[12]\d{3})(?!\d)"
_YEAR_RANGE = r"(?:\s*[-/]\s*(?P<y2>[12]\d{3}|\d{2})(?!\d))?"  # "2022-2023", "2022/23"
_OF = r"(?:(?:de|del|of)\s+)?"
_DECADE = r"(?:(?P<fz>early|late|mid)[\s-]+)?(?:the\s+)?(?:(?P<c>1[5-9]|20)(?P<dd>\d)0'?s|'(?P<dd2>\d)0s)"
_QUARTER = (
    r"(?:the\s+)?(?:(?:(?P<qy>[12]\d{3})|(?P<qyr>this|last|next)\s+year)(?:'s)?\s+)?"
    r"(?:(?P<rel>latest|last|past|previous|current|this|next|same|year-earlier|year-ago|"
    r"year\s+earlier|year\s+ago|comparable|corresponding)[\s-]+)?"
    r"(?:(?:fiscal|calendar)[\s-]+)?(?:(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+)?"
    r"(?:fiscal[\s-]+)?(?P<noun>quarter|period)(?:\s+of\s+(?:fiscal\s+)?(?P<y>[12]\d{3})(?!\d))?"
)
_QUARTER_WORDS = ("latest", "last", "past", "previous", "current", "this", "next", "same",
                  "year-earlier", "year-ago", "year", "comparable", "corresponding",
                  "first", "second", "third", "fourth", "1st", "2nd", "3rd", "4th")
_EN_VAGUE = ("now", "currently", "at present", "presently", "nowadays", "these days",
             "recently", "the past", "the future", "in the future")


_WORD = re.compile(r"\w+")
DIGIT = "<digit>"  # trigger key for tokens that start with a digit
ARTICLE = "the"


@dataclass(frozen=True)
class Grammar:
    """Compiled rules for one language.

    ``triggers`` maps the first word a rule can start with to the rules to try
    there, so a text is scanned once for words instead of once per rule.
    Unspaced scripts have no words to key on: their rules all scan.
    """

    lex: Lexicon
    rules: tuple[tuple[str, re.Pattern[str]], ...]
    triggers: dict[str, tuple[int, ...]]
    # Rules that may start with an article before their trigger word ("the third quarter"):
    # tried from the article too, so the article itself need not trigger them.
    after_article: frozenset[int]
    lead: re.Pattern[str] | None
    future: re.Pattern[str] | None  # a forward-pointing cue anywhere in the clause
    deadline: re.Pattern[str] | None  # a forward-pointing preposition right before
    past: re.Pattern[str] | None  # a past-tense verb that cancels a cue before it
    blocked: re.Pattern[str] | None  # a phrase ending where a match ends vetoes it
    # (words before, after the number) -> (unit, sign, counted from the last time mentioned)
    ago: dict[tuple[str, str], tuple[str, int, bool]]


def words(items: Iterable[str], sep: str = r"\s+", abbr: bool = False) -> str:
    """A non-capturing alternation of folded words, longest first."""
    uniq = sorted({w for w in items if w}, key=lambda w: (-len(w), w))
    if not uniq:
        return r"(?!x)x"
    dot = r"\.?" if abbr else ""
    return "(?:" + "|".join(sep.join(map(re.escape, w.split())) + dot for w in uniq) + ")"


def first_words(items: Iterable[str]) -> set[str]:
    """The first word of each item (what a rule starting with it is triggered by)."""
    return {m.group() for m in map(_WORD.match, items) if m}


def _ago_pairs(lex: Lexicon) -> dict[tuple[str, str], tuple[str, int, bool]]:
    pairs = {}
    for tpl, unit, sign, narrative in lex.ago:
        before, _, after = tpl.partition("{n}")
        pairs.setdefault((" ".join(before.split()), " ".join(after.split())), (unit, sign, narrative))
    return pairs


Rule = tuple[str, str, set[str]]  # name, pattern, trigger words


@dataclass(frozen=True)
class _Parts:
    """Pattern fragments shared by the rules of one language."""

    sep: str  # between words
    rb: str  # right word boundary
    months: str  # wide names and case forms
    any_month: str  # also abbreviations
    weekday: str
    premods: str
    postmods: str
    fuzzy: str  # optional "early"/"fine" before a name or a relative phrase

    @classmethod
    def of(cls, lex: Lexicon) -> _Parts:
        """The fragments for ``lex``."""
        sep = r"\s+" if lex.spaced else r"\s*"
        rb = r"(?!\w)" if lex.spaced and not lex.suffixing else ""
        months = words(lex.months, sep) + rb
        return cls(
            sep=sep, rb=rb, months=months,
            any_month="(?:" + months + "|" + words(lex.month_abbr, sep, abbr=True) + rb + ")",
            weekday=words(lex.weekdays, sep) + rb,
            premods=words(lex.premods, sep), postmods=words(lex.postmods, sep),
            fuzzy=rf"(?:(?P<fz>{words(lex.fuzzy, sep)})[\s-]+)?",
        )


def _numeric_rules() -> list[Rule]:
    return [
        ("iso", r"(?P<y>[12]\d{3})-(?P<m>1[0-2]|0?[1-9])-(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)", {DIGIT}),
        ("numeric", r"(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>[12]\d{3}|\d{2})(?!\d|[./-]\d)",
         {DIGIT}),
        ("cjk", r"(?:(?P<y>[12]\d{3})\s*[年년]\s*(?P<m>1[0-2]|0?[1-9])\s*[月월]"
                r"(?:\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号일])?"
                r"|(?P<m2>1[0-2]|0?[1-9])\s*[月월]\s*(?P<d2>3[01]|[12]\d|0?[1-9])\s*[日号일])", {DIGIT}),
    ]


def _calendar_rules(lex: Lexicon, p: _Parts) -> list[Rule]:
    """Dates and names: "12 settembre 2023", "3-5 May", "June 2023", "a giugno", "2022"."""
    wd_prefix = rf"(?:(?P<wdp>{p.weekday})\s*,?\s*)?"
    year_tail = rf"(?:\s*,?\s*{_OF}{_YEAR})?"
    years = words((w for w, u in lex.units.items() if u == "year"), p.sep)
    # "June last year", "giugno dell'anno scorso"
    year_rel = (rf"(?:\s+(?:of\s+|del\s+|dell'\s*|του\s+)?(?:(?P<ypre>{p.premods}){p.sep}{years}"
                rf"|{years}{p.sep}(?P<ypost>{p.postmods})){p.rb})?")
    pre, post = rf"(?:(?P<pre>{p.premods}){p.sep})?", rf"(?:{p.sep}(?P<post>{p.postmods}){p.rb})?"
    to = rf"(?:[-/]|{p.sep}{words(lex.range_words, p.sep)}{p.sep})"
    t_month, t_abbr, t_wd = first_words(lex.months), first_words(lex.month_abbr), first_words(lex.weekdays)
    t_pre, t_fz = first_words(lex.premods), first_words(lex.fuzzy)
    rules = [
        ("dmy", rf"{wd_prefix}{_DAY}{_DAY_SEP}(?P<mon>{p.any_month}){year_tail}", {DIGIT} | t_wd),
        ("drange", rf"{_DAY}\s*{to}\s*{_DAY2}{_DAY_SEP}(?P<mon>{p.any_month}){year_tail}", {DIGIT}),
        ("my", rf"(?P<mon>{p.any_month})\s*,?\s*{_OF}{_YEAR}", t_month | t_abbr),
        ("month", rf"{p.fuzzy}{pre}(?P<mon>{p.months}){post}{year_rel}", t_fz | t_pre | t_month),
        ("year", rf"{p.fuzzy}(?:(?P<fiscal>fiscal)\s+)?{_YEAR}{_YEAR_RANGE}", {DIGIT, "fiscal"} | t_fz),
        ("weekday", rf"{pre}(?P<wd>{p.weekday}){post}"
                    rf"(?:{p.sep}(?P<part>{words(lex.dayparts, p.sep)}){p.rb})?", t_pre | t_wd),
    ]
    if lex.month_first:
        rules.append(("mdy", rf"{wd_prefix}(?P<mon>{p.any_month})\s*{_DAY}(?:\s*,?\s*{_YEAR})?",
                      t_wd | t_month | t_abbr))
    return rules


def _relative_rules(lex: Lexicon, p: _Parts, pairs: dict) -> list[Rule]:
    """Offsets from the anchor: "lo scorso mese", "il mese scorso", "ieri", "due giorni fa"."""
    units = words((w for w, u in lex.units.items() if u != "day"), p.sep)
    num = r"(?:\d{1,3}|" + words(lex.numbers, p.sep) + ")"
    befores, afters = {b for b, _ in pairs}, {a for _, a in pairs}
    t_fz = first_words(lex.fuzzy)
    return [
        ("unit_pre", rf"{p.fuzzy}(?P<pre>{p.premods}){p.sep}(?P<unit>{units}){p.rb}",
         t_fz | first_words(lex.premods)),
        ("unit_post", rf"(?P<unit>{units}){p.sep}(?P<post>{p.postmods}){p.rb}", first_words(lex.units)),
        ("phrase", rf"{p.fuzzy}(?P<ph>{words(lex.phrases, p.sep)}){p.rb}", t_fz | first_words(lex.phrases)),
        ("ago", rf"(?:(?P<before>{words(befores, p.sep)}){p.sep})?(?P<n>{num})(?:(?<=\d)\s*|{p.sep})"
                rf"(?P<after>{words(afters, p.sep)}){p.rb}",
         {DIGIT} | first_words(lex.numbers) | first_words(befores)),
    ]


def _english_rules(p: _Parts) -> list[Rule]:
    """Expressions of English business news: quarters, decades, vague references."""
    return [
        ("decade", _DECADE + p.rb, {DIGIT, "early", "late", "mid"}),
        ("quarter", _QUARTER + p.rb, {DIGIT, "fiscal", "calendar", "quarter"} | first_words(_QUARTER_WORDS)),
        ("vague", rf"(?P<vg>{words(_EN_VAGUE)}){p.rb}", first_words(_EN_VAGUE) | {"past", "future"}),
    ]


def _rules(lex: Lexicon, pairs: dict) -> list[Rule]:
    """(name, pattern, trigger words) for every rule of the language."""
    parts = _Parts.of(lex)
    rules = _numeric_rules() + _calendar_rules(lex, parts) + _relative_rules(lex, parts, pairs)
    return rules + (_english_rules(parts) if lex.lang == "en" else [])


def _triggers(rules: list[Rule]) -> dict[str, tuple[int, ...]]:
    table: dict[str, list[int]] = {}
    for idx, (_, _, keys) in enumerate(rules):
        for key in keys:
            table.setdefault(key, []).append(idx)
    return {k: tuple(v) for k, v in table.items()}


@lru_cache(maxsize=256)
def get_grammar(lang: str | None) -> Grammar:
    """Compiled grammar for a base language code; ``None`` gives numeric dates only."""
    lex = get_lexicon(lang) if lang else _EMPTY
    pairs = _ago_pairs(lex)
    rules = _rules(lex, pairs)
    if lang is None:
        rules = [r for r in rules if r[0] in ("iso", "numeric", "cjk")]
    sep, rb = (r"\s+", r"(?!\w)") if lex.spaced else (r"\s*", "")
    return Grammar(
        lex=lex,
        rules=tuple((name, re.compile(pat)) for name, pat, _ in rules),
        triggers=_triggers(rules),
        after_article=frozenset(i for i, r in enumerate(rules) if r[0] in ("decade", "quarter", "vague")),
        lead=_optional(lex.lead, r"(?<!\w)" + words(lex.lead, sep) + r"(?:(?<=')\s*|\s+)\Z"),
        future=_optional(lex.future, r"(?<!\w)" + words(lex.future, sep) + rb),
        deadline=_optional(lex.deadline, r"(?<!\w)" + words(lex.deadline, sep) + r"\s+\Z"),
        past=_optional((lex.past,), rf"(?<!\w)(?:{lex.past})(?!\w)") if lex.past else None,
        blocked=_optional(lex.blocked, r"(?<!\w)" + words(lex.blocked, sep) + r"\Z"),
        ago=pairs,
    )


def _optional(items: tuple[str, ...], pattern: str) -> re.Pattern[str] | None:
    return re.compile(pattern) if items else None


_EMPTY = Lexicon(
    lang="", months={}, month_abbr={}, weekdays={}, phrases={}, ago=(), units={}, numbers={},
    lead=(), premods={}, postmods={}, fuzzy=(), range_words=(), dayparts=(), ambiguous=frozenset(),
    blocked=(), future=(), deadline=(), past="", capitalised=False, month_first=False, spaced=True,
    suffixing=False,
)
