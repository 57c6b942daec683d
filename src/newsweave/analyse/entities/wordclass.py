"""Language-neutral word classes for the CRF: what a word is, whatever the language.

These features let a model trained on Italian and Greek tag text in languages
it never saw (English first): they name the *class* of a word, not the word.

* closed classes from ``newsweave.link.lexicon`` (function words, titles) and
  a short multilingual list of organisation head words ("Ministry",
  "Agenzia", "Υπουργείο");
* calendar words (month and day names of many locales, from CLDR via babel,
  computed at training time and shipped in the lexicon file);
* a *name lexicon* learnt from the gold training data: the entity type a
  capitalised word mostly carries, keyed by a script-free phonetic form so that
  "Πεσκόφ" (Greek data) also answers for "Peskov" (English text). Training uses
  it jackknifed (each sentence sees a lexicon built without its own fold), so
  the model learns how far to trust it on unseen words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from newsweave.analyse.entities.conll import Sentence, spans_from_tags
from newsweave.analyse.entities.words import fold, main_script, script
from newsweave.link.keys import fold_token
from newsweave.link.lexicon import CONNECTORS, FUNCTION_WORDS, PREPOSITIONS, TITLES
from newsweave.link.translit import script_of, transliterate

# Head words of organisation names (folded: lower-case, accent-free). Greek entries are
# stems so that inflected forms match ("υπουργει" covers Υπουργείο, Υπουργείου).
ORG_HEADS = frozenset(
    """
    agency agencies ministry ministries department office council committee commission
    parliament congress senate assembly court tribunal party union federation association
    institute university college academy school foundation bank fund company corporation
    group army navy forces fleet guard police service services authority administration
    board bureau center centre organization organisation league club news press times post
    airlines airways television radio channel network journal herald
    agenzia ministero dipartimento ufficio consiglio comitato commissione parlamento camera
    senato assemblea corte tribunale partito unione federazione associazione istituto
    universita accademia fondazione banca fondo societa gruppo esercito marina flotta
    guardia polizia servizio autorita amministrazione centro organizzazione lega notizie
    agencia ministerio departamento oficina consejo comision parlamento congreso senado
    partido union federacion asociacion instituto universidad academia fundacion banco
    fondo compania empresa grupo ejercito armada policia servicio autoridad organizacion
    agence ministere departement bureau conseil commission parlement assemblee cour
    parti federation institut universite academie fondation banque societe groupe armee
    ministerium amt rat kommission partei verband institut universitat akademie stiftung
    bundesbank gesellschaft gruppe polizei behorde zentrum organisation
    ministerie raad commissie partij bond instituut universiteit stichting groep leger
    """.split()
)
ORG_HEAD_STEMS = (
    "υπουργει", "πρακτορει", "πανεπιστημι", "οργανισμ", "τραπεζ", "κομμα", "επιτροπ",
    "συμβουλι", "εταιρ", "ενωσ", "ομοσπονδ", "ινστιτουτ", "ακαδημι", "δικαστηρι", "βουλ",
    "στρατ", "ναυτικ", "αστυνομι", "ιδρυμ", "κεντρ", "ταμει", "συνδεσμ", "υπηρεσι",
    "министерств", "агентств", "комитет", "совет", "университет", "партия", "банк",
)
_ADP = PREPOSITIONS | {"της", "του", "των", "στο", "στη", "στην", "από", "απο", "με", "για", "σε"}
_CONJ = frozenset("and or e ed o y et und en και ή но и или".split())


@lru_cache(maxsize=200_000)
def name_key(word: str) -> str:
    """Script-free phonetic key of one word: Πεσκόφ, Peskov and Peskow give "peskof"."""
    if script_of(word) not in ("latin", "other"):
        word = transliterate(word)
    return fold_token(word)


def calendar_words(locales: Iterable[str]) -> list[str]:
    """Folded month and day names (wide and abbreviated, format and stand-alone) of ``locales``."""
    from babel import Locale  # training-time only

    out: set[str] = set()
    for code in locales:
        loc = Locale.parse(code)
        for table in (loc.months, loc.days):
            for context in ("format", "stand-alone"):
                for width in ("wide", "abbreviated"):
                    for name in table.get(context, {}).get(width, {}).values():
                        for part in name.replace(".", " ").split():
                            if len(part) > 2:
                                out.add(fold(part))
    return sorted(out)


def demonym_stems(names: Iterable[str]) -> list[str]:
    """Stems of one-word country names (final vowels dropped: "russia" -> "russ", "κορεα" ->
    "κορε"), at least four letters; a longer word starting with one is likely a demonym or
    adjective of that country ("Russian", "Κορεάτης", "Italiano")."""
    out: set[str] = set()
    for name in names:
        if " " in name or "-" in name:
            continue
        stem = fold(name).rstrip("aeiouyαεηιουωάέήίόύώ")
        if len(stem) >= 4 and stem.isalpha():
            out.add(stem)
    return sorted(out)


class WordClasses:
    """Class features of one word: ``fw`` function word, ``adp``/``cj`` preposition or
    conjunction, ``ti`` title, ``og`` organisation head, ``dt`` calendar word, ``dm``
    probable demonym (see ``demonym_stems``)."""

    def __init__(self, calendar: Iterable[str] = (), stems: Iterable[str] = ()):
        self.calendar = frozenset(calendar)
        self.stems = frozenset(stems)

    def features(self, word: str) -> list[str]:
        low = fold(word).replace(".", "")
        out: list[str] = []
        if low in FUNCTION_WORDS or low in CONNECTORS:
            out.append("fw")
        if low in _ADP:
            out.append("adp")
        if low in _CONJ:
            out.append("cj")
        if low in TITLES and len(low) > 1 and low not in FUNCTION_WORDS:
            out.append("ti")
        if low in ORG_HEADS or (len(low) > 4 and low.startswith(ORG_HEAD_STEMS)):
            out.append("og")
        if low in self.calendar:
            out.append("dt")
        if word[:1].isupper() and len(low) > 5 and self.stems:
            if any(low[:k] in self.stems for k in range(4, len(low) - 1)):
                out.append("dm")
        return out


class NameLexicon:
    """name_key of a capitalised word -> the label it mostly carries in gold data."""

    def __init__(self, entries: Mapping[str, str] | None = None):
        self.entries: dict[str, str] = dict(entries or {})

    def features(self, word: str) -> list[str]:
        if not word[:1].isupper():
            return []
        hit = self.entries.get(name_key(word))
        return ["nl=" + hit, "nl=" + hit.split(":")[0]] if hit else []

    @classmethod
    def build(cls, sentences: Iterable[Sentence], min_count: int = 2, type_share: float = 1 / 3) -> NameLexicon:
        """Entries for capitalised words seen ``min_count`` times: "PER" (most frequent type),
        "PER:hi" (>= 0.9; a type needs a third of the occurrences), "O" (>= 0.7) / "O:hi" (>= 0.95)
        for capitalised words that are mostly no entity."""
        counts: dict[str, Counter[str]] = {}
        for toks, tags in sentences:
            labels = ["O"] * len(toks)
            for a, b, typ in spans_from_tags(tags):
                for i in range(a, b):
                    labels[i] = typ
            home = main_script(toks)
            for i, (tok, lab) in enumerate(zip(toks, labels)):
                if lab == "O" and (i == 0 or script(tok) != home):
                    continue  # sentence-initial capitals say nothing; nor do foreign-script words,
                    # which elNER leaves untagged when they name products ("Galaxy Note")
                if tok[:1].isupper() and any(ch.isalpha() for ch in tok):
                    counts.setdefault(name_key(tok), Counter())[lab] += 1
        entries: dict[str, str] = {}
        for key, c in counts.items():
            n = sum(c.values())
            if not key or n < min_count:
                continue
            ents = [(k, lab) for lab, k in c.most_common() if lab != "O"]
            if ents and ents[0][0] / n >= type_share:
                entries[key] = ents[0][1] + (":hi" if ents[0][0] / n >= 0.9 else "")
            elif c["O"] / n >= 0.7:
                entries[key] = "O" + (":hi" if c["O"] / n >= 0.95 else "")
        return cls(entries)


def jackknife(sentences: Sequence[Sentence], folds: int = 5, type_share: float = 1 / 3) -> list[NameLexicon]:
    """One lexicon per fold (sentence ``i`` is in fold ``i % folds``), each built from the others."""
    return [NameLexicon.build((s for i, s in enumerate(sentences) if i % folds != k), type_share=type_share)
            for k in range(folds)]
