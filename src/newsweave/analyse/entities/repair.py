"""Tidy the CRF's entity spans and spread them over the rest of the document.

``repair_spans`` applies the annotation conventions of the training data that
a tagger gets wrong most often, by rule:

* a place name does not run on in another script: "Βόρειας Κορέας KCNA" is
  two mentions, "Βόρειας Κορέας" and "KCNA" (split at the script change when
  the span starts with a whole gazetteer place);
* a person's name starts after the last title or role word in it:
  "Russian President Vladimir Putin" -> "Vladimir Putin", "Mr. Kim" -> "Kim";
* a trailing "on Tuesday" is no part of a name, nor, after a person's name, "on
  Russian" or "of Russia";
* for the universal model (languages without training data), a leading
  determiner ("The Kremlin", unless the whole span is a gazetteer place: "Los
  Angeles") or trailing possessive "'s" is no part of a name, lowercase words
  other than name connectors ("of", "on", "de") end a name, a role word
  followed by a name makes the name a person ("Defense Minister Sergei
  Shoigu" tagged ORG -> "Sergei Shoigu" PER), and a piece made
  only of common words (by the language's casing lexicon) and calendar words
  is no name.

``propagate`` then makes the document consistent: a name takes the type it
carries most often there ("Pyongyang" LOC three times, PER once), and further
occurrences of a name the tagger found elsewhere in the same document are
tagged too ("Kim" found once, missed twice).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import re

from newsweave.analyse.entities.words import fold, main_script
from newsweave.analyse.entities.gazetteer import Gazetteer
from newsweave.analyse.entities.wordclass import WordClasses
from newsweave.link.keys import inflection_variants
from newsweave.link.lexicon import CONNECTORS, NAME_LIKE_TITLES

Span = tuple[int, int, str]
_POSSESSIVE = re.compile(r"^['’]s$")
_MAX_PROPAGATE = 6


def _has_letter(tok: str) -> bool:
    return any(ch.isalpha() for ch in tok)


def _name_like(tok: str) -> bool:
    return tok[:1].isupper() and _has_letter(tok)


def _split_script(tokens: Sequence[str], a: int, b: int, gazetteer: Gazetteer | None) -> list[tuple[int, int]]:
    """Split a span where the script changes when it starts with a whole gazetteer place:
    "Βόρειας Κορέας KCNA" -> "Βόρειας Κορέας" + "KCNA". Greek news writes many names in
    both scripts at once ("Πανεπιστημίου RMIT", "Σπορ FM", "Vodafone Γερμανίας"): those
    stay whole."""
    pieces: list[tuple[int, int]] = []
    start, cur = a, None
    for i in range(a, b):
        sc = main_script(tokens[i])  # over the token's letters: "Mαρίνας" with a Latin M is Greek
        if sc == "-":
            continue
        if cur is not None and sc != cur:
            pieces.append((start, i))
            start = i
        cur = sc
    pieces.append((start, b))
    if len(pieces) == 1 or gazetteer is None:
        return [(a, b)]
    return pieces if _is_place(tokens[pieces[0][0]:pieces[0][1]], gazetteer) else [(a, b)]


def _is_place(tokens: Sequence[str], gazetteer: Gazetteer) -> bool:
    """The tokens are a gazetteer place, also in another case form (Βόρειας Κορέας)."""
    text = " ".join(tokens)
    return any(tuple(fold(t) for t in form.split()) in gazetteer.entries
               for form in [text, *inflection_variants(text)])


def _split_lower(tokens: Sequence[str], a: int, b: int) -> list[tuple[int, int]]:
    """Pieces of a span between lowercase words that are not name connectors."""
    pieces: list[tuple[int, int]] = []
    start = a
    for i in range(a, b):
        tok = tokens[i]
        if tok[:1].islower() and fold(tok) not in CONNECTORS:
            if start < i:
                pieces.append((start, i))
            start = i + 1
    if start < b:
        pieces.append((start, b))
    return pieces


def _trim(tokens: Sequence[str], a: int, b: int, typ: str, classes: WordClasses,
          gazetteer: Gazetteer | None, universal: bool) -> tuple[int, int]:
    """For people, drop everything up to the last title word; drop a trailing "on Tuesday"
    and trailing punctuation. In universal mode also leading determiners, trailing function
    words and possessives (Italian and Greek data keep "La Russa", "Di Pietro", "Το νεκρό
    καφενείο" whole, so the lexical model is left to its training there)."""
    if universal:
        while b - a > 1 and ("fw" in classes.features(tokens[a]) or not _has_letter(tokens[a])):
            if gazetteer is not None and tuple(fold(t) for t in tokens[a:b]) in gazetteer.entries:
                break  # "Los Angeles", "The Hague": the determiner belongs to the place name
            a += 1
    if typ == "PER":
        for i in range(b - 2, a - 1, -1):
            low = fold(tokens[i]).replace(".", "")
            if "ti" in classes.features(tokens[i]) and low not in NAME_LIKE_TITLES:
                a = i + 1
                break
    if b - a > 2 and "adp" in classes.features(tokens[b - 2]):
        tail = classes.features(tokens[b - 1])
        # a lowercase preposition only: "Di Francesco", "De Luca" are surnames ("dm" is a mere guess)
        if "dt" in tail or (typ == "PER" and "dm" in tail and tokens[b - 2].islower()):
            b -= 2  # "Russia on Tuesday", "Putin on Russian (television)", "Vladimir Putin of Russia"
    if universal and b - a > 1 and _POSSESSIVE.match(tokens[b - 1]):
        b -= 1  # "Boeing's"
    while b - a > 1 and not tokens[b - 1][:1].isupper() and (
            not any(ch.isalnum() for ch in tokens[b - 1]) or (universal and "fw" in classes.features(tokens[b - 1]))):
        b -= 1
    return a, b


def _person_after_title(tokens: Sequence[str], a: int, b: int, classes: WordClasses) -> int | None:
    """Start of the capitalised name after a role word inside a span ("Defense Minister
    Sergei Shoigu" -> index of "Sergei"), or None."""
    for i in range(b - 2, a - 1, -1):
        if "ti" in classes.features(tokens[i]) and fold(tokens[i]).replace(".", "") not in NAME_LIKE_TITLES:
            tail = tokens[i + 1:b]
            if all(_name_like(t) and not classes.features(t) for t in tail):
                return i + 1
            return None
    return None


def repair_spans(tokens: Sequence[str], spans: list[Span], classes: WordClasses, gazetteer: Gazetteer | None,
                 universal: bool = False, casing: Mapping[str, str] | None = None) -> list[Span]:
    """The tidied spans of one sentence (token offsets, end exclusive); see the module docstring."""
    out: list[Span] = []
    for a, b, typ in spans:
        for a1, b1 in _split_script(tokens, a, b, gazetteer):
            for a2, b2 in (_split_lower(tokens, a1, b1) if universal else [(a1, b1)]):
                typ2 = typ
                if universal and typ != "PER":
                    head = _person_after_title(tokens, a2, b2, classes)
                    if head is not None:
                        a2, typ2 = head, "PER"
                a3, b3 = _trim(tokens, a2, b2, typ2, classes, gazetteer, universal)
                if a3 >= b3 or not any(ch.isalnum() for t in tokens[a3:b3] for ch in t):
                    continue
                if universal and all(casing and casing.get(fold(t)) in ("lo", "mid") or not _has_letter(t)
                                     or "dt" in classes.features(t) for t in tokens[a3:b3]):
                    continue  # "These", "Later Saturday": capitalised only because a sentence starts there
                out.append((a3, b3, typ2))
    return out


def _majority(votes: Counter[str] | None, typ: str) -> str:
    """The type a name carries most often in the document; ``typ`` on a tie."""
    if not votes:
        return typ
    (best, n), *rest = votes.most_common(2) + [("", 0)]
    return best if n > votes[typ] and n > rest[0][1] else typ


def _votes(sentences: Sequence[Sequence[str]], spans: list[list[Span]], classes: WordClasses,
           spreadable: bool) -> dict[tuple[str, ...], Counter[str]]:
    """Types each name carries in the document. ``spreadable``: only names worth spreading, not
    single words at a sentence start or made of class words (demonyms, calendar words, titles)."""
    votes: dict[tuple[str, ...], Counter[str]] = {}
    for toks, ss in zip(sentences, spans):
        for a, b, typ in ss:
            key = tuple(toks[a:b])
            if b - a > _MAX_PROPAGATE or not key[0][:1].isupper():
                continue
            if spreadable and b - a == 1 and (len(key[0]) < 2 or classes.features(key[0])):
                continue
            votes.setdefault(key, Counter())[typ] += 1
    return votes


def _complete(sentences: Sequence[Sequence[str]], spans: list[list[Span]], classes: WordClasses,
              names: dict[tuple[str, ...], Counter[str]]) -> list[list[Span]]:
    """Names cut or run on, mended from the names of the same document:

    * a person's name cut short completes to a longer one found elsewhere: "Kim Jong" before
      "Un un set" (Italian "a", which the tagger read as no name) is "Kim Jong Un";
    * a calendar word run into a person's name, where a date would stand (a sentence's first
      word, or after a preposition), is dropped when the name occurs just this once and the rest
      is a name of its own in the document and part of another: "Domenica Kim" ("On Sunday Kim
      ...") beside "Kim" and "Kim Jong Un". "April Ryan" stays whole when she is named twice, or
      when her "Ryan" is nowhere else a name of its own.
    """
    longer = [k for k in names if len(k) > 1]
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for k in longer:
        if names[k]["PER"]:
            by_first.setdefault(k[0], []).append(k)
    out: list[list[Span]] = []
    for toks, ss in zip(sentences, spans):
        mended: list[Span] = []
        for j, (a, b, typ) in enumerate(ss):
            if typ == "PER":
                limit = ss[j + 1][0] if j + 1 < len(ss) else len(toks)  # never into the next span
                full = [k for k in by_first.get(toks[a], ()) if len(k) > b - a and a + len(k) <= limit
                        and tuple(toks[a:a + len(k)]) == k]
                if full:
                    b = a + max(map(len, full))
                elif b - a > 1 and "dt" in classes.features(toks[a]) and _date_slot(toks, a, classes):
                    whole, rest = tuple(toks[a:b]), tuple(toks[a + 1:b])
                    if sum(names[whole].values()) == 1 and rest in names and any(
                            k != whole and k[0] != toks[a] and _contains(k, rest) for k in longer):
                        a += 1
            mended.append((a, b, typ))
        out.append(mended)
    return out


def _date_slot(toks: Sequence[str], i: int, classes: WordClasses) -> bool:
    """Whether a date could stand at ``i``: a sentence's first word, or after a lowercase preposition."""
    return i == 0 or (toks[i - 1].islower() and "adp" in classes.features(toks[i - 1]))


def _contains(name: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(name[i:i + len(part)] == part for i in range(len(name) - len(part) + 1))


def propagate(sentences: Sequence[Sequence[str]], spans: list[list[Span]], classes: WordClasses) -> list[list[Span]]:
    """Make a document's names consistent: mend names cut short or run into a calendar word
    (``_complete``), give every name the type it carries most often there (single class words
    too: "Russia" tagged ORG six times and PER once), and add spans for further occurrences
    (whole tokens, not overlapping any span) of a name found elsewhere in the document, with
    that type. Names that are single words at the start of a sentence, or made of class words
    (titles, calendar words, demonyms), are not spread."""
    spans = _complete(sentences, spans, classes, _votes(sentences, spans, classes, spreadable=False))
    typed = _votes(sentences, spans, classes, spreadable=False)
    spans = [[(a, b, _majority(typed.get(tuple(toks[a:b])), typ)) for a, b, typ in ss]
             for toks, ss in zip(sentences, spans)]
    votes = _votes(sentences, spans, classes, spreadable=True)
    if not votes:
        return spans
    lengths = sorted({len(k) for k in votes}, reverse=True)
    firsts = {k[0] for k in votes}  # most tokens start no name: skip them without building keys
    out: list[list[Span]] = []
    for toks, ss in zip(sentences, spans):
        taken = [False] * len(toks)
        for a, b, _ in ss:
            for i in range(a, b):
                taken[i] = True
        added = list(ss)
        i = 0
        while i < len(toks):
            if toks[i] not in firsts:
                i += 1
                continue
            hit = 0
            for n in lengths:
                key = tuple(toks[i:i + n])
                if len(key) == n and key in votes and not any(taken[i:i + n]) and (i > 0 or n > 1) \
                        and not (i > 0 and _name_like(toks[i - 1])) and not (i + n < len(toks) and _name_like(toks[i + n])):
                    hit = n
                    added.append((i, i + n, votes[key].most_common(1)[0][0]))
                    break
            i += hit or 1
        out.append(sorted(added) if len(added) != len(ss) else ss)
    return out
