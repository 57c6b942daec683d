"""CRF features for one tokenised sentence (shared by training and inference).

Word-intrinsic features (form, accent-free lower-case form, affixes, shape,
casing, word clusters) depend on the token string alone and are memoised;
context features are the neighbours' forms, shapes and casing; gazetteer
features mark tokens covered by a multi-word gazetteer match (place names
from GeoNames and CLDR, see ``gazetteer.py``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from newsweave.analyse.entities.gazetteer import Gazetteer

_CACHE_MAX = 50_000


def fold(word: str) -> str:
    """Lower-case, accent-free form; Greek final sigma folds to sigma.

    "Μόσχα" -> "μοσχα", "Città" -> "citta", "ΑΘΗΝΑΣ" -> "αθηνασ".
    """
    low = word.lower()
    if low.isascii():
        return low
    decomposed = unicodedata.normalize("NFD", low)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("ς", "σ").replace("’", "'")


def shape(word: str) -> str:
    """Collapsed word shape: "Kim" -> "Xx", "COVID-19" -> "X-d", "dell'" -> "x'"."""
    out: list[str] = []
    for ch in word:
        if ch.isalpha():
            c = "X" if ch.isupper() else "x"
        elif ch.isdigit():
            c = "d"
        else:
            c = ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out[:6])


def _script(word: str) -> str:
    for ch in word:
        if ch.isalpha():
            if "\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff":
                return "gr"
            if ch.isascii() or "\u00c0" <= ch <= "\u024f":
                return "la"
            return "ot"
    return "-"


class FeatureExtractor:
    """Turns token lists into crfsuite feature lists."""

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        clusters: Mapping[str, str] | None = None,
        casing: Mapping[str, str] | None = None,
    ):
        self.gazetteer = gazetteer
        self.clusters = clusters or {}
        self.casing = casing or {}
        self._cache: dict[str, tuple[list[str], str, str, str, bool]] = {}

    def _word(self, word: str) -> tuple[list[str], str, str, str, bool]:
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        low = word.lower()
        norm = fold(word)
        shp = shape(word)
        title = word[:1].isupper()
        feats = ["w=" + low, "sh=" + shp]
        if norm != low:
            feats.append("n=" + norm)
        n = len(norm)
        for k in (1, 2, 3, 4):
            if n > k:
                feats.append(f"s{k}=" + norm[-k:])
        for k in (2, 3, 4):
            if n > k:
                feats.append(f"p{k}=" + norm[:k])
        if title:
            feats.append("T")
        if word.isupper() and n > 1:
            feats.append("U")
        if any(ch.isdigit() for ch in word):
            feats.append("D")
        if not any(ch.isalnum() for ch in word):
            feats.append("P")
        if "-" in word:
            feats.append("H")
        if "." in word and n > 1:
            feats.append("dot")
        feats.append("len=" + str(min(n, 10)))
        feats.append("sc=" + _script(word))
        cl = self.clusters.get(norm)
        if cl is not None:  # "a.b.c": one cluster id per granularity
            for j, part in enumerate(cl.split(".")):
                feats.append(f"c{j}=" + part)
        cas = self.casing.get(norm)
        if cas is not None:
            feats.append("cas=" + cas)
        # key: short tuple reused by neighbours
        out = (feats, low, shp, norm[-3:] if n > 3 else norm, title)
        if len(self._cache) >= _CACHE_MAX:  # bounded memory in long-running pipelines
            self._cache.clear()
        self._cache[word] = out
        return out

    def sentence(self, tokens: Sequence[str], lang: str | None = None) -> list[list[str]]:
        words = [self._word(t) for t in tokens]
        n = len(words)
        gaz = self.gazetteer.match(tokens) if self.gazetteer is not None else [()] * n
        lang_f = "L=" + (lang or "xx")
        out: list[list[str]] = []
        for i in range(n):
            feats, low, shp, suf, title = words[i]
            f = list(feats)
            f.append(lang_f)
            if i == 0:
                f.append("BOS")
                f.append("BOS_T" if title else "BOS_t")
            else:
                _, l1, s1, x1, t1 = words[i - 1]
                f += ["-1w=" + l1, "-1sh=" + s1, "-1s3=" + x1, "-1w|w=" + l1 + "|" + low,
                      "-1w|T=" + l1 + ("|T" if title else "|t")]
                if t1:
                    f.append("-1T")
                if i > 1:
                    _, l2, s2, _, t2 = words[i - 2]
                    f += ["-2w=" + l2, "-2sh=" + s2, "-2w|-1w=" + l2 + "|" + l1]
                    if t2:
                        f.append("-2T")
                    if i > 2:
                        f.append("-3w=" + words[i - 3][1])
                else:
                    f.append("-2BOS")
            if i == n - 1:
                f.append("EOS")
            else:
                _, r1, sr1, xr1, tr1 = words[i + 1]
                f += ["+1w=" + r1, "+1sh=" + sr1, "+1s3=" + xr1, "w|+1w=" + low + "|" + r1,
                      "+1w|T=" + r1 + ("|T" if title else "|t")]
                if tr1:
                    f.append("+1T")
                if i < n - 2:
                    _, r2, sr2, _, t2 = words[i + 2]
                    f += ["+2w=" + r2, "+2sh=" + sr2, "+1w|+2w=" + r1 + "|" + r2]
                    if t2:
                        f.append("+2T")
                    if i < n - 3:
                        f.append("+3w=" + words[i + 3][1])
                else:
                    f.append("+2EOS")
            f.extend(gaz[i])
            out.append(f)
        return out
