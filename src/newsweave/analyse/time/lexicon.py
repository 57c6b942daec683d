"""Per-language time vocabulary built from CLDR plus the hand rules.

Sources, in order: babel's CLDR month and weekday names (format and
stand-alone, wide and abbreviated: format is the genitive in Greek and
Slavic languages), babel's CLDR relative-time patterns ("{0} giorni fa"),
dateparser's CLDR-derived tables (fixed phrases such as "ieri", "il mese
scorso", extra case forms), then :mod:`langdata`.
"""

from __future__ import annotations

import importlib
import pickle
import re
from dataclasses import dataclass
from functools import lru_cache

import babel
from babel import Locale
from babel import localedata
from babel.localedata import LocaleDataDict, merge, resolve_locale_filename

from newsweave.analyse.langid import primary_language
from newsweave.analyse.time.fold import fold
from newsweave.analyse.time.langdata import LangRules, rules_for

UNITS = ("day", "week", "month", "year")
_DP_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december")
_DP_RELATIVE = re.compile(r"^(?:(in) )?(\d+) (day|week|month|year)(?: (ago))?$")
_SUFFIXING = frozenset({"ko", "tr", "fi", "hu", "et", "az", "kk", "uz", "ky", "mn"})
_SHORT_NAME = 3
_NO_LANGUAGE = frozenset({"und", "zxx", "mul", "mis", "root"})
# Wide dateparser forms shorter than this are abbreviations.
_MIN_WIDE = 5


@dataclass(frozen=True)
class Lexicon:
    """Folded vocabulary for one language; every key is folded text."""

    lang: str
    months: dict[str, int]  # wide names and case forms: allowed on their own
    month_abbr: dict[str, int]  # abbreviations: only inside a full date
    weekdays: dict[str, int]  # 0 = Monday
    phrases: dict[str, tuple[int, str]]  # fixed relative phrases -> (offset, unit)
    ago: tuple[tuple[str, str, int, bool], ...]  # (template with {n}, unit, sign, narrative)
    units: dict[str, str]
    numbers: dict[str, int]
    lead: tuple[str, ...]
    premods: dict[str, int]
    postmods: dict[str, int]
    fuzzy: tuple[str, ...]
    range_words: tuple[str, ...]
    dayparts: tuple[str, ...]
    future: tuple[str, ...]
    deadline: tuple[str, ...]
    past: str
    ambiguous: frozenset[str]
    blocked: tuple[str, ...]
    capitalised: bool
    month_first: bool  # "September 12" is the locale's own order
    spaced: bool  # words are separated by spaces (False for Chinese, Japanese, Thai)
    suffixing: bool  # case endings glue onto names ("화요일에", "salıya"): no right boundary


@lru_cache(maxsize=1024)
def base_lang(lang: str | None) -> str | None:
    """Reduce "pt-BR"/"zh_Hant" to a babel-known base code, or None if unknown."""
    if not lang:
        return None
    code = primary_language(lang)
    if localedata.exists(code):
        return code
    if code in _NO_LANGUAGE:
        return None
    try:  # legacy codes: "iw" -> "he", "in" -> "id"
        code = Locale.parse(code).language
    except (babel.UnknownLocaleError, ValueError):
        return None
    return code if localedata.exists(code) else None


def _cldr(lang: str) -> LocaleDataDict:
    """A private copy of the CLDR data for ``lang`` (merged over root).

    babel's shared cache resolves aliases in place, in dictionaries that
    locales share with root: reading Chinese month names through it makes them
    Swedish stand-alone months for everyone after. A private copy neither
    suffers nor causes that.
    """
    data: dict = {}
    for name in ("root", lang):
        with open(resolve_locale_filename(name), "rb") as fh:
            merge(data, pickle.load(fh))  # noqa: S301 - babel's own packaged data
    return LocaleDataDict(data)


def _dateparser_info(lang: str) -> dict:
    try:
        return importlib.import_module(f"dateparser.data.date_translation_data.{lang}").info
    except ImportError:
        return {}


def _norm(text: str) -> str:
    return " ".join(fold(text).split())


def _norms(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_norm(x) for x in items)


def _names(table, wide_out: dict[str, int], abbr_out: dict[str, int], shift: int) -> None:
    for context in ("format", "stand-alone"):
        for width, out in (("wide", wide_out), ("abbreviated", abbr_out)):
            for idx, name in table[context][width].items():
                out.setdefault(_norm(name).rstrip("."), idx + shift)


def _greek_accusative(months: dict[str, int]) -> None:
    # Stand-alone nominative "Ιούνιος" -> accusative "Ιούνιο" ("τον Ιούνιο").
    for name, idx in list(months.items()):
        if name.endswith("οσ"):
            months.setdefault(name[:-1], idx)


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\u0e00-\u0e7f\u1000-\u109f]")


def _short(months: dict[str, int], rules: LangRules) -> frozenset[str]:
    """Without hand rules, a month name of three letters or fewer ("mai", "மே") is likely a word too."""
    if rules.lead or not months:
        return frozenset()
    return frozenset(name for name in months if len(name) <= _SHORT_NAME)


def _move_abbreviations(months: dict[str, int], abbr: dict[str, int]) -> None:
    """Forms that are a clipped longer name of the same month ("sept") are abbreviations.

    A one-letter difference is a case ending (Greek "ιουνιο"/"ιουνιοσ"), not a clipping.
    """
    for name, idx in list(months.items()):
        if any(o != name and o.startswith(name) and len(o) - len(name) >= 2 and v == idx
               for o, v in months.items()):
            abbr[name] = months.pop(name)


def _dp_forms(info: dict, keys: tuple[str, ...], wide: dict[str, int], shift: int) -> None:
    for idx, key in enumerate(keys):
        for form in info.get(key, ()):
            norm = _norm(form)
            if len(norm) >= _MIN_WIDE and not norm.endswith("."):
                wide.setdefault(norm, idx + shift)


def _phrases(info: dict) -> dict[str, tuple[int, str]]:
    phrases: dict[str, tuple[int, str]] = {}
    for key, forms in info.get("relative-type", {}).items():
        rel = _DP_RELATIVE.match(key)
        for form in forms if rel else ():
            sign = 1 if rel.group(1) else -1
            phrases[_norm(form)] = (sign * int(rel.group(2)), rel.group(3))
    return phrases


def _derived_mods(phrases: dict, units: dict, lex: dict) -> None:
    """Learn modifiers from CLDR phrases: "el mes pasado" teaches lead "el", post "pasado"."""
    for phrase, (offset, unit) in phrases.items():
        toks = phrase.split()
        hits = [i for i, t in enumerate(toks) if units.get(t) == unit]
        if unit == "day" or abs(offset) > 1 or len(hits) != 1 or not 2 <= len(toks) <= 3:
            continue
        i = hits[0]
        if i == len(toks) - 1:
            mod, key, lead = toks[i - 1], "premods", toks[: i - 1]
        elif i == 0 or (i == 1 and len(toks) == 3):
            mod, key, lead = toks[i + 1], "postmods", toks[:i]
        else:
            continue
        # Abbreviated variants ("prox sem") teach nothing: a longer word starts with theirs.
        longer = {t for p, v in phrases.items() if v == (offset, unit) for t in p.split()} | set(units)
        if len(mod) < 2 or any(t != w and t.startswith(w) for w in (mod, toks[i]) for t in longer):
            continue
        lex[key].setdefault(mod, offset)
        lex["lead"].update(lead)


def _ago(cldr: LocaleDataDict, rules: LangRules) -> tuple[tuple[str, str, int, bool], ...]:
    out: list[tuple[str, str, int, bool]] = []
    fields = cldr["date_fields"]
    for unit in UNITS:
        for sign, when in ((-1, "past"), (1, "future")):
            for pattern in fields.get(unit, {}).get(when, {}).values():
                out.append((_norm(pattern).replace("{0}", "{n}"), unit, sign, False))
    unit_words: dict[str, list[str]] = {}
    for word, unit in rules.units.items():
        unit_words.setdefault(unit, []).append(_norm(word))
    templates = [(t, -1, False) for t in rules.ago] + [(t, s, True) for t, s in rules.narrative.items()]
    for tpl, sign, narrative in templates:
        for unit, forms in unit_words.items():
            out.extend((_norm(tpl).replace("{u}", w), unit, sign, narrative) for w in forms)
    return tuple(dict.fromkeys(out))


def _month_first(cldr: LocaleDataDict) -> bool:
    pattern = cldr["date_formats"]["medium"].pattern
    return pattern.lstrip("EeLc, ").startswith("M")


def _calendar_names(lang: str, cldr: LocaleDataDict, info: dict, rules: LangRules
                    ) -> tuple[dict, dict, dict]:
    """(months, month abbreviations, weekdays), folded."""
    months: dict[str, int] = {}
    month_abbr: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    _names(cldr["months"], months, month_abbr, 0)
    _names(cldr["days"], weekdays, {}, 0)
    if lang == "el":
        _greek_accusative(months)
    _dp_forms(info, _DP_MONTHS, months, 1)
    months.update({_norm(k): v for k, v in rules.months.items()})
    weekdays.update({_norm(k): v for k, v in rules.weekdays.items()})
    for name in months:
        month_abbr.pop(name, None)
    _move_abbreviations(months, month_abbr)
    return months, month_abbr, weekdays


def _relative_vocab(info: dict, rules: LangRules) -> tuple[dict, dict, dict]:
    """(fixed phrases, unit words, modifiers and leads), folded."""
    phrases = _phrases(info)
    units = {_norm(k): v for k, v in rules.units.items()}
    for unit in UNITS:
        forms = (_norm(f) for f in info.get(unit, ()))
        units.update({f: unit for f in forms if len(f) >= 3 and f not in units})
    mods = {"premods": {_norm(k): v for k, v in rules.premods.items()},
            "postmods": {_norm(k): v for k, v in rules.postmods.items()},
            "lead": {_norm(x) for x in rules.lead}}
    _derived_mods(phrases, units, mods)
    phrases.update({_norm(k): v for k, v in rules.phrases.items()})
    return phrases, units, mods


@lru_cache(maxsize=256)
def get_lexicon(lang: str) -> Lexicon:
    """Build (once) the folded lexicon for a babel-known base language code."""
    cldr, rules, info = _cldr(lang), rules_for(lang), _dateparser_info(lang)
    months, month_abbr, weekdays = _calendar_names(lang, cldr, info, rules)
    phrases, units, mods = _relative_vocab(info, rules)
    return Lexicon(
        lang=lang, months=months, month_abbr=month_abbr, weekdays=weekdays,
        phrases=phrases, ago=_ago(cldr, rules),
        units=units, numbers={_norm(k): v for k, v in rules.numbers.items()},
        lead=tuple(sorted(mods["lead"])), premods=mods["premods"], postmods=mods["postmods"],
        fuzzy=_norms(rules.fuzzy), range_words=_norms(rules.range_words), dayparts=_norms(rules.dayparts),
        future=_norms(rules.future), deadline=_norms(rules.deadline), past=rules.past,
        ambiguous=frozenset(_norms(tuple(rules.ambiguous))) | _short(months, rules),
        blocked=_norms(rules.blocked), capitalised=rules.capitalised,
        month_first=_month_first(cldr),
        spaced=not _UNSPACED.search("".join(months) + "".join(weekdays)),
        suffixing=lang in _SUFFIXING,
    )
