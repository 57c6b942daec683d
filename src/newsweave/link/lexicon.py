"""Small closed-class word lists used to find the name inside a mention.

Everything here is language knowledge, not data about particular entities,
except ``ORG_SEEDS``: a short multilingual list of organisations whose names
are translated rather than transliterated (so no rule can relate them).
"""

from __future__ import annotations

# Honorifics, titles and role nouns that precede a name ("Mr. Kim", "il presidente
# Putin", "Defense Minister Sergei Shoigu"). Compared lowercased with dots removed.
TITLES = frozenset(
    """
    mr mrs ms miss dr prof sir lord lady dame sig sigg sigra signor signora signore dott dottor
    ing avv on sen rep gov gen col capt cpt lt sgt adm maj president presidente président
    präsident presidentessa premier prime minister ministro ministra ministre minister
    leader chancellor cancelliere cancelliera kanzler kanzlerin king re rey roi könig queen
    regina reina reine prince principe príncipe princess principessa pope papa saint st san
    santo santa ceo cfo coo cto chairman chairwoman chair director direttore directora
    directeur directeur-général chief executive head spokesman spokeswoman spokesperson
    portavoce vocero portavoz woordvoerder secretary segretario segretaria secretario
    secretaria ambassador ambasciatore embajador senator senatore senador senatrice governor
    governatore gobernador mayor sindaco alcalde burgemeester general generale general
    commander comandante colonel colonnello admiral ammiraglio señor señora sr sra srta don
    doña dona herr frau m mme mlle monsieur madame meneer mevrouw dhr mevr heer dr. ex former
    vice deputy acting founder co-founder fondatore fundador oprichter topman topvrouw
    líder lider dictator dittatore dictador dictateur deposto deposed
    κ κος κα κύριος κυρία πρόεδρος πρωθυπουργός υπουργός υπουργό ηγέτης ηγέτη εκπρόσωπος
    στρατηγός βασιλιάς г господин госпожа президент премьер министр генерал
    """.split()
)

# Titles that are also names ("Martin Luther King", "Federico Mayor"): at the end of a
# mention they do not make it a role description.
NAME_LIKE_TITLES = frozenset(
    """king queen prince princess lord lady dame sir don dona doña mayor general pope saint st san
    santo santa re rey roi chair head chief bishop lider líder""".split()
)

# Pronouns, determiners, possessives, relatives and prepositions in the languages the
# engine meets most; a mention made only of these (and lowercase words) is not a name.
FUNCTION_WORDS = frozenset(
    """
    a an the this that these those he she it they we you i me him her them us his hers its
    their theirs our ours your yours my mine who whom whose which what one ones others
    other some all both each another someone of in on at to for from by with and or as
    il lo la i gli le un uno una l dell della dello delle degli dei del al alla allo alle
    agli ai nel nella nello nelle negli nei sul sulla dal dalla da di in con per tra fra
    lui lei esso essa essi esse loro noi voi io tu suo sua suoi sue nostro nostra nostri
    nostre che cui quale quali questo questa questi queste quello quella quelli quelle
    proprio propria altri altre altro alcuni alcune
    el los las unos unas lo le les se nos su sus él ella ellos ellas nosotros nosotras
    vosotros usted ustedes yo tú nuestro nuestra nuestros nuestras que quien quienes cual
    cuyo este esta estos estas ese esa esos esas aquel aquella de del al en con por para
    otros otras algunos algunas
    de het een hij zij ze wij we jullie ik jij u hem haar hen hun zijn onze ons mijn die
    dat deze dit wie wat welke men van in op aan met voor
    der die das dem den des ein eine einer eines einem einen er sie es wir ihr ich du ihn
    ihm ihnen sein seine ihre unser unsere welche welcher im vom zum zur
    le la les un une des du au aux il elle ils elles nous vous je lui leur leurs son sa ses
    notre nos qui ce cette ces celui celle
    ο η το οι τα του της των τον την τους τις στο στη στην στον στα στους στις ένας μια
    ένα αυτός αυτή αυτό αυτοί αυτές αυτά μας σας
    он она оно они мы вы я его её ее их нас вас в на с по
    """.split()
)

# Lowercase words that may sit inside a name ("Komsomolsk-on-Amur", "Corea del Nord",
# "Bank of America"); skipped when forming an acronym.
CONNECTORS = frozenset(
    "of the and for on de del della di dei des du la le van von der den y e et und & af da do dos das".split()
)

# Particles inside names that name nobody alone: "Ben Amer", "Abdel Rahman" are not a given and a family name
# (``keys.variant_spelling``).
PARTICLES = frozenset("al el ben bin ibn abu abd abdel abdul abdal de del della di da van von der le la".split())

# Prepositions that make a following name a modifier of a common noun: in "the rival
# of Boeing" or "la planta de Long Beach" the mention is not Boeing or Long Beach.
PREPOSITIONS = frozenset(
    """of from for by at with in on de del della dello delle dei degli dell di da dal dalla
    van voor uit bij met von vom des du d do dos das à au aux al""".split()
)

# Legal-form suffixes dropped from organisation names ("Apple Inc." ~ "Apple").
LEGAL_SUFFIXES = frozenset(
    """inc incorporated corp corporation ltd limited plc nv bv sa spa srl ag gmbh llc co lp sas ab
    oy asa kk group grupo groep gruppo groupe gruppe holding holdings""".split()
)

# Family names written first in Korean, Chinese and Vietnamese names: the short form
# of "Kim Jong Un" is "Kim", of "Xi Jinping" is "Xi". Folded spelling.
EAST_ASIAN_SURNAMES = frozenset(
    """
    kim lee li ri yi park pak bak choi choe chung jung jeong kang gang cho jo yoon yun
    jang chang lim im han shin sin oh o seo suh kwon gwon hwang ahn an song hong moon mun
    ko go noh no ryu yoo yu wang zhang chen liu yang huang zhao wu zhou xu sun ma zhu hu
    guo he lin gao luo zheng liang xie tang xi deng mao jiang hu wen bo nguyen tran le pham
    hoang phan vu vo dang bui do ho ngo duong ly
    """.split()
)

# name -> {lang: [forms]}: organisations whose names are translated, not transliterated.
# A seed, not a registry: the linker relates everything else by rule.
ORG_SEEDS: dict[str, dict[str, list[str]]] = {
    "Kremlin": {
        "en": ["Kremlin"], "it": ["Cremlino"], "es": ["Kremlin"], "fr": ["Kremlin"],
        "de": ["Kreml"], "nl": ["Kremlin"], "pt": ["Kremlin"], "el": ["Κρεμλίνο"],
        "ru": ["Кремль"], "uk": ["Кремль"], "pl": ["Kreml"],
    },
    "United Nations": {
        "en": ["United Nations", "UN", "U.N."], "it": ["Nazioni Unite", "ONU"],
        "es": ["Naciones Unidas", "ONU"], "fr": ["Nations unies", "ONU"],
        "de": ["Vereinte Nationen", "UNO"], "nl": ["Verenigde Naties", "VN"],
        "pt": ["Nações Unidas", "ONU"], "el": ["Ηνωμένα Έθνη", "ΟΗΕ"], "ru": ["ООН"],
    },
    "NATO": {
        "en": ["NATO", "North Atlantic Treaty Organization"], "it": ["NATO", "Nato"],
        "es": ["OTAN"], "fr": ["OTAN"], "de": ["NATO"], "nl": ["NAVO"], "pt": ["OTAN"],
        "el": ["ΝΑΤΟ"], "ru": ["НАТО"],
    },
    "European Union": {
        "en": ["European Union", "EU"], "it": ["Unione europea", "UE"],
        "es": ["Unión Europea", "UE"], "fr": ["Union européenne", "UE"],
        "de": ["Europäische Union", "EU"], "nl": ["Europese Unie", "EU"],
        "pt": ["União Europeia", "UE"], "el": ["Ευρωπαϊκή Ένωση", "ΕΕ"], "ru": ["Евросоюз", "ЕС"],
    },
    "European Commission": {
        "en": ["European Commission"], "it": ["Commissione europea"], "es": ["Comisión Europea"],
        "fr": ["Commission européenne"], "de": ["Europäische Kommission"],
        "nl": ["Europese Commissie"], "el": ["Ευρωπαϊκή Επιτροπή"], "ru": ["Еврокомиссия"],
    },
    "White House": {
        "en": ["White House"], "it": ["Casa Bianca"], "es": ["Casa Blanca"],
        "fr": ["Maison Blanche"], "de": ["Weißes Haus"], "nl": ["Witte Huis"],
        "el": ["Λευκός Οίκος", "Λευκό Οίκο"], "ru": ["Белый дом"],
    },
    "World Health Organization": {
        "en": ["World Health Organization", "WHO"], "it": ["Organizzazione mondiale della sanità", "OMS"],
        "es": ["Organización Mundial de la Salud", "OMS"], "fr": ["Organisation mondiale de la santé", "OMS"],
        "de": ["Weltgesundheitsorganisation"], "nl": ["Wereldgezondheidsorganisatie"],
        "el": ["Παγκόσμιος Οργανισμός Υγείας", "ΠΟΥ"], "ru": ["ВОЗ"],
    },
    "International Monetary Fund": {
        "en": ["International Monetary Fund", "IMF"], "it": ["Fondo monetario internazionale", "FMI"],
        "es": ["Fondo Monetario Internacional", "FMI"], "fr": ["Fonds monétaire international", "FMI"],
        "de": ["Internationaler Währungsfonds", "IWF"], "nl": ["Internationaal Monetair Fonds", "IMF"],
        "el": ["Διεθνές Νομισματικό Ταμείο", "ΔΝΤ"], "ru": ["МВФ"],
    },
}

# Seeds that CLDR also lists as territories: one ref for both, so "EU" (seed) and
# "Unia Europejska" (CLDR, Polish) are one entity.
SEED_TERRITORIES = {"European Union": "EU", "United Nations": "UN"}

# Abbreviations of country names that are neither ISO codes nor initials of the CLDR name.
TERRITORY_ABBREVIATIONS = {
    "USA": "US", "ΗΠΑ": "US", "США": "US", "EEUU": "US", "EUA": "US", "РФ": "RU", "ΚΝΔΡ": "KP",
    "КНДР": "KP", "ΗΑΕ": "AE", "ОАЭ": "AE", "UAE": "AE", "DPRK": "KP", "RPDC": "KP", "ROK": "KR",
}


# English demonyms that are not their country's name plus an ending, by the country's English name
# ("British" -> the United Kingdom). Regular ones ("Russian", "North Korean", "Chinese") are derived.
IRREGULAR_DEMONYMS = {
    "british": "united kingdom", "english": "england", "dutch": "netherlands", "swiss": "switzerland",
    "french": "france", "greek": "greece", "polish": "poland", "turkish": "turkey", "spanish": "spain",
    "swedish": "sweden", "danish": "denmark", "finnish": "finland", "irish": "ireland", "welsh": "wales",
    "scottish": "scotland", "afghan": "afghanistan", "filipino": "philippines", "norwegian": "norway",
    "peruvian": "peru", "chilean": "chile", "thai": "thailand", "saudi": "saudi arabia",
    "american": "united states", "emirati": "united arab emirates", "belgian": "belgium",
    "dominican": "dominican republic"}
