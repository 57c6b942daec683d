"""SourceArticles for the seed corpus, built with the real pipeline pieces (text, NER, linking, time)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np

from newsweave.analyse.entities import get_recogniser
from newsweave.analyse.text import analyse_text
from newsweave.analyse.time import tag_times
from newsweave.link import Mention, link_mentions
from newsweave.products.summary import SourceArticle


def build_seed_articles(seeds: Path, meta: Path, reader_lang: str = "en") -> dict[str, SourceArticle]:
    """Every seed article keyed by its three-digit prefix, its mentions linked across all seeds."""
    published = {}
    if meta.is_file():
        rows = [json.loads(line) for line in meta.read_text(encoding="utf-8").splitlines() if line.strip()]
        published = {r["file"][:3]: r.get("published") for r in rows}
    recogniser = get_recogniser()
    arts: dict[str, SourceArticle] = {}
    mentions: list[Mention] = []
    for path in sorted(seeds.glob("*.txt")):
        key, text = path.name[:3], path.read_text(encoding="utf-8")
        analysed = analyse_text(text)
        pub = published.get(key)
        anchor = dt.date.fromisoformat(pub[:10]) if pub else None
        times = [(t.start, t.end, t.value) for t in tag_times(text, analysed.lang, anchor)]
        spans = [(s.start, s.end) for s in analysed.sentences]
        arts[key] = SourceArticle(key, analysed.lang, pub, text.split("\n", 1)[0], text, spans, [], times)
        mentions += [Mention(key, e.text, e.type, analysed.lang, e.start, e.end)
                     for e in recogniser.recognise(text, analysed.lang) if any(ch.isalnum() for ch in e.text)]
    for ent in link_mentions(mentions, reader_lang):
        for m in ent.mentions:
            arts[m.article].mentions.append((m.start, m.end, ent.id, ent.name, ent.type))
    for art in arts.values():
        art.mentions.sort()
    return arts


class CachingEncoder:
    """Wraps an encoder so that tests embedding the same sentences twice pay once."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.cache: dict[str, np.ndarray] = {}
        self.calls = 0

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            self.calls += 1
            self.cache.update(zip(todo, self.inner.encode_passages(todo)))
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)
