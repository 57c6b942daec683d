"""CRF backend: python-crfsuite models trained on KIND (it) and elNER-4 (el).

Which model tags a text (``meta.json`` "models"): the *lexical* model for the
languages it was trained on (Italian, Greek), the *universal* model for every
other language. The universal model sees no word forms at all, only what
carries over between languages: shape and case, the word's casing ratio in its
language (shipped for the training languages and for English, from unlabelled
news), word classes (function words, titles, organisation head words, calendar
words, country-name stems), a name lexicon from the gold data keyed
script-free (a Greek "Πεσκόφ" teaches "Peskov"), and the place gazetteer. So:

* Italian and Greek get PER, ORG, LOC and MISC (MISC is learnt from elNER
  only: KIND has none, so MISC in Italian text is rare);
* other languages written in a cased script (Latin, Greek, Cyrillic,
  Armenian...) get the universal model; expect lower accuracy there;
* scripts without letter case (Arabic, Hebrew, CJK, Indic, Thai...) get no
  entities from the CRF: the model's main cue is missing. The default
  recogniser finds their place names with ``places.WithPlaces`` instead.

Text is split into lines and sentences, tokenised like the training data
(``tokenize.py``), tagged, the BIO tags are turned back into character spans,
and the spans are tidied (``repair.py``).
"""

from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path

from newsweave.analyse.entities.base import EntitySpan
from newsweave.analyse.entities.conll import spans_from_tags
from newsweave.analyse.entities.features import feature_extractors
from newsweave.analyse.entities.gazetteer import Gazetteer
from newsweave.analyse.entities.repair import propagate, repair_spans
from newsweave.analyse.entities.tokenize import tokenize
from newsweave.analyse.entities.words import cased_script

MODELS_DIR = Path(__file__).resolve().parent / "models"
_SENT_END = {".", "!", "?", "…", "...", "!!", "?!"}
_MAX_SENT_TOKENS = 250
_TAGGED_MAX = 20_000  # sentences whose tags are remembered (a few MB)


def _sentences(text: str, spans: list[tuple[int, int]], lang: str | None) -> list[list[tuple[int, int]]]:
    """Group token spans into sentences: at line breaks and after end marks before a new sentence."""
    ends = _SENT_END | ({";"} if lang == "el" else set())
    out: list[list[tuple[int, int]]] = []
    cur: list[tuple[int, int]] = []
    for k, (s, e) in enumerate(spans):
        if cur and ("\n" in text[cur[-1][1] : s] or len(cur) >= _MAX_SENT_TOKENS):
            out.append(cur)
            cur = []
        cur.append((s, e))
        if text[s:e] in ends and k + 1 < len(spans):
            nxt = text[spans[k + 1][0] : spans[k + 1][1]]
            if nxt[:1].isupper() or nxt[:1].isdigit() or nxt in {"«", "“", '"', "("}:
                out.append(cur)
                cur = []
    if cur:
        out.append(cur)
    return out


def split_sentences(text: str, lang: str | None) -> list[tuple[list[tuple[int, int]], list[str]]]:
    """(token spans, tokens) per sentence of ``text``, as the recogniser sees them."""
    return [(sent, [text[s:e] for s, e in sent]) for sent in _sentences(text, tokenize(text), lang)]


class CrfRecogniser:
    """Linear-chain CRFs over hand-made features: a lexical model per trained language, a
    universal one for the rest."""

    def __init__(self, model_dir: Path | None = None):
        import pycrfsuite

        self.model_dir = Path(model_dir or MODELS_DIR)
        meta = json.loads((self.model_dir / "meta.json").read_text(encoding="utf-8"))
        self.meta = meta
        self.name = meta["name"]
        gaz_file = meta.get("gazetteer")
        self.gazetteer = Gazetteer.load(self.model_dir / gaz_file) if gaz_file else None
        lexicon: dict = {}
        if meta.get("lexicon"):
            with gzip.open(self.model_dir / meta["lexicon"], "rt", encoding="utf-8") as fh:
                lexicon = json.load(fh)
        self._extractors = feature_extractors(self.gazetteer, lexicon)
        self._kinds: dict[str, str] = meta.get("feature_sets", {})  # file -> "lexical" | "universal"
        self._pycrfsuite = pycrfsuite
        self._files: dict[str, str] = meta["models"]  # lang (or "*") -> file name
        self._taggers: dict[str, object] = {}
        self._lock = threading.Lock()
        # Tags of recent sentences: web pages repeat their menus, captions and bylines (14% of the
        # words of 300 ML-Crisis articles sit in a repeated paragraph), and the tags depend on nothing else
        self._tagged: dict[tuple[str, tuple[str, ...]], list[str]] = {}

    def _tagger(self, fname: str):
        tagger = self._taggers.get(fname)
        if tagger is None:
            tagger = self._pycrfsuite.Tagger()
            tagger.open(str(self.model_dir / fname))
            self._taggers[fname] = tagger
        return tagger

    def model_for(self, lang: str | None) -> str:
        """The model file that tags ``lang``."""
        return self._files.get(lang or "", self._files["*"])

    def universal(self, lang: str | None) -> bool:
        """True when ``lang`` is tagged by the word-free universal model."""
        return self._kinds.get(self.model_for(lang), "lexical") == "universal"

    def tag_tokens(self, tokens: list[str], lang: str | None) -> list[str]:
        """BIO tags for one pre-tokenised sentence."""
        if not tokens:
            return []
        key = (lang or "", tuple(tokens))
        hit = self._tagged.get(key)
        if hit is not None:
            return list(hit)
        fname = self.model_for(lang)
        fx = self._extractors[self._kinds.get(fname, "lexical")]
        feats = fx.sentence(tokens, lang)
        with self._lock:  # crfsuite taggers are not thread-safe
            tags = list(self._tagger(fname).tag(feats))
        if len(self._tagged) >= _TAGGED_MAX:  # bounded memory in long-running pipelines
            self._tagged.clear()
        self._tagged[key] = tags
        return list(tags)

    def recognise(self, text: str, lang: str | None) -> list[EntitySpan]:
        """Entity spans of ``text`` in order: tagged per sentence, repaired, made consistent."""
        if not text or not cased_script(text):
            return []
        fx = self._extractors["lexical"]
        universal = self.universal(lang)
        casing = fx.casing.get(lang or "")
        sentences = split_sentences(text, lang)
        found = [repair_spans(toks, spans_from_tags(self.tag_tokens(toks, lang)), fx.classes, self.gazetteer,
                              universal, casing) for _, toks in sentences]
        found = propagate([toks for _, toks in sentences], found, fx.classes)
        out: list[EntitySpan] = []
        for (sent, _), spans in zip(sentences, found):
            for a, b, typ in spans:
                start, end = sent[a][0], sent[b - 1][1]
                out.append(EntitySpan(start, end, text[start:end], typ))
        return out
