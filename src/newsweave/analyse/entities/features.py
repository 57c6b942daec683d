"""CRF features for one tokenised sentence (shared by training and inference).

Two feature sets:

* *universal* features name what a word looks like and which class it is in,
  never the word itself: shape, case, length, script, the word's casing ratio
  in its language (``cas``), word classes and the name lexicon
  (``wordclass.py``), place-gazetteer matches (``gazetteer.py``), and the same
  for the neighbours. A model on these alone (``lexical=False``) transfers to
  languages without training data.
* *lexical* features add the words themselves: form, accent-free form,
  affixes, distributional clusters and word pairs around the token.

Word-intrinsic features depend on the token string alone and are memoised.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from newsweave.analyse.entities.gazetteer import Gazetteer
from newsweave.analyse.entities.wordclass import NameLexicon, WordClasses
from newsweave.analyse.entities.words import cased, fold, majority_script, script, shape

_CACHE_MAX = 50_000
_CONTEXT_MAX = 40_000  # (token, language) entries: about 1.7 KB each
_QUOTES_OPEN = frozenset('«“‘"„')
_QUOTES_CLOSE = frozenset('»”’')


class _Word(NamedTuple):
    feats: list[str]       # intrinsic features (universal, then lexical)
    low: str
    norm: str
    shape: str
    suf: str
    title: bool
    script: str
    ctx: list[str]         # universal features neighbours see (shape, classes, T)


class _InContext(NamedTuple):
    """A token's features in one language under one name lexicon: its own, and what each
    neighbour sees of it (``near[0..3]`` for offsets -2, -1, +1, +2, already prefixed)."""

    word: _Word
    own: list[str]
    near: tuple[list[str], list[str], list[str], list[str]]


_OFFSETS = (-2, -1, 1, 2)


def _drop_oldest_half(memo: dict) -> None:
    """Forget the older half of a full memo: emptying it made a long text recompute its common words each time."""
    for key in list(itertools.islice(memo, len(memo) // 2)):
        memo.pop(key, None)  # another thread may have trimmed it first


def _model_script(word: str) -> str:
    """``script``, with the other cased scripts (Cyrillic, Armenian...) read as Latin.

    The models saw only Latin and Greek words, so "ot" next to a capital was never
    seen and tagged nothing: "Владимира Путина" came out O. Read as Latin, the
    word-free universal model finds such names by their capitals as it does in
    Latin-script languages (types are noisier: "России" can come out PER).
    """
    sc = script(word)
    if sc == "ot" and any(ch.isalpha() and cased(ch) for ch in word):
        return "la"
    return sc


class FeatureExtractor:
    """Turns token lists into crfsuite feature lists.

    ``casing`` maps a language code to that language's casing lexicon (see
    ``lexicon.casing_lexicon``); ``lexical=False`` leaves out every feature
    that names a word.
    """

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        clusters: Mapping[str, str] | None = None,
        casing: Mapping[str, Mapping[str, str]] | None = None,
        *,
        classes: WordClasses | None = None,
        names: NameLexicon | None = None,
        lexical: bool = True,
    ):
        self.gazetteer = gazetteer
        self.clusters = clusters or {}
        self.casing = casing or {}
        self.classes = classes or WordClasses()
        self.names = names or NameLexicon()
        self.lexical = lexical
        self._cache: dict[str, _Word] = {}
        self._in_context: dict[tuple[str, str], _InContext] = {}
        self._near: dict[tuple[str, ...], tuple[list[str], ...]] = {}

    def _word(self, word: str) -> _Word:
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        low = word.lower()
        norm = fold(word)
        shp = shape(word)
        n = len(norm)
        sc = _model_script(word)
        uni = ["sh=" + shp, "len=" + str(min(n, 10)), "sc=" + sc]
        title = word[:1].isupper()
        if title:
            uni.append("T")
        if word.isupper() and n > 1:
            uni.append("U")
        if any(ch.isdigit() for ch in word):
            uni.append("D")
        if not any(ch.isalnum() for ch in word):
            uni.append("P")
            if word in _QUOTES_OPEN:
                uni.append("qo")
            elif word in _QUOTES_CLOSE:
                uni.append("qc")
        if "-" in word:
            uni.append("H")
        if "." in word and n > 1:
            uni.append("dot")
        cls = self.classes.features(word)
        uni += cls
        lex: list[str] = []
        if self.lexical:
            lex = ["w=" + low]
            if norm != low:
                lex.append("n=" + norm)
            for k in (1, 2, 3, 4):
                if n > k:
                    lex.append(f"s{k}=" + norm[-k:])
            for k in (2, 3, 4):
                if n > k:
                    lex.append(f"p{k}=" + norm[:k])
            cl = self.clusters.get(norm)
            if cl is not None:  # "a.b.c": one cluster id per granularity
                for j, part in enumerate(cl.split(".")):
                    lex.append(f"c{j}=" + part)
        # what neighbours see of this word
        ctx = ["s:" + shp] + cls + (["T"] if title else [])
        out = _Word(uni + lex, low, norm, shp, norm[-3:] if n > 3 else norm, title, sc, ctx)
        if len(self._cache) >= _CACHE_MAX:  # bounded memory in long-running pipelines
            _drop_oldest_half(self._cache)
        self._cache[word] = out
        return out

    def _token(self, token: str, casing: Mapping[str, str], lexicon: NameLexicon) -> _InContext:
        w = self._word(token)
        c = casing.get(w.norm)
        cas = ["cas=" + c] if c else []
        nl = lexicon.features(token)
        view = tuple(w.ctx + cas + nl[1:])
        near = self._near.get(view)
        if near is None:  # few distinct views (shape, classes, case): their prefixed forms are shared
            near = self._near[view] = tuple([f"{off}{v}" for v in view] for off in _OFFSETS)
        return _InContext(w, w.feats + nl + cas, near)  # type: ignore[arg-type]

    def _tokens(self, tokens: Sequence[str], lang: str, names: NameLexicon | None) -> list[_InContext]:
        """Per-token features; memoised per (token, language) unless a jackknife lexicon is given."""
        casing = self.casing.get(lang, {})
        if names is not None:
            return [self._token(t, casing, names) for t in tokens]
        memo = self._in_context
        out = []
        for t in tokens:
            hit = memo.get((t, lang))
            if hit is None:
                if len(memo) >= _CONTEXT_MAX:  # bounded memory in long-running pipelines
                    _drop_oldest_half(memo)
                hit = memo[(t, lang)] = self._token(t, casing, self.names)
            out.append(hit)
        return out

    def sentence(self, tokens: Sequence[str], lang: str | None = None,
                 names: NameLexicon | None = None) -> list[list[str]]:
        """Feature lists for one sentence; ``names`` overrides the name lexicon (jackknife training)."""
        toks = self._tokens(tokens, lang or "", names)
        words = [t.word for t in toks]
        n = len(words)
        gaz = self.gazetteer.match(tokens, [w.norm for w in words]) if self.gazetteer is not None else [()] * n
        home = majority_script(w.script for w in words)  # main_script, from the analysed words
        lang_f = "L=" + (lang or "xx")
        lexical = self.lexical
        out: list[list[str]] = []
        for i in range(n):
            w = words[i]
            f = list(toks[i].own)
            f.extend(gaz[i])
            if w.script != home and w.script != "-":
                f.append("xs")  # a Latin name in Greek text: elNER leaves many such untagged
            if lexical:
                f.append(lang_f)
            for k, off in enumerate(_OFFSETS):
                j = i + off
                if 0 <= j < n:
                    f.extend(toks[j].near[k])
                    if gaz[j]:
                        f.append(f"{off}{gaz[j][0]}")
            if i == 0:
                f.append("BOS")
                f.append("BOS_T" if w.title else "BOS_t")
            else:
                p = words[i - 1]
                f.append("-1T|T=" + ("T" if p.title else "t") + ("T" if w.title else "t"))
                if lexical:
                    f += ["-1w=" + p.low, "-1s3=" + p.suf, "-1w|w=" + p.low + "|" + w.low,
                          "-1w|T=" + p.low + ("|T" if w.title else "|t")]
                    if i > 1:
                        q = words[i - 2]
                        f += ["-2w=" + q.low, "-2w|-1w=" + q.low + "|" + p.low]
                        if i > 2:
                            f.append("-3w=" + words[i - 3].low)
            if i == 1:
                f.append("-2BOS")
            if i == n - 1:
                f.append("EOS")
            else:
                r = words[i + 1]
                f.append("T|+1T=" + ("T" if w.title else "t") + ("T" if r.title else "t"))
                if lexical:
                    f += ["+1w=" + r.low, "+1s3=" + r.suf, "w|+1w=" + w.low + "|" + r.low,
                          "+1w|T=" + r.low + ("|T" if w.title else "|t")]
                    if i < n - 2:
                        r2 = words[i + 2]
                        f += ["+2w=" + r2.low, "+1w|+2w=" + r.low + "|" + r2.low]
                        if i < n - 3:
                            f.append("+3w=" + words[i + 3].low)
            if i == n - 2:
                f.append("+2EOS")
            out.append(f)
        return out


def feature_extractors(gazetteer: Gazetteer | None, lexicon: Mapping) -> dict[str, FeatureExtractor]:
    """The "lexical" and "universal" feature extractors over one set of lexicons (the name
    lexicon comes in one version per model, see ``train.NAME_TYPE_SHARE``)."""
    classes = WordClasses(lexicon.get("calendar", ()), lexicon.get("demonym_stems", ()))
    names = lexicon.get("names") or {}
    return {
        "lexical": FeatureExtractor(gazetteer, lexicon.get("clusters"), lexicon.get("casing"), classes=classes,
                                    names=NameLexicon(names.get("lexical"))),
        "universal": FeatureExtractor(gazetteer, None, lexicon.get("casing"), lexical=False, classes=classes,
                                      names=NameLexicon(names.get("universal"))),
    }
