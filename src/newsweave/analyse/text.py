"""The text stage: article language, paragraphs with their own language, sentences."""

from __future__ import annotations

import re

from newsweave.analyse.langid import LanguageIdentifier, get_identifier, primary_language
from newsweave.analyse.sentences import split_sentences
from newsweave.core.config import ANALYSE_CHARS
from newsweave.core.records import AnalysedText, Paragraph, Span

STAGE = "text"
VERSION = "text@4"  # @2: page furniture (analyse.furniture) skipped; @3: a declared language settles a doubtful guess;
# @4: and wins over a guess below _NOISE

_PARAGRAPH = re.compile(r"[^\n]+")
LETTER = re.compile(r"[^\W\d_]")  # a letter of any script: a word character that is no digit and no "_"
# A paragraph keeps its own language only with enough letters and a confident
# guess; otherwise (captions, datelines, name lists) it inherits the article's,
# so "mixed language" flags real switches, not detector noise.
_MIN_LETTERS = 25
_MIN_SWITCH_CONFIDENCE = 0.6
# Below this confidence the detector's guess gives way to a declared language among its next guesses: the
# lite fastText model reads MEANTIME's Dutch report of the Northrop-EADS tanker deal, full of English
# names, as English (0.38; Dutch 0.10 second) and a Spanish one as Italian (0.55; Spanish 0.37).
_TRUST_GUESS = 0.6
# Below this the guess is noise, and a declared language wins even where the detector does not rank it: ITN's
# Uzbek, Minangkabau, Karakalpak and Scots blurbs were read as English, Italian or Ido at 0.14-0.29 (an English
# label chosen for an event was an Uzbek title); the stored confidence is then 0.
_NOISE = 0.3


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs are the non-blank lines of normalised text (see ingest.normalise)."""
    spans = []
    for m in _PARAGRAPH.finditer(text):
        chunk = m.group()
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append(Span(m.start() + lead, m.end() - (len(chunk) - len(chunk.rstrip()))))
    return spans


def analyse_text(text: str, identifier: LanguageIdentifier | None = None, declared: str | None = None) -> AnalysedText:
    """Detect the article language, paragraph languages and sentence spans. ``declared`` (from the
    corpus record, the page or a sidecar: "nl", "en-US") wins over a doubtful guess that ranks it next, and over
    any guess below ``_NOISE``."""
    ident = identifier or get_identifier()
    lang, conf = _article_language(ident, text, declared)
    paragraphs: list[Paragraph] = []
    sentences: list[Span] = []
    for span in paragraph_spans(text):
        chunk = text[span.start : span.end]
        # Past the analysed prefix (web-page dumps) paragraphs take the article's language unexamined.
        examined = span.start < ANALYSE_CHARS and len(LETTER.findall(chunk, 0, 4 * _MIN_LETTERS)) >= _MIN_LETTERS
        p_lang, p_conf = ident.identify(chunk) if examined else (lang, 0.0)
        if p_lang != lang and p_conf < _MIN_SWITCH_CONFIDENCE:
            p_lang, p_conf = lang, 0.0
        paragraphs.append(Paragraph(span.start, span.end, p_lang, p_conf))
        # Split with the paragraph's own language: a Greek paragraph inside an
        # English article still needs Greek rules.
        sentences.extend(split_sentences(chunk, p_lang, offset=span.start))
    return AnalysedText(lang=lang, lang_confidence=conf, paragraphs=paragraphs, sentences=sentences)


def _article_language(ident: LanguageIdentifier, text: str, declared: str | None) -> tuple[str | None, float]:
    """The detector's guess, or the declared language where the guess is doubtful and ranks it next (one
    detector call: its best guess heads its three best)."""
    code = primary_language((declared or "").strip())
    if not code:
        return ident.identify(text)
    found = ident.candidates(text, k=3)
    if not found:
        return None, 0.0
    lang, conf = found[0]
    if code == lang or conf >= _TRUST_GUESS:
        return lang, conf
    return next(((c, p) for c, p in found[1:] if c == code), (code, 0.0) if conf < _NOISE else (lang, conf))


def languages_by_share(paragraphs: list[Paragraph]) -> dict[str, float]:
    """Share of the article's characters per paragraph language (mixed-language view)."""
    total = sum(p.end - p.start for p in paragraphs) or 1
    shares: dict[str, float] = {}
    for p in paragraphs:
        key = p.lang or "und"
        shares[key] = shares.get(key, 0.0) + (p.end - p.start) / total
    return {k: round(v, 3) for k, v in sorted(shares.items(), key=lambda kv: -kv[1])}
