"""Scoring and maximal-marginal-relevance selection of candidate sentences.

Vectors are language-centred before any comparison: multilingual e5 puts
sentences of one language close together whatever they say, so each
language's mean candidate vector is replaced by the mean of all candidates
(``v - mean(lang) + mean(all)``, renormalised; the language mean is shrunk
towards the overall one). With a single language the vectors stay as they are.

Measured on the seed event (e5-small-q4, centred): a translation scores
0.94-0.95 to its original, the event's cross-lingual paraphrases ("Kim's
first trip abroad since the pandemic" in it/el/en) 0.88-0.90, distinct
sentences mostly 0.80-0.88 (median 0.83), but the leads of different reports
reach 0.91 since each sums up the whole visit. Hence ``REDUNDANT`` = 0.90,
and ``DATE_CONFLICT`` off the similarity of two sentences that state
different days ("left on Sunday" / "met Shoigu on Saturday"). Raw cosines are
no use across languages: the same paraphrases score 0.82-0.85 there, below
unrelated same-language pairs, so a raw 0.85 bar would both miss them and
forbid distinct sentences of one language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from newsweave.products.summary.candidates import Candidate

PRIOR = 5.0  # pseudo-sentences of the overall mean in each language's mean
REDUNDANT = 0.90  # centred cosine at or above which two sentences say the same thing
DATE_CONFLICT = 0.05  # taken off the similarity of sentences that state different days
W_CENTRAL, W_COVER, W_LEAD = 0.45, 0.35, 0.20
W_ENTITY, W_DATE = 0.7, 0.3  # split of coverage between who/where and when
W_REDUNDANCY = 0.35  # MMR penalty for similarity to what is already chosen
PREFER_MARGIN = 0.10  # a reader-language sentence this close to the best one is taken instead
MIN_SENTENCES = 3  # taken whenever non-redundant candidates remain
MIN_RELATIVE = 0.2  # beyond those, a pick must reach this share of the first pick's value


def centre(vectors: np.ndarray, langs: list[str | None]) -> np.ndarray:
    """Language-centred unit vectors: each language's mean moved onto the mean of all.

    A language's mean is shrunk towards the overall mean by ``PRIOR`` pseudo-sentences,
    so a language with one or two sentences is not centred onto its own content.
    """
    out = vectors.astype(np.float64, copy=True)
    overall = out.mean(axis=0)
    for lang in set(langs):
        rows = [i for i, lg in enumerate(langs) if lg == lang]
        mean = (out[rows].sum(axis=0) + PRIOR * overall) / (len(rows) + PRIOR)
        out[rows] += overall - mean
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)


def centrality(vectors: np.ndarray, articles: list[str]) -> np.ndarray:
    """Cosine to the event centroid (each article weighs the same), rescaled to [0, 1]."""
    means = [vectors[[i for i, a in enumerate(articles) if a == art]].mean(axis=0)
             for art in dict.fromkeys(articles)]
    centroid = np.mean(means, axis=0)
    raw = vectors @ (centroid / (np.linalg.norm(centroid) or 1.0))
    return _rescale(raw)


def similarities(vectors: np.ndarray, cands: list[Candidate]) -> np.ndarray:
    """Pairwise cosines of centred vectors, less ``DATE_CONFLICT`` where the stated days differ."""
    sims = vectors @ vectors.T
    days = [c.days for c in cands]
    for i, a in enumerate(days):
        for j, b in enumerate(days):
            if a and b and not a & b:
                sims[i, j] -= DATE_CONFLICT
    return sims


def lead_score(cand: Candidate) -> float:
    """1 for an article's lead sentence, falling with position."""
    return 1.0 / (1.0 + 0.5 * cand.position)


@dataclass
class Selector:
    """Greedy MMR over candidates with marginal who/where/when coverage."""

    cands: list[Candidate]
    vectors: np.ndarray  # language-centred, unit rows
    weights: dict[str, float]  # top entity id -> weight
    reader_lang: str
    # article -> the event it reports: two reports of different events of a storyline read alike at 0.90 and
    # more ("Kim left Russia on Sunday aboard his train" beside a later visit's "At the meeting with Russia's
    # defence chief, Kim vowed..."), so a sentence is cited only to reports of its own event
    events: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.sims = similarities(self.vectors, self.cands)
        self.central = centrality(self.vectors, [c.article for c in self.cands])
        upper = self.sims[np.triu_indices(len(self.cands), 1)]
        self.base = min(float(np.median(upper)) if upper.size else 0.0, REDUNDANT - 0.05)

    def static(self, i: int) -> float:
        """Centrality and lead part of a candidate's score."""
        return W_CENTRAL * float(self.central[i]) + W_LEAD * lead_score(self.cands[i])

    def coverage(self, i: int, covered: set[str], dated: bool) -> float:
        """Share of the top entities the sentence adds, plus a date when none is stated yet."""
        new = sum(w for e, w in self.weights.items() if e in self.cands[i].entities and e not in covered)
        has_date = bool(self.cands[i].dates)
        return W_ENTITY * new + W_DATE * (1.0 if has_date and not dated else 0.5 if has_date else 0.0)

    def value(self, i: int, chosen: list[int], covered: set[str], dated: bool) -> float:
        """MMR value: relevance minus a penalty for resembling chosen sentences."""
        relevance = (self.static(i) + W_COVER * self.coverage(i, covered, dated)) * self.cands[i].form
        if not chosen:
            return relevance
        closest = float(self.sims[i, chosen].max())
        penalty = np.clip((closest - self.base) / (REDUNDANT - self.base), 0.0, 1.0)
        return relevance - W_REDUNDANCY * float(penalty)

    def select(self, k: int) -> list[int]:
        """Indices of up to ``k`` mutually non-redundant candidates, in order of selection.

        Selection stops early, after ``MIN_SENTENCES``, when the best remaining
        value falls below ``MIN_RELATIVE`` of the first pick's (headings, bare quotes).
        Beyond ``MIN_SENTENCES`` a sentence must also name an entity or a date:
        one that names neither ("We will focus on our interests.") cannot be
        read out of its context.
        """
        chosen: list[int] = []
        covered: set[str] = set()
        open_ = set(range(len(self.cands)))
        first = 0.0
        while open_ and len(chosen) < k:
            dated = any(self.cands[j].dates for j in chosen)
            pool = open_ if len(chosen) < MIN_SENTENCES else {i for i in open_ if self._anchored(i)}
            if not pool:
                break
            values = {i: self.value(i, chosen, covered, dated) for i in pool}
            pick = self._prefer_reader(values)
            if len(chosen) >= MIN_SENTENCES and values[pick] < MIN_RELATIVE * first:
                break
            if not chosen:
                first = values[pick]
            chosen.append(pick)
            covered |= self.cands[pick].entities
            # a near-twin from another event of a storyline stays a candidate (its own event's fact), held back
            # by the MMR penalty only
            open_ = {i for i in open_ if i != pick and (self.sims[i, pick] < REDUNDANT or not self._same_event(i, pick))}
        return chosen

    def _same_event(self, i: int, j: int) -> bool:
        return self.events.get(self.cands[i].article) == self.events.get(self.cands[j].article)

    def _anchored(self, i: int) -> bool:
        return bool(self.cands[i].entities or self.cands[i].dates)

    def _prefer_reader(self, values: dict[int, float]) -> int:
        best = max(values, key=lambda i: (values[i], -i))
        if self.cands[best].lang == self.reader_lang:
            return best
        own = [i for i in values if self.cands[i].lang == self.reader_lang
               and values[i] >= values[best] - PREFER_MARGIN]
        return max(own, key=lambda i: (values[i], -i)) if own else best

    def citations(self, i: int) -> list[str]:
        """The candidate's article, then every other article of its event with a near-identical sentence
        on the same day."""
        own = self.cands[i].article
        others = {c.article for j, c in enumerate(self.cands)
                  if self.sims[i, j] >= REDUNDANT and self._same_event(i, j) and self._same_days(i, j)} - {own}
        return [own, *sorted(others)]

    def _same_days(self, i: int, j: int) -> bool:
        """Whether sentence ``j`` can support ``i``'s days: it names one of them, or none (a report of a meeting
        "on Saturday" is not supported by one that has it "on Tuesday", however alike they read), and its
        article was not published before the last of them (it could not have reported it)."""
        mine, theirs = self.cands[i].days, self.cands[j].days
        if mine and theirs and not mine & theirs:
            return False
        published = (self.cands[j].published or "")[:10]
        return not (mine and published and published < max(mine))


def _rescale(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.ones_like(x)
