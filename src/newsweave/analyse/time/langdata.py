"""Hand-written rules for languages where CLDR falls short.

CLDR (through babel and dateparser's CLDR tables) gives month and weekday
names and fixed phrases ("yesterday", "last month") for every locale; it does
not give the articles and prepositions news prose wraps them in ("την Τρίτη",
"A giugno"), free word order ("lo scorso mese" next to "il mese scorso"),
case forms (Greek accusative and genitive, Russian accusative) or number
words ("due giorni fa"). Those live here. Forms are written naturally; the
lexicon folds case and accents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PAST, THIS, NEXT = -1, 0, 1
VAGUE = 0  # a count word without a number ("a few"): tagged, but no value


@dataclass(frozen=True)
class LangRules:
    """Extra vocabulary for one language; every field is optional."""

    lead: tuple[str, ...] = ()  # prepositions/articles kept in the span when they precede
    premods: dict[str, int] = field(default_factory=dict)  # "last" Friday, "lo scorso" mese
    postmods: dict[str, int] = field(default_factory=dict)  # domenica "scorsa"
    units: dict[str, str] = field(default_factory=dict)  # word -> day|week|month|year
    numbers: dict[str, int] = field(default_factory=dict)
    months: dict[str, int] = field(default_factory=dict)  # extra case forms
    weekdays: dict[str, int] = field(default_factory=dict)  # extra case forms, 0 = Monday
    phrases: dict[str, tuple[int, str]] = field(default_factory=dict)  # fixed relative phrases
    ago: tuple[str, ...] = ()  # templates with {n} (number) and {u} (unit word)
    # "two days later": counted from the last time mentioned, not from the publication date.
    narrative: dict[str, int] = field(default_factory=dict)  # template -> direction
    range_words: tuple[str, ...] = ()  # "3 al 5 maggio", "3 to 5 May"
    fuzzy: tuple[str, ...] = ()  # "early" June, "fine" giugno: kept in the span, value unchanged
    dayparts: tuple[str, ...] = ()  # Friday "night": kept in the span, value unchanged
    # Words before an unmarked name that point forward ("is scheduled to close Monday"):
    # the name then means the next such day or month, not the last one.
    future: tuple[str, ...] = ()
    deadline: tuple[str, ...] = ()  # the same, only right before the name ("by May")
    # A past-tense verb between the cue and the name cancels it ("would appeal the
    # decision, announced Wednesday"). A regular expression over folded text.
    past: str = ""
    ambiguous: frozenset[str] = frozenset()  # names that are also common words
    blocked: tuple[str, ...] = ()  # phrases that veto a match ending where they end ("la mañana")
    capitalised: bool = False  # month/day names are always written with a capital


def _forms(stem_endings: str, value: int | str) -> dict:
    """Expand "stem:end1,end2" into {stem+end1: value, ...}."""
    stem, _, ends = stem_endings.partition(":")
    return {stem + e: value for e in ends.split(",")}


def _merge(*parts: dict) -> dict:
    out: dict = {}
    for p in parts:
        out.update(p)
    return out


RULES: dict[str, LangRules] = {
    "en": LangRules(
        lead=("on", "in", "since", "until", "by", "during", "from"),
        premods={"last": PAST, "this past": PAST, "previous": PAST, "next": NEXT,
                 "this coming": NEXT, "coming": NEXT, "this": THIS},
        units={"day": "day", "days": "day", "week": "week", "weeks": "week",
               "month": "month", "months": "month", "year": "year", "years": "year"},
        numbers={"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
                 "twelve": 12, "a few": VAGUE, "several": VAGUE, "a couple of": 2},
        months={"sept": 9},
        phrases={"tonight": (0, "day"), "this morning": (0, "day"), "this afternoon": (0, "day"),
                 "this evening": (0, "day"), "last night": (-1, "day"),
                 "year-earlier": (-1, "year"), "year-ago": (-1, "year")},
        ago=("{n} {u} ago",),
        narrative={"{n} {u} earlier": -1, "{n} {u} later": 1},
        fuzzy=("earlier", "later", "early", "late", "mid", "the end of", "the beginning of",
               "the start of", "the middle of", "end of", "beginning of", "start of"),
        dayparts=("morning", "afternoon", "evening", "night"),
        ambiguous=frozenset({"may", "march"}),
        capitalised=True,
        future=("will", "'ll", "would", "shall", "is to", "are to", "is due", "are due", "due to",
                "scheduled", "expected", "expects", "planned", "plans", "planning", "set to",
                "supposed to", "likely to", "to be", "as soon as", "as early as", "might",
                "upcoming", "going to", "intends to", "aims to"),
        deadline=("until", "by", "till"),
        past=r"\w{3,}ed|said|says|was|were|had|did|met|told|made|took|gave|came|went|began|left|held|"
             r"spoke|saw|got|won|lost|sent|led|fell|rose|paid|sold|bought|brought|ran|wrote|became|"
             r"found|kept|heard|struck|withdrew|hit|cut|quit|arrived|according",
        range_words=("to", "and", "through", "until"),
    ),
    "it": LangRules(
        lead=("a", "ad", "in", "nel", "nell'", "nella", "il", "lo", "la", "l'", "dal", "entro"),
        premods=_merge(_forms("scors:o,a", PAST), _forms("passat:o,a", PAST),
                       _forms("prossim:o,a", NEXT), _forms("quest:o,a", THIS), {"quest'": THIS}),
        postmods=_merge(_forms("scors:o,a", PAST), _forms("passat:o,a", PAST),
                        _forms("prossim:o,a", NEXT), _forms("ventur:o,a", NEXT)),
        units=_merge(_forms("giorn:o,i", "day"), _forms("settiman:a,e", "week"),
                     {"mese": "month", "mesi": "month", "anno": "year", "anni": "year"}),
        numbers={"un": 1, "uno": 1, "una": 1, "un'": 1, "due": 2, "tre": 3, "quattro": 4,
                 "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10,
                 "undici": 11, "dodici": 12, "qualche": VAGUE, "alcuni": VAGUE, "alcune": VAGUE},
        phrases={"l'altro ieri": (-2, "day"), "ieri l'altro": (-2, "day"), "stamattina": (0, "day"),
                 "stasera": (0, "day"), "stanotte": (0, "day"), "ieri sera": (-1, "day")},
        ago=("{n} {u} fa", "{n} {u} or sono"),
        narrative={"{n} {u} prima": -1, "{n} {u} dopo": 1, "{n} {u} più tardi": 1},
        fuzzy=("inizio", "fine", "metà", "a inizio", "a fine", "a metà", "all'inizio di",
               "alla fine di", "all'inizio del", "alla fine del", "inizio del", "fine del"),
        dayparts=("mattina", "mattino", "pomeriggio", "sera", "notte"),
        future=("sarà", "saranno", "dovrà", "dovranno", "dovrebbe", "dovrebbero", "previsto", "prevista",
                "previsti", "in programma"),
        deadline=("entro", "fino a"),
        range_words=("al", "e", "fino al"),
    ),
    "el": LangRules(
        lead=("την", "τη", "το", "τον", "της", "του", "στις", "στην", "στη", "στο", "στον",
              "από", "μέχρι", "ως"),
        premods=_merge(_forms("περασμέν:ο,η,ος,ου,ης", PAST), _forms("προηγούμεν:ο,η,ος,ου,ης", PAST),
                       _forms("επόμεν:ο,η,ος,ου,ης", NEXT), _forms("ερχόμεν:ο,η,ος,ου,ης", NEXT),
                       _forms("τρέχ:οντα,ουσα,ων,ον", THIS),
                       {"αυτή την": THIS, "αυτήν την": THIS, "αυτό το": THIS, "αυτόν τον": THIS}),
        postmods={"που πέρασε": PAST, "που μας πέρασε": PAST, "που έρχεται": NEXT},
        units=_merge(_forms("ημέρ:α,ες,ας,ών", "day"), _forms("μέρ:α,ες,ας,ών", "day"),
                     _forms("εβδομάδ:α,ες,ας,ων", "week"), _forms("μήν:α,ας,ες,ών", "month"),
                     _forms("χρόν:ο,ια,ου,ων", "year"), _forms("χρονι:ά,άς", "year"),
                     _forms("έτ:ος,η,ους", "year")),
        numbers={"ένα": 1, "μία": 1, "μια": 1, "έναν": 1, "δύο": 2, "δυο": 2, "τρία": 3,
                 "τρεις": 3, "τέσσερα": 4, "τέσσερις": 4, "πέντε": 5, "έξι": 6, "επτά": 7,
                 "εφτά": 7, "οκτώ": 8, "οχτώ": 8, "εννέα": 9, "εννιά": 9, "δέκα": 10,
                 "έντεκα": 11, "δώδεκα": 12, "λίγες": VAGUE, "λίγους": VAGUE, "λίγα": VAGUE},
        # Genitive ("το απόγευμα της Τρίτης"); accusative months come from the lexicon.
        weekdays={"δευτέρας": 0, "τρίτης": 1, "τετάρτης": 2, "πέμπτης": 3, "παρασκευής": 4,
                  "σαββάτου": 5, "κυριακής": 6},
        months={"ιούνη": 6, "ιούλη": 7, "αυγούστου": 8},
        phrases={"προχθές": (-2, "day"), "προχτές": (-2, "day"), "χτες": (-1, "day"),
                 "μεθαύριο": (2, "day"), "πέρυσι": (-1, "year"), "του χρόνου": (1, "year")},
        ago=("πριν από {n} {u}", "πριν {n} {u}", "{n} {u} πριν"),
        narrative={"{n} {u} νωρίτερα": -1, "{n} {u} αργότερα": 1, "{n} {u} μετά": 1},
        fuzzy=("αρχές", "τέλη", "μέσα", "στις αρχές", "στα τέλη", "στα μέσα"),
        future=("θα", "αναμένεται", "αναμένονται", "προγραμματίζεται", "πρόκειται να"),
        deadline=("έως", "μέχρι"),
        range_words=("έως", "ως", "και", "μέχρι"),
    ),
    "es": LangRules(
        lead=("el", "la", "en", "desde", "hasta", "del"),
        premods=_merge(_forms("pasad:o,a", PAST), _forms("próxim:o,a", NEXT), _forms("est:e,a", THIS)),
        postmods=_merge(_forms("pasad:o,a", PAST), _forms("próxim:o,a", NEXT), {"que viene": NEXT}),
        units=_merge(_forms("día:,s", "day"), _forms("semana:,s", "week"),
                     {"mes": "month", "meses": "month", "año": "year", "años": "year"}),
        numbers={"un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
                 "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12},
        ago=("hace {n} {u}",),
        narrative={"{n} {u} antes": -1, "{n} {u} después": 1, "{n} {u} más tarde": 1},
        future=("será", "serán", "previsto", "prevista", "está previsto"),
        deadline=("hasta", "para"),
        range_words=("al", "y", "hasta el"),
        blocked=("la mañana", "esta mañana", "una mañana", "cada mañana", "de mañana"),
    ),
    "fr": LangRules(
        lead=("le", "la", "l'", "en", "depuis", "du", "au"),
        premods=_merge({"ce": THIS, "cette": THIS, "cet": THIS}),
        postmods=_merge(_forms("derni:er,ère", PAST), _forms("pass:é,ée", PAST),
                        _forms("prochain:,e", NEXT)),
        units=_merge(_forms("jour:,s", "day"), _forms("semaine:,s", "week"), {"mois": "month"},
                     _forms("an:,s", "year"), _forms("année:,s", "year")),
        numbers={"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
                 "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12},
        ago=("il y a {n} {u}",),
        narrative={"{n} {u} plus tôt": -1, "{n} {u} auparavant": -1, "{n} {u} plus tard": 1},
        future=("sera", "seront", "prévu", "prévue", "doit", "devrait"),
        deadline=("jusqu'à", "d'ici"),
        range_words=("au", "et"),
    ),
    "de": LangRules(
        lead=("am", "im", "an", "in", "seit", "bis", "vom"),
        premods=_merge(_forms("letzte:,n,r,s,m", PAST), _forms("vergangene:,n,r,s,m", PAST),
                       _forms("vorige:,n,r,s,m", PAST), _forms("nächste:,n,r,s,m", NEXT),
                       _forms("kommende:,n,r,s,m", NEXT), _forms("diese:,n,r,s,m", THIS)),
        units=_merge(_forms("tag:,e,en", "day"), _forms("woche:,n", "week"),
                     _forms("monat:,e,en", "month"), _forms("jahr:,e,en,es", "year")),
        numbers={"ein": 1, "einem": 1, "einer": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
                 "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12},
        ago=("vor {n} {u}",),
        narrative={"{n} {u} zuvor": -1, "{n} {u} früher": -1, "{n} {u} später": 1},
        capitalised=True,
        future=("wird", "werden", "soll", "sollen", "geplant"),
        deadline=("bis",),
        range_words=("bis", "und", "bis zum"),
        blocked=("am morgen", "den morgen", "der morgen", "jeden morgen", "guten morgen", "heute morgen"),
    ),
    "pt": LangRules(
        lead=("em", "no", "na", "o", "a", "desde", "até"),
        premods=_merge(_forms("últim:o,a", PAST), _forms("passad:o,a", PAST),
                       _forms("próxim:o,a", NEXT), _forms("est:e,a", THIS), _forms("nest:e,a", THIS)),
        postmods=_merge(_forms("passad:o,a", PAST), _forms("próxim:o,a", NEXT), {"que vem": NEXT}),
        units=_merge(_forms("dia:,s", "day"), _forms("semana:,s", "week"),
                     {"mês": "month", "meses": "month", "ano": "year", "anos": "year"}),
        numbers={"um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "quatro": 4, "cinco": 5,
                 "seis": 6, "sete": 7, "oito": 8, "nove": 9, "dez": 10, "onze": 11, "doze": 12},
        # "segunda"/"quinta" alone also mean "second"/"fifth": only the -feira forms are names.
        ago=("há {n} {u}", "{n} {u} atrás"),
        narrative={"{n} {u} antes": -1, "{n} {u} depois": 1, "{n} {u} mais tarde": 1},
        future=("será", "serão", "previsto", "prevista"),
        deadline=("até",),
        range_words=("a", "e", "até"),
    ),
    "ru": LangRules(
        lead=("в", "во", "на", "с", "до"),
        premods=_merge(_forms("прошл:ый,ой,ую,ом,ого,ая,ое", PAST), _forms("минувш:ий,ей,ую,ем,его", PAST),
                       _forms("следующ:ий,ей,ую,ем,его", NEXT), _forms("эт:от,ой,у,ом,ого", THIS)),
        units=_merge(_forms("д:ень,ня,ней", "day"), _forms("недел:я,и,ю,ь", "week"),
                     _forms("месяц:,а,ев", "month"), _forms("год:,а", "year"), {"лет": "year"}),
        numbers={"один": 1, "одну": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
                 "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10},
        # Accusative after "в": "в среду", "в пятницу", "в субботу".
        weekdays={"среду": 2, "пятницу": 4, "субботу": 5},
        ago=("{n} {u} назад",),
        narrative={"спустя {n} {u}": 1, "{n} {u} спустя": 1},
        future=("будет", "будут", "планируется"),
        deadline=("до",),
        range_words=("по", "и", "до"),
    ),
}


def rules_for(lang: str) -> LangRules:
    """Hand rules for ``lang`` (base language code), empty rules when there are none."""
    return RULES.get(lang, LangRules())
