"""Reporting verbs and the speaker each one introduces.

A verb's speaker is looked for in its subject, before it ("Kim ha dichiarato",
"the Defense Ministry said") or after it ("ανέφερε ο Πεσκόφ", "said Mr. Putin");
an "according to" phrase looks only after itself. Candidates are ranked:
named speakers over continuations, direct names over names behind a
preposition ("la partenza di Kim"), then a person over an organisation over a
lone word tagged person over a place (places only right next to the verb),
then nearness. With no mention, a capitalised span next to the verb is used
(the recogniser misses names); with nothing, a pronoun ("he added") or a
dropped subject ("ha aggiunto") continues the last speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from newsweave.analyse.quotes.lexicon import (
    ADDRESSEE_PREPS, ADDRESSEE_VERBS, ARTICLES, AS_WORDS, FUNCTION_WORDS, HONORIFICS, NAME_FOLLOWERS,
    OBLIQUE_PREPS, ORG_PRONOUNS, RELATIVES, Lexicon,
)
from newsweave.analyse.quotes.model import SpeakerMention
from newsweave.analyse.quotes.names import NameResolver, Speaker

_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d+")
_HARD_STOP = re.compile(r"[.;:!?«»“”„\"‹›]")
_INITIAL = re.compile(r"[^\W\d_]\.")
# Articles that turn a verb form into a noun; not those doubling as object pronouns
# ("lo ha detto", "το είπε", "il a dit" in French).
_NOMINALISERS = frozenset("the a an un una uno ο η el los las der das het um uma".split())
_PASSIVE = frozenset("be been being was were is are stato stata stati state fu furono été sido wurde worden wordt"
                     .split())
_PREPOSITIONS = ADDRESSEE_PREPS | OBLIQUE_PREPS
_PUNCT = re.compile(r"[,;:()]")
_POST_REACH = 100  # characters after a verb searched for an inverted subject
_ANTECEDENT_REACH = 400  # characters back a pronoun may point to a mention
_PARTICLES = frozenset("de da di del van von der bin al le la dos du ibn".split())
_Ranked = list[tuple[tuple[int, ...], Speaker]]  # (rank, speaker) candidates, lower rank wins


@dataclass(frozen=True)
class Verb:
    """A reporting verb (``prep`` False) or an "according to" phrase (``prep`` True)."""

    start: int
    end: int
    text: str
    prep: bool


@dataclass(frozen=True)
class Attribution:
    """What one verb says about its speaker: a named speaker, or a continuation.

    ``continues`` is "person", "organisation" or "any" when the speaker is the
    last one named (pronoun, dropped subject). ``rank`` orders alternatives,
    lower wins: (continuation or none, behind a preposition, speaker type).
    """

    verb: Verb
    speaker: Speaker | None
    continues: str | None
    rank: tuple[int, int, int]


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _lower(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def participle(verb: Verb) -> bool:
    """"saying", "adding": the subject is the main clause's, at the start of the sentence."""
    return verb.text.lower().endswith("ing")


def _type_rank(etype: str, spk: Speaker) -> int:
    """Person before organisation before a lone unconfirmed "person" before a place."""
    if etype == "LOC" and spk.kind != "person":
        return 3
    return 0 if spk.kind == "person" and spk.strong else 1 if spk.kind == "organisation" else 2


class VerbFinder:
    """All reporting verbs of an article outside quotations, and the speaker each introduces."""

    def __init__(self, text: str, lex: Lexicon, mentions: Sequence[SpeakerMention],
                 masks: Sequence[tuple[int, int]]) -> None:
        self.text, self.lex, self.masks = text, lex, sorted(masks)
        self._mask_starts = [s for s, _ in self.masks]
        self._mask_reach = list(accumulate((e for _, e in self.masks), max))  # furthest end so far
        self.resolver = NameResolver(text, list(mentions))
        self.mentions = [m for m in self.resolver.mentions if not self.masked(m.start, m.end)]
        found = [Verb(m.start(), m.end(), m.group(), False) for m in lex.verbs.finditer(text)]
        found += [Verb(m.start(), m.end(), m.group(), True) for m in lex.preps.finditer(text)]
        self.verbs = sorted((v for v in found if not self.masked(v.start, v.end) and not self._nominal(v)),
                            key=lambda v: v.start)

    def _nominal(self, verb: Verb) -> bool:
        """A verb form used as a noun or adjective after an article ("have a say", "the said
        deal", "il detto"), a passive ("will be added"), or capitalised inside a title-case
        headline ("..., Reports Say")."""
        if verb.prep:
            return False
        before = _lower(self.text[max(0, verb.start - 12) : verb.start])[-1:]
        if before and verb.text[:1].isupper() and self.text[verb.start - 2 : verb.start].strip() not in ".!?:":
            return True
        inside = _lower(verb.text)
        # the word before the participle: "will be added", "è stato detto", "was reported"
        helper = inside[-2:-1] or before
        return bool(before) and before[0] in _NOMINALISERS or bool(helper) and helper[0] in _PASSIVE

    def masked(self, start: int, end: int) -> bool:
        """Whether ``start:end`` overlaps a quotation (marks included)."""
        i = bisect_left(self._mask_starts, end)  # masks[:i] start before ``end``
        return i > 0 and self._mask_reach[i - 1] > start

    def in_range(self, start: int, end: int) -> list[Verb]:
        """Verbs lying wholly inside ``start:end``."""
        return [v for v in self.verbs if start <= v.start and v.end <= end]

    # -- regions -------------------------------------------------------------

    def _floor(self, pos: int, floor: int) -> int:
        """Where a subject before ``pos`` may start: after the last quotation, ';' or ':'."""
        ends = [e for _, e in self.masks if floor <= e <= pos]
        stops = [floor + m.end() for m in re.finditer(r"[;:]", self.text[floor:pos])]
        return max(ends + stops, default=floor)

    def subject_region(self, verb: Verb, floor: int) -> tuple[int, int]:
        """The comma segment holding the subject before ``verb``.

        Walks back over empty segments, conjunction-only ones and relative
        clauses ("Mr. Kim, who ..., said"), so an apposition or a clause like
        "... e ha detto" still reaches its subject; stops at a quotation.
        """
        start, end = self._floor(verb.start, floor), verb.start
        while True:
            cut = self.text.rfind(",", start, end)
            seg_start = cut + 1 if cut >= 0 else start
            words = _lower(self.text[seg_start:end])
            relative = any(w in RELATIVES for w in words[:2])
            if not relative and not all(w in FUNCTION_WORDS for w in words):
                return seg_start, end
            if cut < 0:
                return (end, end) if relative else (seg_start, end)
            end = cut

    def post_region(self, verb: Verb, ceiling: int) -> tuple[int, int]:
        """Text after ``verb`` that may hold an inverted subject: up to a full stop, a quotation,
        a complementizer ("said that"), or two commas ("σημείωσε ο εκπρόσωπος, Ντμίτρι Πεσκόφ,");
        one comma for "according to X, ..."."""
        end = self.stop(verb.end, min(ceiling, verb.end + _POST_REACH))
        comp = self.lex.complementizers.search(self.text, verb.end, end)
        end = comp.start() if comp else end
        commas = [i for i in range(verb.end, end) if self.text[i] == ","]
        limit = 1 if verb.prep else 2
        end = commas[limit - 1] if len(commas) >= limit else end
        words = _lower(self.text[verb.end : end])
        if len(words) > 1 and words[0] in self.lex.pronouns:
            # "said he backed King": a clause of its own, whose subject is not the speaker.
            return verb.end, verb.end
        return verb.end, end

    def stop(self, start: int, end: int) -> int:
        """The first full stop, other sentence punctuation or quotation mark in ``start:end``
        (``end`` if none)."""
        for m in _HARD_STOP.finditer(self.text, start, end):
            if m.group() != "." or not self._abbreviation_dot(m.start()):
                return m.start()
        return end

    def _abbreviation_dot(self, pos: int) -> bool:
        """The dot of "Mr." or of an initial ("J."): part of a name, not a full stop."""
        words = self.text[max(0, pos - 6) : pos + 1].split()
        return bool(words) and (
            words[-1].lower() in HONORIFICS or (bool(_INITIAL.fullmatch(words[-1])) and words[-1][0].isupper()))

    # -- candidates ----------------------------------------------------------

    def _mentions_in(self, start: int, end: int) -> list[SpeakerMention]:
        return [m for m in self.mentions if start <= m.start and m.end <= end]

    def _preposition(self, start: int) -> str | None:
        """The word right before ``start``, skipping one article ("del Cremlino" -> "del",
        "to the Post" -> "to"); "a" is a preposition in Italian before it is an article."""
        words = _lower(self.text[max(0, start - 40) : start])[-2:]
        if len(words) == 2 and words[-1] in ARTICLES and words[-1] not in _PREPOSITIONS:
            words = words[:1]
        return words[-1] if words else None

    def _candidates(self, verb: Verb, region: tuple[int, int], side: int) -> _Ranked:
        """Ranked speakers among the mentions of ``region`` (side 0: before the verb, 1: after)."""
        found: _Ranked = []
        for m in self._mentions_in(*region):
            spk = self.resolver.from_mention(m)
            prep = self._preposition(m.start)
            gap = self.text[m.end : verb.start] if side == 0 else self.text[verb.end : m.start]
            distance = len([w for w in _lower(gap) if w not in ARTICLES and w not in HONORIFICS])
            # An addressee ("told the Post") never speaks; a place speaks only right next to the
            # verb; after the verb, a name before a common noun modifies it ("according to
            # Russian news agencies"); before it, that word may be the clause's own verb.
            place = m.type == "LOC" and spk is not None and spk.kind != "person"
            if spk is None or prep in ADDRESSEE_PREPS or (place and (distance or _PUNCT.search(gap))) \
                    or (side == 1 and self._modifier(m.end, region[1])):
                continue
            if side == 0 and participle(verb):
                distance = m.start - region[0]  # "The UN protested ..., saying": the main subject
            found.append(((int(prep in OBLIQUE_PREPS), _type_rank(m.type, spk), side, distance, 0), spk))
        return found

    def _modifier(self, pos: int, end: int) -> bool:
        """Whether the name ending at ``pos`` is followed by a lowercase content word, so it
        only qualifies that word."""
        nxt = _WORD.match(self.text, pos + 1, end) if self.text[pos : pos + 1] == " " else None
        if nxt is None or not nxt.group()[:1].islower():
            return False
        word = nxt.group().lower()
        return not any(word in words for words in (FUNCTION_WORDS, NAME_FOLLOWERS, OBLIQUE_PREPS, ADDRESSEE_PREPS,
                                                   RELATIVES, self.lex.pronouns))

    def attribute(self, verb: Verb, floor: int, ceiling: int) -> Attribution:
        """The speaker ``verb`` introduces, searching no further than ``floor:ceiling``."""
        pre = None if verb.prep else (floor, verb.start) if participle(verb) else self.subject_region(verb, floor)
        post = self.post_region(verb, ceiling)
        if _words(verb.text)[-1].lower() in ADDRESSEE_VERBS:
            post = (post[0], post[0])  # "told CNN": the object heard it
        found = (self._candidates(verb, pre, 0) if pre else []) + self._candidates(verb, post, 1)
        found += self._fallbacks(verb, pre, post, floor, [spk for _, spk in found])
        if found:
            (oblique, kind, *_), spk = min(found, key=lambda f: f[0])
            return Attribution(verb, spk, None, (0, oblique, kind))
        return Attribution(verb, None, self._continuation(verb, pre, post), (1, 0, 0))

    def subject_of(self, lo: int, hi: int) -> Speaker | None:
        """The first person named in ``lo:hi``, else the first organisation: the subject of a
        clause with no reporting verb ("Mr Gunness denied it:")."""
        speakers = [spk for m in self._mentions_in(lo, hi) if m.type != "LOC"
                    for spk in [self.resolver.from_mention(m)] if spk is not None and spk.strong]
        return next((s for s in speakers if s.kind == "person"), speakers[0] if speakers else None)

    # -- fallbacks -----------------------------------------------------------

    def antecedent(self, pos: int, kind: str) -> Speaker | None:
        """What "he added" points to before anyone has been quoted: a named speaker of ``kind``
        ("person", "organisation", "any") in the last sentence before ``pos`` that names one,
        its first (the subject: "Kim met Putin. «...», ha aggiunto." is Kim)."""
        found: list[Speaker] = []
        for m in self.mentions:
            if m.type == "LOC" or m.end > pos or pos - m.end > _ANTECEDENT_REACH:
                continue
            spk = self.resolver.from_mention(m)
            if spk is not None and spk.strong and kind in ("any", spk.kind):
                found.append(spk)
        if not found:
            return None
        sentence_start = max(self.text.rfind(". ", 0, found[-1].start), self.text.rfind("\n", 0, found[-1].start))
        return next(s for s in found if s.start > sentence_start)

    def _fallbacks(self, verb: Verb, pre: tuple[int, int] | None, post: tuple[int, int], floor: int,
                   named: list[Speaker]) -> _Ranked:
        """Capitalised name spans touching the verb, for names the recogniser missed (ranked
        like mentions, after them on ties). A lone capitalised word opening the sentence
        ("Officials said") counts only when it names a known entity or is capitalised
        inside a sentence elsewhere in the article, as names are."""
        spans = [(0, self._capitalised_run(*pre, backwards=True))] if pre else []
        if verb.prep:
            # "according to UN agency spokesman Christopher Gunness": the name ends the phrase
            # (tried first, so it wins a tie), unless it is behind "of" ("Danny Gold of Metropolis").
            spans.append((1, self._capitalised_run(*post, backwards=True)))
            spans.append((1, self._capitalised_run(*post, backwards=False)))
        elif not self._reflexive(verb):
            spans.append((1, self._capitalised_run(*post, backwards=False)))
        found: _Ranked = []
        for side, span in spans:
            if span is None or self._preposition(span[0]) in _PREPOSITIONS \
                    or (side == 0 and _PUNCT.search(self.text, span[1], verb.start)) \
                    or any(n.start < span[1] and span[0] < n.end for n in named):
                # "la partenza di Kim", "από τη Βόρεια Κορέα , μετέδωσε": no subject of the verb;
                # a mention already weighed as a candidate is not weighed twice
                continue
            spk = self.resolver.from_span(*span)
            name_like = len(_words(spk.text)) > 1 or spk.entity is not None or self._name_like(spk.text)
            if name_like or _words(self.text[floor : span[0]]):
                # Right next to the verb, a name-like word is as good as a full name.
                kind = 1 if spk.kind == "organisation" else 0 if name_like else 2
                found.append(((0, kind, side, 0, 1), spk))
        return found

    def _name_like(self, word: str) -> bool:
        """Whether ``word`` also appears capitalised after another word, i.e. not only as a
        sentence's first word."""
        return re.search(rf"[\w,;] {re.escape(word)}(?!\w)", self.text) is not None

    def _capitalised_run(self, start: int, end: int, backwards: bool) -> tuple[int, int] | None:
        """Up to four capitalised words (name particles allowed inside) touching the verb side."""
        tokens = [(m.start() + start, m.end() + start, m.group()) for m in _WORD.finditer(self.text[start:end])]
        run: list[tuple[int, int, str]] = []
        for s, e, w in reversed(tokens) if backwards else tokens:
            low = w.lower()
            if "\n" in self.text[min(s, run[-1][0]) if run else s : max(e, run[-1][1]) if run else e]:
                break  # a name never runs across a line break
            if not run and not backwards and (low in ARTICLES or low in HONORIFICS or low in AS_WORDS):
                continue
            if w[:1].isupper() and low not in FUNCTION_WORDS and low not in self.lex.pronouns:
                run.append((s, e, w))
            elif not (run and low in _PARTICLES):
                break
        while run and not run[-1][2][:1].isupper():
            run.pop()
        if not run or len(run) > 4 or (not backwards and self._modifier(run[-1][1], end)):
            return None
        return min(t[0] for t in run), max(t[1] for t in run)

    def _reflexive(self, verb: Verb) -> bool:
        """Impersonal "si dice" / "se dice": no speaker after it."""
        return _lower(self.text[max(0, verb.start - 5) : verb.start])[-1:] in (["si"], ["se"], ["sich"])

    def _continuation(self, verb: Verb, pre: tuple[int, int] | None, post: tuple[int, int]) -> str | None:
        """"person"/"organisation"/"any" when the verb continues the last speaker, else None."""
        before = _words(self.text[pre[0] : pre[1]]) if pre else []
        after = _words(self.text[post[0] : post[1]])
        # "he said", "He later added", "said he", "a-t-il déclaré"
        adjacent = [w.lower().removeprefix("t-") for w in before[-2:] + after[:1] + _words(verb.text)[1:]]
        pronoun = next((w for w in adjacent if w in self.lex.pronouns), None)
        if pronoun is not None:
            return "organisation" if pronoun in ORG_PRONOUNS else "person"
        if verb.prep or not self.lex.pro_drop or self._reflexive(verb):
            return None
        # Dropped subject: no article-led noun phrase before ("Il ministro ha detto")
        # or right after ("ha confessato un esperto"), no capitalised word but the first.
        subject_before = any(w.lower() in ARTICLES for w in before) or any(w[:1].isupper() for w in before[1:])
        subject_after = bool(after) and (after[0].lower() in ARTICLES or after[0][:1].isupper())
        return None if subject_before or subject_after else "any"
