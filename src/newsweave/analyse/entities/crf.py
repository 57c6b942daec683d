"""CRF backend: python-crfsuite model(s) trained on KIND (it) and elNER-4 (el).

Which model tags a text: the model trained for ``lang`` when the model folder
has one (``train_ner(..., per_language=True)``), else the joint model trained
on both sets (the shipped default, ``crf-all.crfsuite``). Its features are
mostly language-independent (capitalisation, shape, position, affixes, the
place gazetteer) plus the words and word clusters it saw in Italian and Greek
news, so:

* Italian and Greek get PER, ORG, LOC and MISC (MISC is learnt from elNER
  only: KIND has none, so MISC in Italian text is rare);
* other languages written in a cased script (Latin, Greek, Cyrillic,
  Armenian...) get the same model, which works from capitalisation and
  context; expect lower accuracy there (no gold data to measure it);
* scripts without letter case (Arabic, Hebrew, CJK, Indic, Thai...) get no
  entities: the model's main cue is missing and the gazetteer holds Latin and
  Greek names only. Such languages need another backend.

Text is split into lines and sentences, tokenised like the training data
(``tokenize.py``), tagged, and the BIO tags are turned back into character
spans.
"""

from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path

from newsweave.analyse.entities.base import EntitySpan
from newsweave.analyse.entities.conll import spans_from_tags
from newsweave.analyse.entities.features import FeatureExtractor
from newsweave.analyse.entities.gazetteer import Gazetteer
from newsweave.analyse.entities.tokenize import tokenize

MODELS_DIR = Path(__file__).resolve().parent / "models"
_SENT_END = {".", "!", "?", "…", "...", "!!", "?!"}
_MAX_SENT_TOKENS = 250


def _cased_script(text: str) -> bool:
    """True when most letters belong to a script with upper/lower case."""
    cased = uncased = 0
    for ch in text[:2000]:
        if ch.isalpha():
            if ch.lower() != ch.upper():
                cased += 1
            else:
                uncased += 1
    return cased >= uncased


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


class CrfRecogniser:
    """Linear-chain CRF over hand-made features; one model per language plus a joint one."""

    def __init__(self, model_dir: Path | None = None):
        import pycrfsuite

        self.model_dir = Path(model_dir or MODELS_DIR)
        meta = json.loads((self.model_dir / "meta.json").read_text(encoding="utf-8"))
        self.meta = meta
        self.name = meta["name"]
        gaz_file = meta.get("gazetteer")
        gazetteer = Gazetteer.load(self.model_dir / gaz_file) if gaz_file else None
        lexicon: dict = {}
        if meta.get("lexicon"):
            with gzip.open(self.model_dir / meta["lexicon"], "rt", encoding="utf-8") as fh:
                lexicon = json.load(fh)
        self._features = FeatureExtractor(gazetteer, lexicon.get("clusters"), lexicon.get("casing"))
        self._pycrfsuite = pycrfsuite
        self._files: dict[str, str] = meta["models"]  # lang (or "*") -> file name
        self._taggers: dict[str, object] = {}
        self._lock = threading.Lock()

    def _tagger(self, key: str):
        tagger = self._taggers.get(key)
        if tagger is None:
            tagger = self._pycrfsuite.Tagger()
            tagger.open(str(self.model_dir / self._files[key]))
            self._taggers[key] = tagger
        return tagger

    def model_for(self, lang: str | None) -> str:
        return lang if lang in self._files else "*"

    def tag_tokens(self, tokens: list[str], lang: str | None) -> list[str]:
        """BIO tags for one pre-tokenised sentence."""
        if not tokens:
            return []
        key = self.model_for(lang)
        with self._lock:  # crfsuite taggers are not thread-safe
            return list(self._tagger(key).tag(self._features.sentence(tokens, lang)))

    def recognise(self, text: str, lang: str | None) -> list[EntitySpan]:
        if not text or not _cased_script(text):
            return []
        spans = tokenize(text)
        out: list[EntitySpan] = []
        for sent in _sentences(text, spans, lang):
            toks = [text[s:e] for s, e in sent]
            tags = self.tag_tokens(toks, lang)
            for a, b, typ in spans_from_tags(tags):
                start, end = sent[a][0], sent[b - 1][1]
                out.append(EntitySpan(start, end, text[start:end], typ))
        return out
