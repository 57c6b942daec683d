"""Extractive, cross-lingual event summaries in the reader's language.

Usage (articles: the event's analysed articles as ``SourceArticle`` records)::

    summary = summarise(articles, lang="en", translator=get_translator("apertium"))
    summary.as_dict()
    # {"lang": "en", "method": "extractive-mmr@4", "encoder": "e5-small-q4-numpy@1",
    #  "translator": "apertium@3.8.3", "sentences": [{"text": ..., "lang": "en",
    #  "citations": ["003", "001"], "source_text": ..., "translated": false}, ...]}

Method (``extractive-mmr@4``):

1. Candidates: the first 12 prose sentences of each article (``candidates.py``);
   only these are embedded, in the encoder's passage mode (sentence against
   sentence is symmetric, so no query prefix).
2. Score = centrality (cosine of the language-centred vector to the event
   centroid, every article weighing the same) + coverage (the event's top
   PER/ORG/LOC entities a sentence adds, and a resolved date) + lead position,
   times a penalty for headings and bare quotes (``select.py``).
3. Greedy MMR picks up to ``max_sentences``. A candidate at centred cosine
   >= 0.90 to a chosen sentence (0.05 is taken off when the two state
   different days) from a report of the same event says the same thing: it
   leaves the pool and its article joins the chosen sentence's citations, unless
   it names other days or its article was published before the sentence's day
   (it could not have reported it). In a
   storyline's summary, which spans events, a near-twin from another event stays
   a candidate (held back by the MMR penalty) and is never cited for it. When the best pick is in another
   language and a reader-language candidate scores within 0.10 of it, the
   reader-language one is taken.
4. Sentences in another language are translated when a translator answers,
   else shown with canonical names and dated notes (``render.py``); either
   way ``lang`` keeps their source language and ``source_text`` the original.
5. Order: the first pick (the most representative sentence) leads; the rest
   follow in chronological order of the day they state, else of their
   article's publication date.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

from newsweave.analyse.langid import primary_language
from newsweave.products.summary.candidates import Candidate, extract, top_entities
from newsweave.products.summary.model import SourceArticle, Summary, SummarySentence
from newsweave.products.summary.render import render, translate
from newsweave.products.summary.select import REDUNDANT, Selector, centre

if TYPE_CHECKING:
    from newsweave.analyse.encoder import Encoder
    from newsweave.translate import Translator

METHOD = "extractive-mmr@4"  # @2: later sentences must name an entity or a date; @3: a storyline's events cited and
# kept apart, words made from names shown as written; @4: a citation's sentence states no other day

__all__ = ["METHOD", "REDUNDANT", "SourceArticle", "Summary", "SummarySentence", "fingerprint", "summarise"]


def summarise(articles: Sequence[SourceArticle], lang: str = "en", encoder: Encoder | None = None,
              translator: Translator | None = None, max_sentences: int = 5) -> Summary:
    """Summarise one event (or storyline) from its analysed articles for a reader of ``lang``."""
    if encoder is None:
        from newsweave.analyse.encoder import get_encoder

        encoder = get_encoder()
    lang = primary_language(lang)  # "en-GB" reads like "en"
    arts = list(articles)
    cands = extract(arts) or extract(arts, relaxed=True)
    used = translator.name if translator is not None else "none"
    if not cands or max_sentences <= 0:
        return Summary([], METHOD, encoder.name, used, lang)
    vectors = centre(encoder.encode_passages([c.text for c in cands]), [c.lang for c in cands])
    selector = Selector(cands, vectors, top_entities(arts), lang, {a.id: a.event for a in arts})
    chosen = _order(selector.select(max_sentences), cands)
    texts = _texts([cands[i] for i in chosen], lang, translator)
    sentences = [SummarySentence(text, cands[i].lang, selector.citations(i), cands[i].text, done)
                 for i, (text, done) in zip(chosen, texts)]
    return Summary(sentences, METHOD, encoder.name, used, lang)


def _order(chosen: list[int], cands: list[Candidate]) -> list[int]:
    """The first pick leads; the rest by stated date, else publication date, then pick order."""
    if not chosen:
        return []

    def when(i: int) -> str:
        return cands[i].when or (cands[i].published or "")[:10] or "9999"

    rest = sorted(chosen[1:], key=lambda i: (when(i), chosen.index(i)))
    return [chosen[0], *rest]


def _texts(chosen: list[Candidate], lang: str, translator: Translator | None) -> list[tuple[str, bool]]:
    """Reader-facing text of each chosen sentence and whether it is a translation."""
    out: list[tuple[str, bool] | None] = [(c.text, False) if c.lang == lang else None for c in chosen]
    for src in {c.lang for c in chosen if c.lang != lang}:
        idx = [i for i, c in enumerate(chosen) if c.lang == src]
        done = translate([chosen[i] for i in idx], lang, translator) if translator else [None] * len(idx)
        for i, text in zip(idx, done):
            out[i] = (text, True) if text else (render(chosen[i], lang)[0], False)
    return [o for o in out if o is not None]


def fingerprint(articles: Sequence[SourceArticle], lang: str, encoder: str, translator: str = "none",
                max_sentences: int = 5) -> str:
    """A digest of everything a summary depends on: rebuild only when it changes."""
    payload = {"method": METHOD, "lang": lang, "encoder": encoder, "translator": translator,
               "k": max_sentences, "articles": sorted((asdict(a) for a in articles), key=lambda a: a["id"])}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]
