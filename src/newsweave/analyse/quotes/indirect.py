"""Indirect speech: the reported clause of "X said that ...", "..., said X" and "according to X, ...".

Three shapes, each a clause of at least four words:

* verb + complementizer: "Il Cremlino ha dichiarato che <clause>", "δήλωσε ότι <clause>";
  the clause runs to the end of the sentence, or to a contrastive break
  (", mentre", ", while") or a postposed attribution (", ha dichiarato la Kcna");
* postposed verb: "<clause>, σημείωσε ο Πεσκόφ", "<clause>, state news agency Tass said";
* attribution phrase: "<clause>, according to Dmitri Peskov", "Secondo la TASS, <clause>".

The two last shapes need a named speaker: without one ("..., hanno riferito
le agenzie di stampa russe") the sentence is most often narration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsweave.analyse.quotes.attribution import Attribution, Verb, VerbFinder, participle
from newsweave.analyse.quotes.lexicon import AS_WORDS, FUNCTION_WORDS, RELATIVES, WORD

_MIN_WORDS = 4
_MAX_GAP_WORDS = 8  # words allowed between a verb and its complementizer
_MAX_SUBJECT_WORDS = 5  # words between the comma and a postposed verb ("state news agency Tass")
_HARD_STOP = re.compile(r"[.;:!?]")
# Words that open an adjunct after a closing verb ("Kim said on Tuesday", "ha detto ieri").
_ADJUNCT_STARTS = frozenset("""in on at to during late earlier yesterday today in a al ai durante ieri oggi
σε στο στη στην στον την τη το τον χθες σήμερα en à au aux hier aujourd'hui am im heute gestern em no na hoje ontem
op gisteren vandaag в на вчера сегодня""".split())
_TRAILING = " \t,.;:!?"


@dataclass(frozen=True)
class Reported:
    """A reported clause at ``start:end`` and the attribution of its verb."""

    start: int
    end: int
    attribution: Attribution


def _count(text: str) -> int:
    return len(WORD.findall(text))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRAILING:
        start += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return start, end


class IndirectFinder:
    """Finds reported clauses sentence by sentence with a shared ``VerbFinder``."""

    def __init__(self, text: str, finder: VerbFinder) -> None:
        self.text, self.finder = text, finder
        self.lex = finder.lex

    def find(self, sentences: list[tuple[int, int]]) -> list[Reported]:
        """Every reported clause, at most one per verb, none inside another."""
        found: list[Reported] = []
        for s_start, s_end in sentences:
            for verb in self.finder.in_range(s_start, s_end):
                r = self._reported(verb, s_start, s_end)
                if r is None or _count(self.text[r.start : r.end]) < _MIN_WORDS:
                    continue
                if not any(o.start < r.end and r.start < o.end for o in found):
                    found.append(r)
        return found

    def _reported(self, verb: Verb, s_start: int, s_end: int) -> Reported | None:
        if verb.prep:
            return self._by_phrase(verb, s_start, s_end)
        return self._by_complementizer(verb, s_start, s_end) or self._by_postposed(verb, s_start, s_end)

    def _by_complementizer(self, verb: Verb, s_start: int, s_end: int) -> Reported | None:
        comp = self.lex.complementizers.search(self.text, verb.end, s_end)
        if comp is None:
            return None
        gap = self.text[verb.end : comp.start()]
        if _count(gap) > _MAX_GAP_WORDS or _HARD_STOP.search(gap) or self.finder.masked(verb.end, comp.start()):
            return None
        if any(w.lower() in self.lex.pronouns for w in WORD.findall(gap)):
            # "said they reimposed the rule that ...": the "that" is a relative pronoun.
            return None
        start, end = _trim(self.text, comp.end(), self._clause_end(comp.end(), s_end))
        return Reported(start, end, self.finder.attribute(verb, s_start, s_end))

    def _clause_end(self, start: int, s_end: int) -> int:
        """Sentence end, or an earlier contrastive break or postposed attribution."""
        ends = [s_end]
        brk = self.lex.breaks.search(self.text, start, s_end)
        if brk:
            ends.append(brk.start())
        for later in self.finder.in_range(start, s_end):
            cut = self._postposed_comma(later, start)
            if cut is not None:
                ends.append(cut)
        return min(ends)

    def _postposed_comma(self, verb: Verb, floor: int) -> int | None:
        """The comma before a postposed ``verb`` ("..., ha dichiarato la Kcna", "..., Tass said",
        "..., according to X"), if it is one."""
        cut = self.text.rfind(",", floor, verb.start)
        if cut < 0:
            return None
        between = [w.lower() for w in WORD.findall(self.text[cut + 1 : verb.start])]
        if verb.prep:
            return None if between else cut
        subject = [w for w in between if w not in AS_WORDS]
        if len(subject) > _MAX_SUBJECT_WORDS or self.lex.complementizers.match(self.text, verb.end) is not None:
            return None
        prev = self.text.rfind(",", floor, cut)
        before = [w.lower() for w in WORD.findall(self.text[prev + 1 if prev >= 0 else floor : cut])][:2]
        # "Snider, who attended the conference, said ...": the subject is before the relative clause.
        return None if any(w in RELATIVES for w in before) else cut

    def _by_postposed(self, verb: Verb, s_start: int, s_end: int) -> Reported | None:
        cut = self._postposed_comma(verb, s_start)
        # "saying ..." and "adding ..." lead a clause of their own; they never close one.
        if cut is None or participle(verb):
            return None
        att = self.finder.attribute(verb, cut + 1, s_end)
        if att.speaker is None and att.continues is None:
            return None
        inverted = att.speaker is not None and att.speaker.start >= verb.end
        if not self._ends_clause(att.speaker.end if att.speaker is not None and inverted else verb.end, s_end):
            # "A giugno, Kim aveva ribadito di ...": a fronted adverbial, not an attribution.
            return None
        start, end = _trim(self.text, s_start, cut)
        return Reported(start, end, att)

    def _ends_clause(self, pos: int, s_end: int) -> bool:
        """Whether nothing but an adjunct follows ``pos``, the end of the verb or of its inverted
        subject ("Tass said.", "he said on Tuesday", "σημείωσε ο Πεσκόφ, σε βίντεο")."""
        rest = self.text[pos:s_end].lstrip()
        first = WORD.match(rest)
        return not rest or rest[0] in ",.;!?" or (first is not None and first.group().lower() in _ADJUNCT_STARTS)

    def _by_phrase(self, verb: Verb, s_start: int, s_end: int) -> Reported | None:
        att = self.finder.attribute(verb, s_start, s_end)
        if att.speaker is None:
            return None
        lead = [w.lower() for w in WORD.findall(self.text[s_start : verb.start])]
        if all(w in FUNCTION_WORDS for w in lead):
            # "Secondo la TASS, <clause>": the clause follows the speaker phrase.
            comma = self.text.find(",", att.speaker.end, s_end)
            if comma < 0:
                return None
            start, end = _trim(self.text, comma + 1, self._clause_end(comma + 1, s_end))
            return Reported(start, end, att)
        cut = self._postposed_comma(verb, s_start)
        if cut is None:
            return None
        start, end = _trim(self.text, s_start, cut)
        return Reported(start, end, att)
