"""The quote extractor: direct quotations and indirect speech with their speakers."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from newsweave.analyse.quotes.attribution import Attribution, Verb, VerbFinder
from newsweave.analyse.quotes.indirect import IndirectFinder, Reported
from newsweave.analyse.quotes.lexicon import WORD, lexicon
from newsweave.analyse.quotes.marks import QuoteMarks, find_quote_marks
from newsweave.analyse.quotes.model import Quote, QuoteKind, SpeakerMention
from newsweave.analyse.quotes.names import Speaker

# A short quotation with nobody behind it is a scare quote or a title
# (la «storia d'amore», “Addio della Slavianka”), not a quote.
_MIN_UNATTRIBUTED_WORDS = 4
# A quotation continues the one before only when its sentence holds little else ("E, soprattutto, «…»").
_MAX_WORDS_BESIDE_CONTINUATION = 4
_MAX_ATTRIBUTION_SENTENCE_WORDS = 8  # "Kim said on Tuesday." after a quotation


class _Sentences:
    """Sentence spans with lookup by position; paragraphs stand in when none are given."""

    def __init__(self, text: str, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = sorted(spans) or [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)] or [(0, len(text))]
        self.starts = [s for s, _ in self.spans]

    def index(self, pos: int) -> int:
        """The sentence holding ``pos`` (or the last one starting before it)."""
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def bounds(self, first: int, last: int) -> tuple[int, int]:
        return self.spans[first][0], self.spans[last][1]


@dataclass
class _Memory:
    """The speakers named so far, for continuations ("he added", a quote after a quote)."""

    last: dict[str, Speaker] = field(default_factory=dict)
    previous: tuple[Quote, Speaker | None] | None = None  # the last direct quotation

    def remember(self, quote: Quote, speaker: Speaker | None) -> None:
        if quote.kind == "direct":
            self.previous = (quote, speaker)
        if speaker is not None:
            self.last[speaker.kind] = self.last["any"] = speaker


def extract_quotes(text: str, lang: str | None, sentences: Sequence[tuple[int, int]],
                   mentions: Sequence[SpeakerMention]) -> list[Quote]:
    """Direct quotations and indirect speech in ``text``, with speakers, in text order.

    ``lang`` (ISO 639-1, None when unknown) picks the reporting verbs and quote
    conventions; ``sentences`` are (start, end) character spans; ``mentions`` are
    the article's named-entity mentions with their linked entities.
    """
    return _Extraction(text, lang, sentences, mentions).run()


def _without_nested(quotes: list[Quote]) -> list[Quote]:
    """Drop a quotation inside the reported clause of the same speaker: "Shoigu ha dichiarato che la
    cooperazione «risponde agli interessi fondamentali»" is one statement, not two. A quotation of someone
    else inside a clause (TASS reports what the admiral said) stays."""
    clauses = [q for q in quotes if q.kind == "indirect"]
    return [q for q in quotes if q.kind == "indirect" or not any(
        c.start <= q.start and q.end <= c.end and _same_speaker(c, q) for c in clauses)]


def _same_speaker(a: Quote, b: Quote) -> bool:
    if a.speaker_entity or b.speaker_entity:
        return a.speaker_entity == b.speaker_entity
    return a.speaker_name is not None and a.speaker_name == b.speaker_name


class _Extraction:
    """One article's extraction: quotation marks, verbs, sentences and the speakers so far."""

    def __init__(self, text: str, lang: str | None, sentences: Sequence[tuple[int, int]],
                 mentions: Sequence[SpeakerMention]) -> None:
        self.text = text
        self.marks = [q for q in find_quote_marks(text, lang) if q.depth == 0]
        self.finder = VerbFinder(text, lexicon(lang), mentions, [(q.open_at, q.outer_end) for q in self.marks])
        self.sents = _Sentences(text, [(s[0], s[1]) for s in sentences])
        self.memory = _Memory()

    def run(self) -> list[Quote]:
        reported = self._keep_indirect(IndirectFinder(self.text, self.finder).find(self.sents.spans))
        items: list[QuoteMarks | Reported] = sorted([*self.marks, *reported], key=lambda x: x.start)
        quotes = []
        for item in items:
            if isinstance(item, Reported):
                quote, speaker = self._build(item.start, item.end, "indirect", item.attribution)
            else:
                quote, speaker = self._direct(item)
                if speaker is None and len(WORD.findall(quote.text)) < _MIN_UNATTRIBUTED_WORDS:
                    continue
            quotes.append(quote)
            self.memory.remember(quote, speaker)
        return _without_nested(quotes)

    def _keep_indirect(self, reported: list[Reported]) -> list[Reported]:
        """Drop a reported clause that is mostly a direct quotation: the quotation stands for it."""
        kept = []
        for r in reported:
            quoted = sum(max(0, min(r.end, q.outer_end) - max(r.start, q.open_at)) for q in self.marks)
            if quoted * 2 < r.end - r.start:
                kept.append(r)
        return kept

    def _speaker(self, att: Attribution | None) -> Speaker | None:
        """The speaker ``att`` names, or the one it continues: the last quoted, else the last named."""
        if att is None or att.speaker is not None or att.continues is None:
            return att.speaker if att else None
        return self.memory.last.get(att.continues) or self.finder.antecedent(att.verb.start, att.continues)

    def _build(self, start: int, end: int, kind: QuoteKind, att: Attribution | None) -> tuple[Quote, Speaker | None]:
        """The quote record for ``start:end`` with the speaker ``att`` names or continues."""
        spk = self._speaker(att)
        quote = Quote(start, end, self.text[start:end], kind,
                      spk.text if spk else None, spk.start if spk else None, spk.end if spk else None,
                      spk.entity if spk else None, spk.name if spk else None,
                      spk.kind if spk else "unattributed",
                      att.verb.text or None if att else None)
        return quote, spk

    def _direct(self, q: QuoteMarks) -> tuple[Quote, Speaker | None]:
        """A direct quotation: attributed by a verb in its sentence, else by its neighbours."""
        # The quoted text's last character, not the closing mark: a splitter may hand a
        # detached mark ("... Philadelphia. \" He is ...") to the next sentence.
        first, last = self.sents.index(q.open_at), self.sents.index(max(q.open_at, q.end - 1))
        lo, hi = self.sents.bounds(first, last)
        near = self.finder.in_range(lo, q.open_at)[-1:] + self.finder.in_range(q.outer_end, hi)[:1]
        att = self._best(q, near, lo, hi)
        colon = self.text[lo : q.open_at].rstrip()
        if att is None and colon.endswith(":"):
            att = self._introduced(lo, lo + len(colon))
        if att is not None:
            return self._build(q.start, q.end, "direct", att)
        prev = self.memory.previous
        if prev is not None and self.sents.index(prev[0].start) >= first - 1 and self._stands_alone(q, lo, hi):
            # A quotation standing alone right after another continues it
            # («...», ανέφερε ο Πεσκόφ. «...».); a title inside narration does not.
            return self._inherit(q, *prev)
        return self._build(q.start, q.end, "direct", self._neighbour(q, first, last))

    def _introduced(self, lo: int, hi: int) -> Attribution | None:
        """The speaker of a clause ending with ':' that introduces a quotation: its verb's, or
        without a reporting verb ("Mr Gunness denied it:") its first named subject."""
        verbs = self.finder.in_range(lo, hi)[-1:]
        if verbs:
            return self.finder.attribute(verbs[0], lo, hi)
        subject = self.finder.subject_of(lo, hi)
        return Attribution(Verb(hi, hi, "", False), subject, None, (0, 0, 0)) if subject else None

    def _best(self, q: QuoteMarks, verbs: list[Verb], lo: int, hi: int) -> Attribution | None:
        """The verb whose speaker is best: named over continued, person over organisation, nearest."""
        options = []
        for verb in verbs:
            att = self.finder.attribute(verb, lo, hi)
            distance = q.open_at - verb.end if verb.end <= q.open_at else verb.start - q.outer_end
            options.append(((self._speaker(att) is None, *att.rank, distance), att))
        return min(options, key=lambda o: o[0])[1] if options else None

    def _stands_alone(self, q: QuoteMarks, lo: int, hi: int) -> bool:
        """Whether the sentence(s) of ``q`` hold little besides it ("E, soprattutto, «...»")."""
        outside = self.text[lo : q.open_at] + " " + self.text[q.outer_end : hi]
        return len(WORD.findall(outside)) <= _MAX_WORDS_BESIDE_CONTINUATION

    def _inherit(self, q: QuoteMarks, prev: Quote, spk: Speaker | None) -> tuple[Quote, Speaker | None]:
        """``q`` with the speaker and verb of the quotation before it."""
        return replace(prev, start=q.start, end=q.end, text=self.text[q.start : q.end], kind="direct"), spk

    def _neighbour(self, q: QuoteMarks, first: int, last: int) -> Attribution | None:
        """For a quotation that is a sentence of its own: the verb of the sentence before when it
        ends with ':' ("Peskov said:"), or of a short sentence after ("Lo ha detto Peskov.")."""
        text, spans = self.text, self.sents.spans
        lo, hi = self.sents.bounds(first, last)
        if WORD.search(text, lo, q.open_at) or WORD.search(text, q.outer_end, hi):
            return None
        if first > 0 and text[spans[first - 1][0] : spans[first - 1][1]].rstrip().endswith(":"):
            return self._introduced(*spans[first - 1])
        if last + 1 < len(spans):
            n_lo, n_hi = spans[last + 1]
            if len(WORD.findall(text, n_lo, n_hi)) <= _MAX_ATTRIBUTION_SENTENCE_WORDS:
                for verb in self.finder.in_range(n_lo, n_hi):
                    att = self.finder.attribute(verb, n_lo, n_hi)
                    if att.speaker is not None:
                        return att
        return None
