"""Closed word lists for quote attribution, per language, and the regexes built from them.

Languages: en, it, el, es, fr, de, pt, nl, ru. An unknown or missing language
uses the union of all of them, so a mislabelled article still gets its quotes.
Only lowercase forms are listed; matching is case-insensitive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

LANGS = ("en", "it", "el", "es", "fr", "de", "pt", "nl", "ru")

# A word or a number, for counting words around quotations and verbs.
WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+")

# Reporting verbs whose speaker is the subject, before ("Kim said") or after
# ("said Kim", "ανέφερε ο Πεσκόφ"). Participles are listed bare: the auxiliary
# is matched by AUXILIARIES so "ha dichiarato" is one verb span.
VERBS: dict[str, tuple[str, ...]] = {
    "en": ("said", "says", "say", "told", "tells", "added", "adds", "stated", "explained", "explains",
           "noted", "announced", "reported", "warned", "warns", "insisted", "insists", "claimed",
           "declared", "confirmed", "stressed", "argued", "argues", "wrote", "writes", "asserted",
           "assured", "assures", "detailed", "mentioned", "replied", "pledged", "vowed", "promised",
           "acknowledged", "admitted", "emphasised", "emphasized", "underlined", "observed",
           "commented", "saying", "adding", "noting", "stressing", "insisting", "warning"),
    "it": ("detto", "dichiarato", "affermato", "aggiunto", "spiegato", "sottolineato", "riferito",
           "annunciato", "ribadito", "precisato", "osservato", "commentato", "confermato",
           "assicurato", "promesso", "giurato", "avvertito", "ammesso", "confessato", "rivelato",
           "evidenziato", "raccontato", "replicato", "risposto", "insistito", "garantito",
           "denunciato", "puntualizzato", "rimarcato", "descritto", "fatto sapere", "dice", "dicono",
           "afferma", "affermano", "dichiara", "dichiarano", "spiega", "aggiunge", "sottolinea",
           "riferisce", "riferiscono", "ribadisce", "precisa", "assicura", "annuncia", "avverte",
           "disse", "dichiarò", "affermò", "aggiunse", "spiegò", "sottolineò"),
    "el": ("δήλωσε", "δήλωσαν", "δηλώνει", "δηλώνουν", "ανέφερε", "ανέφεραν", "αναφέρει", "αναφέρουν",
           "λέει", "λένε", "είπε", "είπαν", "τόνισε", "τόνισαν", "τονίζει", "πρόσθεσε", "πρόσθεσαν",
           "προσθέτει", "σημείωσε", "σημείωσαν", "σημειώνει", "υπογράμμισε", "υπογραμμίζει",
           "ανακοίνωσε", "ανακοίνωσαν", "μετέδωσε", "μετέδωσαν", "εξήγησε", "εξηγεί", "υποστήριξε",
           "επεσήμανε", "επισήμανε", "διαβεβαίωσε", "προειδοποίησε", "απάντησε", "ξεκαθάρισε",
           "έγραψε", "παραδέχθηκε", "δεσμεύτηκε", "υποσχέθηκε", "δηλώσει", "πει"),
    "es": ("dijo", "dice", "dicen", "dijeron", "afirmó", "afirma", "declaró", "declara", "añadió",
           "añade", "agregó", "señaló", "señala", "explicó", "explica", "aseguró", "asegura", "indicó",
           "subrayó", "destacó", "advirtió", "manifestó", "sostuvo", "reiteró", "insistió", "apuntó",
           "comentó", "anunció", "confirmó", "admitió", "prometió", "dicho", "afirmado", "declarado",
           "añadido", "señalado", "explicado", "asegurado", "advertido", "anunciado"),
    "fr": ("dit", "déclaré", "affirmé", "ajouté", "expliqué", "souligné", "indiqué", "assuré",
           "estimé", "précisé", "annoncé", "confirmé", "averti", "insisté", "reconnu", "promis",
           "rappelé", "déclare", "affirme", "ajoute", "explique", "souligne", "indique", "assure",
           "estime", "précise", "annonce", "confirme", "avertit", "insiste", "reconnaît", "promet",
           "assurent", "déclarent", "affirment", "disent"),
    "de": ("sagte", "sagt", "sagten", "erklärte", "erklärt", "erklärten", "betonte", "betont",
           "fügte", "teilte", "berichtete", "berichtet", "meinte", "meint", "warnte", "versicherte",
           "kündigte", "bekräftigte", "unterstrich", "schrieb", "gesagt", "betonten", "hieß es"),
    "pt": ("disse", "diz", "dizem", "disseram", "afirmou", "afirma", "declarou", "declara",
           "acrescentou", "explicou", "explica", "salientou", "sublinhou", "destacou", "garantiu",
           "assegurou", "indicou", "referiu", "anunciou", "confirmou", "advertiu", "alertou",
           "prometeu", "dito", "afirmado", "declarado"),
    "nl": ("zei", "zegt", "zeiden", "verklaarde", "verklaart", "voegde", "stelde", "stelt",
           "benadrukte", "liet weten", "meldde", "schreef", "waarschuwde", "bevestigde", "gezegd"),
    "ru": ("сказал", "сказала", "сказали", "заявил", "заявила", "заявили", "отметил", "отметила",
           "отметили", "добавил", "добавила", "подчеркнул", "подчеркнула", "сообщил", "сообщила",
           "сообщили", "пояснил", "пояснила", "говорит", "говорят", "указал", "признал", "пообещал",
           "написал", "заверил"),
}

# Attributions whose speaker always follows: "according to X", "secondo X".
PREPOSITIONS: dict[str, tuple[str, ...]] = {
    "en": ("according to",),
    "it": ("secondo", "a detta di", "stando a"),
    "el": ("σύμφωνα με",),
    "es": ("según", "de acuerdo con"),
    "fr": ("selon", "d'après", "d’après"),
    "de": ("laut", "nach angaben von", "nach angaben"),
    "pt": ("segundo", "de acordo com", "conforme"),
    "nl": ("volgens", "aldus"),
    "ru": ("по словам", "по данным", "по мнению"),
}

# Auxiliaries (and one optional adverb after them) folded into the verb span,
# so "Kim ha anche dichiarato" leaves "Kim" alone before the verb.
AUXILIARIES: dict[str, tuple[str, ...]] = {
    "en": ("has", "have", "had", "will", "would"),
    "it": ("ha", "hanno", "aveva", "avevano", "avrebbe", "avrebbero", "avrà", "abbia"),
    "el": ("έχει", "είχε", "έχουν", "είχαν"),
    "es": ("ha", "han", "había", "habían"),
    "fr": ("a", "ont", "avait", "avaient", "a-t-il", "a-t-elle", "ont-ils", "ont-elles"),
    "de": ("hat", "haben", "hatte"),
    "pt": ("tem", "têm", "tinha", "havia"),
    "nl": ("heeft", "hebben", "had"),
    "ru": (),
}

# Words that introduce a reported clause after the verb ("said that ...").
COMPLEMENTIZERS: dict[str, tuple[str, ...]] = {
    "en": ("that",), "it": ("che",), "el": ("ότι", "πως"), "es": ("que",),
    "fr": ("que", "qu'", "qu’"), "de": ("dass",), "pt": ("que",), "nl": ("dat",), "ru": ("что",),
}

# Third-person pronouns: "he added" continues the last speaker.
PRONOUNS: dict[str, tuple[str, ...]] = {
    "en": ("he", "she", "they", "it"),
    "it": ("lui", "lei", "egli", "ella", "essi", "loro"),
    "el": ("αυτός", "αυτή", "αυτοί", "ο ίδιος", "η ίδια"),
    "es": ("él", "ella", "ellos", "ellas"),
    "fr": ("il", "elle", "ils", "elles", "t-il", "t-elle"),
    "de": ("er", "sie"),
    "pt": ("ele", "ela", "eles", "elas"),
    "nl": ("hij", "zij", "ze"),
    "ru": ("он", "она", "они"),
}
# Pronouns that point back to an organisation rather than a person.
ORG_PRONOUNS = frozenset({"it", "they", "ils", "elles", "essi", "ellos", "ellas", "eles", "elas", "они", "αυτοί"})
# Languages that drop the subject pronoun: a bare "ha aggiunto" continues the last speaker.
PRO_DROP = frozenset({"it", "el", "es", "pt"})

# Clause connectors that end a reported clause ("X said that A, while B").
CLAUSE_BREAKS: dict[str, tuple[str, ...]] = {
    "en": ("while", "whereas"), "it": ("mentre",), "el": ("ενώ",), "es": ("mientras",),
    "fr": ("tandis que", "alors que"), "de": ("während",), "pt": ("enquanto",),
    "nl": ("terwijl",), "ru": ("тогда как",),
}

# "as reported by X": a word allowed between the comma and a postposed verb.
AS_WORDS = frozenset({"as", "come", "όπως", "como", "comme", "wie", "zoals", "как"})

ARTICLES = frozenset("""the a an il lo la l' l’ i gli le un uno una un' un’ ο η το οι τα ένας μια ένα
el los las un una le les der die das den dem ein eine o a os as um uma de het een""".split())

# Prepositions that make a following name an addressee or medium, never the
# speaker ("told the Washington Post", "ha confessato ... al Washington Post").
ADDRESSEE_PREPS = frozenset("""to al allo alla all' all’ ai agli alle a ad σε στο στη στην στον στους στις
στα à au aux zu zum zur gegenüber ao aos às aan tegen""".split())
# Prepositions that make a following name oblique ("the departure of Kim"):
# still a possible speaker ("the spokesman of the Kremlin"), but a weaker one.
OBLIQUE_PREPS = frozenset("""of di del dello della dei degli delle dell' dell’ d' d’ του της των de des du von
vom do da dos das van by from da από για for on in at per con with με sur par bei mit nel nella
nei durante during""".split())

HONORIFICS = frozenset("""mr mr. mrs mrs. ms ms. dr dr. prof prof. sen. rep. gen. sig. sig.ra signor signora
dott. κ. κος κα sr. sra. d. m. mme mlle herr frau г-н г-жа""".split())

# Words in a capitalised span that mark it as an organisation, not a person.
ORG_WORDS = frozenset("""agency agenzia πρακτορείο agencia agence agentur agência agentschap агентство ministry
ministero υπουργείο ministerio ministère ministerium ministério ministerie министерство government
governo κυβέρνηση gobierno gouvernement regierung regering правительство office ufficio council
consiglio committee comitato party partito κόμμα news press stampa ειδήσεων times post tass reuters
kremlin cremlino κρεμλίνο army esercito police polizia ap afp ansa department dipartimento commission
commissione union unione center centre centro institute istituto university università court tribunale
corte academy accademia fleet flotta navy marina bank banca company società corporation group gruppo
association associazione federation federazione league lega club theater theatre teatro survey""".split())

# Titles that may lead a full-name mention ("President Vladimir Putin") and are no name part.
TITLES = frozenset("""president presidente πρόεδρος président präsident президент minister ministro υπουργός ministre
leader general generale spokesman spokesperson portavoce εκπρόσωπος""".split())

# Relative pronouns: a comma segment starting with one is a relative clause, not the subject.
# Checked on the first two words, so "il quale" and "ο οποίος" are caught by their second.
RELATIVES = frozenset("""who which whose che quale cui που οποίος οποία οποίο que qui quien welcher welche который
которая которые""".split())

# Words that may follow a speaker's name without making the name a modifier
# ("sagte Olaf Scholz am Montag", "ha detto Kim lunedì"; but "Russian news agencies").
NAME_FOLLOWERS = frozenset("""am im um vor nach bei seit gegen auf über zu op bij na em no nos pelo pela sur sous
chez avec pendant durante tras desde hasta ante con sin sobre при после во со из от до через ieri oggi stamani
stamattina stasera lunedì martedì mercoledì giovedì venerdì sabato domenica lunes martes miércoles jueves viernes
sábado domingo lundi mardi mercredi jeudi vendredi samedi dimanche maandag dinsdag woensdag donderdag vrijdag
zaterdag zondag segunda terça quarta quinta sexta понедельник вторник среду четверг пятницу субботу воскресенье
χθες σήμερα την τη τον το κατά μετά πριν yesterday today earlier later also too again""".split())

# Capitalised day and month names, never a speaker ("South Sudan's president said Thursday").
TIME_WORDS = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april
may june july august september october november december montag dienstag mittwoch donnerstag freitag samstag
sonntag januar februar märz juni juli oktober dezember δευτέρα τρίτη τετάρτη πέμπτη παρασκευή σάββατο
κυριακή""".split())

# Capitalised words that can start a sentence without being a name.
FUNCTION_WORDS = ARTICLES | TIME_WORDS | frozenset("""and but or also then e ma poi anche ieri oggi και αλλά όμως y pero
et mais und aber en maar и но on in at yesterday today domenica sabato""".split())

# Verbs whose object is the addressee: "told CNN" names who heard, not who spoke.
ADDRESSEE_VERBS = frozenset({"told", "tells", "tell"})


@dataclass(frozen=True)
class Lexicon:
    """The compiled word lists of one language (or of all, for an unknown language)."""

    verbs: re.Pattern[str]
    preps: re.Pattern[str]
    complementizers: re.Pattern[str]
    breaks: re.Pattern[str]
    pronouns: frozenset[str]
    pro_drop: bool


def _alternation(words: set[str]) -> str:
    """One regex for the words, longest first ("a detta di" wins over "a detta"), written as a trie.

    A flat ``said|says|...`` is tried entry by entry at every word start (case-insensitive
    branches get no first-letter shortcut): 2.6 s over 300 ML-Crisis articles for the
    all-language list, against 0.2 s for the trie. At one position the entries that match are
    prefixes of one another, and the trie tries a node's longer continuations before ending
    there, so it finds the same match as the longest-first list.
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # an entry ends here
    return _trie_regex(trie)


def _trie_regex(node: dict) -> str:
    branches = [(r"\s+" if ch == " " else re.escape(ch)) + _trie_regex(child)
                for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # an entry ends here: the longer ones first, then this one
        return (body + "?") if len(branches) == 1 and len(body) == 1 else f"(?:{body})?"
    return body


def _bounded(body: str) -> str:
    """Whole words only; \\b is unreliable next to apostrophes, so use lookarounds."""
    return rf"(?<![\w'’-])(?:{body})(?![\w'’])"


def _union(table: dict[str, tuple[str, ...]], langs: tuple[str, ...]) -> set[str]:
    return {w for lang in langs for w in table.get(lang, ())}


@lru_cache(maxsize=None)
def lexicon(lang: str | None) -> Lexicon:
    """The lexicon for ``lang`` (ISO 639-1); unknown or None gives the union of all languages."""
    langs = (lang,) if lang in LANGS else LANGS
    aux = _alternation(_union(AUXILIARIES, langs))
    # The aux may carry one adverb ("ha anche detto", "has also said"), never an article ("have a say").
    articles = _alternation(set(ARTICLES))
    aux_part = rf"(?:(?<![\w'’-])(?:{aux})\s+(?:(?!(?:{articles})\s)[^\W\d_]+\s+)?)?" if aux else ""
    verbs = re.compile(aux_part + _bounded(_alternation(_union(VERBS, langs))), re.IGNORECASE)
    return Lexicon(
        verbs=verbs,
        preps=re.compile(_bounded(_alternation(_union(PREPOSITIONS, langs))), re.IGNORECASE),
        complementizers=re.compile(
            rf"(?<![\w'’-])(?:{_alternation(_union(COMPLEMENTIZERS, langs))})(?=[\s,])|qu['’]", re.IGNORECASE
        ),
        breaks=re.compile(rf",\s*(?:{_alternation(_union(CLAUSE_BREAKS, langs))})(?!\w)", re.IGNORECASE),
        pronouns=frozenset(_union(PRONOUNS, langs)),
        pro_drop=lang in PRO_DROP if lang in LANGS else False,
    )
