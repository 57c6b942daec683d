"""Score cross-lingual search: an English article as the query, its other-language siblings as the answers.

Query sets come from the labelled corpora in ``../shared/data``:

* ``itn``: Wikipedia "In the news" blurbs keyed by event; for each event with
  an English blurb and blurbs in other languages, the English one (title and
  text) is the query and the event's non-English blurbs are relevant.
* ``meantime``: English Wikinews articles and their Italian, Spanish and Dutch
  translations (``parallel_id``); the English headline and opening are the
  query, the translations are relevant.
* ``ecbplus`` (English only): an article's headline and opening as the query,
  the other articles of its seminal event as relevant (a monolingual check).

The whole corpus is ingested into a temporary SQLite store, analysed (text,
entities, embed, link) and indexed; ``sample`` queries are drawn with a fixed
seed. The query's own article is left out of its results. ``query_words`` N
asks what people type instead: the N rarest words of the query article's
title and opening (four letters or more; rarity counted over the articles in
the query's language), in their order, such as "Bagnaia" or "aerial
refueling"; short queries are what the search's word bridge is for. Reported per mode
(hybrid, full text only, vector only): recall@k averaged over queries, recall@k
per relevant language (over all query-answer pairs), MRR of the first relevant
hit, and the number of queries.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsweave.eval import read_jsonl

DATASETS = ("itn", "meantime", "ecbplus")
MODES = ("hybrid", "fulltext", "vector")


@dataclass(frozen=True)
class Query:
    article_id: str
    text: str
    relevant: dict[str, str]  # article id -> language


def build_queries(data_dir: Path, query_lang: str = "en", query_chars: int = 300,
                  query_words: int = 0) -> list[Query]:
    """Every query the folder's gold allows, in a stable order (see module docstring)."""
    docs = {d["id"]: d for d in read_jsonl(data_dir / "corpus.jsonl")}
    if query_words < 0:
        raise ValueError(f"query_words is {query_words}: a number of words, 0 for none")
    text_of = (lambda d: _query_text(d, query_chars)) if not query_words else \
        _keywords(docs.values(), query_words, query_lang)
    groups: dict[str, list[str]] = defaultdict(list)
    for g in read_jsonl(data_dir / "gold.jsonl"):
        key = g.get("event") or g.get("parallel_id")
        if key is not None and g["id"] in docs:
            groups[str(key)].append(g["id"])
    monolingual = all(d["lang"] == query_lang for d in docs.values())
    out = []
    for key in sorted(groups):
        ids = sorted(groups[key])
        for qid in [i for i in ids if docs[i]["lang"] == query_lang][:1 if not monolingual else None]:
            relevant = {i: docs[i]["lang"] for i in ids if i != qid and (monolingual or docs[i]["lang"] != query_lang)}
            if relevant:
                out.append(Query(qid, text_of(docs[qid]), relevant))
    return out


def _query_text(doc: dict[str, Any], chars: int) -> str:
    title = (doc.get("title") or "").strip()
    body = " ".join(doc["text"].split())[:chars]
    if title and body:
        return f"{title}. {body}"
    return title or " ".join(doc["text"].split())[:max(chars, 200)]


_KEYWORD = re.compile(r"[^\W\d_]{4,}")


def _keywords(docs: Iterable[dict[str, Any]], n: int, lang: str) -> Callable[[dict[str, Any]], str]:
    """A query maker: the ``n`` rarest words of a document's title and first 300 characters, in text order.

    Rarity is the number of documents in the query language (title and first 800 characters) holding the
    word: counted over every language, English function words ("from", "with") were rare in ITN."""
    df: Counter[str] = Counter()
    for d in docs:
        if d.get("lang") == lang:
            df.update({w.lower() for w in _KEYWORD.findall(f"{d.get('title') or ''} {d['text'][:800]}")})

    def make(doc: dict[str, Any]) -> str:
        seen: dict[str, str] = {}  # lowercased -> first spelling, in text order
        head = doc["text"][:300] if len(doc["text"]) <= 300 else doc["text"][:300].rsplit(None, 1)[0]  # whole words
        for w in _KEYWORD.findall(f"{doc.get('title') or ''} {head}"):
            seen.setdefault(w.lower(), w)
        rarest = set(sorted(seen, key=lambda w: df[w])[:n])  # a stable sort: ties go to the earlier word
        return " ".join(seen[w] for w in seen if w in rarest)

    return make


def build_store(data_dir: Path, db: str) -> dict[str, Any]:
    """Ingest, analyse and index the folder's corpus into the store at ``db``; seconds per step."""
    from newsweave import jobs
    from newsweave.core.config import Settings
    from newsweave.search import create_search_tables, index_articles, pending_for_index
    from newsweave.store import open_store

    settings = Settings(db=db)
    t0 = time.perf_counter()
    jobs.ingest(settings, [str(data_dir / "corpus.jsonl")])
    t1 = time.perf_counter()
    jobs.analyse(settings, only={"furniture", "text", "entities", "embed", "link"})
    t2 = time.perf_counter()
    store = open_store(db)
    try:
        with store.engine.begin() as conn:
            create_search_tables(conn)
        index_articles(store, pending_for_index(store))
    finally:
        store.close()
    t3 = time.perf_counter()
    return {"ingest": round(t1 - t0, 1), "analyse": round(t2 - t1, 1), "index": round(t3 - t2, 1)}


def score(store: Any, queries: list[Query], mode: str, k: int = 10) -> dict[str, Any]:
    """recall@k (mean over queries and per relevant language), MRR and timing for one mode."""
    from newsweave.search import search

    recalls, rr = [], []
    found_by_lang: dict[str, int] = defaultdict(int)
    total_by_lang: dict[str, int] = defaultdict(int)
    t0 = time.perf_counter()
    for q in queries:
        hits = [h.article_id for h in search(store, q.text, limit=k + 1, mode=mode, passage="none")]
        top = [aid for aid in hits if aid != q.article_id][:k]
        found = [aid for aid in top if aid in q.relevant]
        recalls.append(len(found) / len(q.relevant))
        rr.append(next((1.0 / r for r, aid in enumerate(top, start=1) if aid in q.relevant), 0.0))
        for aid, lang in q.relevant.items():
            total_by_lang[lang] += 1
            found_by_lang[lang] += aid in found
    n = max(len(queries), 1)
    return {
        f"recall@{k}": round(sum(recalls) / n, 4),
        "mrr": round(sum(rr) / n, 4),
        "per_language": {lang: {f"recall@{k}": round(found_by_lang[lang] / total, 4), "pairs": total}
                         for lang, total in sorted(total_by_lang.items(), key=lambda p: (-p[1], p[0]))},
        "seconds_per_query": round((time.perf_counter() - t0) / n, 3),
    }


def evaluate_dataset(data_dir: Path, sample: int | None = 60, seed: int = 13, modes: tuple[str, ...] = MODES,
                     k: int = 10, query_chars: int = 300, query_words: int = 0) -> dict[str, Any]:
    """Build the store for one corpus folder and score ``sample`` of its queries (all if None)."""
    from newsweave.store import open_store

    queries = build_queries(data_dir, query_chars=query_chars, query_words=query_words)
    available = len(queries)
    if sample is not None and sample < len(queries):
        queries = sorted(random.Random(seed).sample(queries, sample), key=lambda q: q.article_id)
    with tempfile.TemporaryDirectory(prefix="nw-eval-search-") as tmp:
        timings = build_store(data_dir, str(Path(tmp) / "store.db"))
        store = open_store(str(Path(tmp) / "store.db"))
        try:
            n_articles = store.counts()["articles"]
            results = {mode: score(store, queries, mode, k) for mode in modes}
        finally:
            store.close()
    return {"dataset": data_dir.name, "n_queries": len(queries), "queries_available": available,
            "queries": f"the {query_words} rarest words" if query_words else f"title + {query_chars} characters",
            "n_articles": n_articles, **results["hybrid" if "hybrid" in results else modes[0]],
            "modes": results, "build_seconds": timings}


def evaluate_search(data_dir: Path, sample: int | None = 60, seed: int = 13, modes: tuple[str, ...] = MODES,
                    k: int = 10, query_chars: int = 300, query_words: int = 0) -> dict[str, Any]:
    """recall@k, MRR and n_queries on one corpus folder, or on each known one under a data root.

    ``sample`` queries per corpus (None: all); ``query_chars`` of the query article's
    text follow its title (0: the title alone, where it has one); ``query_words`` N > 0
    makes each query the article's N rarest words instead.
    """
    data_dir = Path(data_dir)
    if (data_dir / "corpus.jsonl").exists():
        return evaluate_dataset(data_dir, sample, seed, modes, k, query_chars, query_words)
    found = [data_dir / name for name in DATASETS if (data_dir / name / "corpus.jsonl").exists()]
    if not found:
        raise FileNotFoundError(f"{data_dir}: no corpus.jsonl here nor in any of {', '.join(DATASETS)}")
    return {"datasets": {d.name: evaluate_dataset(d, sample, seed, modes, k, query_chars, query_words)
                         for d in found}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path, nargs="+")
    ap.add_argument("--sample", type=int, default=60, help="queries per corpus (0: all)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--query-chars", type=int, default=300, help="text after the title in each query (0: title only)")
    ap.add_argument("--query-words", type=int, default=0,
                    help="queries of the article's N rarest words instead (--query-chars is then unused)")
    args = ap.parse_args(argv)
    for d in args.data_dir:
        result = evaluate_search(d, args.sample or None, args.seed, tuple(args.modes.split(",")),
                                 query_chars=args.query_chars, query_words=args.query_words)
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
