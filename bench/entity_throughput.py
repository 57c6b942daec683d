"""Entity-stage throughput (recognise + link) beside the encoder's (not run in CI).

Per corpus this times, on the same articles:

* ``recognise``: the default recogniser on each full article text in its
  language (what the ``entities`` stage does per article);
* ``link``: ``link_mentions`` over all the mentions found in the corpus sample
  (the ``link`` stage relinks the whole store at once);
* ``entities``: both together, the entity stage's cost per article;
* ``encoder``: the default encoder on each article's lead (the ``embed`` stage
  embeds the first 800 characters, see ``stages.EMBED_CHARS``).

Tokens are the recogniser's own tokens of the full text. Rounds are
interleaved and the best round is kept (the cores are shared, so foreign load
only ever slows a round down); compare numbers from the same report only.
Corpora: the five seed articles and a fixed sample of each article corpus in
``../shared/data`` (first N articles of at most ``--max-chars`` characters, in
file order, which is a pseudo-random id order).

Usage:

    .venv/bin/python bench/entity_throughput.py [--shared ../shared] [--per-corpus 40]
        [--rounds 2] [--no-encoder] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from encoder_throughput import LEAD_CHARS, _jsonl  # noqa: E402  (bench/ is not a package)

from newsweave.analyse.entities import get_recogniser  # noqa: E402
from newsweave.analyse.entities.tokenize import tokenize  # noqa: E402
from newsweave.link import Mention, link_mentions  # noqa: E402

CORPORA = ("meantime", "mlcrisis", "ecbplus", "itn")


def load_corpora(shared: Path, per_corpus: int, max_chars: int) -> dict[str, list[tuple[str, str, str]]]:
    """corpus name -> [(article id, lang, text)]: the seeds and a sample of each data corpus."""
    meta = {r["file"][:3]: r["lang"] for r in _jsonl(shared / "corpus" / "seeds.meta.jsonl")}
    seeds = [(p.name[:3], meta.get(p.name[:3], "xx"), p.read_text(encoding="utf-8"))
             for p in sorted((shared / "corpus" / "seeds").glob("*.txt"))]
    out = {"seeds": seeds}
    for name in CORPORA:
        path = shared / "data" / name / "corpus.jsonl"
        if not path.exists():
            continue
        rows = [r for r in _jsonl(path) if r.get("text") and len(r["text"]) <= max_chars]
        out[name] = [(r["id"], r["lang"], r["text"]) for r in rows[:per_corpus]]
    return out


def time_entities(rec, docs: list[tuple[str, str, str]]) -> tuple[float, float, int]:
    """(recognise seconds, link seconds, mentions) for one pass over ``docs``."""
    t0 = time.perf_counter()
    mentions = [Mention(aid, e.text, e.type, lang, e.start, e.end)
                for aid, lang, text in docs for e in rec.recognise(text, lang)]
    t1 = time.perf_counter()
    link_mentions(mentions)
    return t1 - t0, time.perf_counter() - t1, len(mentions)


def time_encoder(enc, docs: list[tuple[str, str, str]]) -> float:
    t0 = time.perf_counter()
    enc.encode_passages([text[:LEAD_CHARS] for _, _, text in docs])
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--per-corpus", type=int, default=40, help="articles sampled per data corpus")
    ap.add_argument("--max-chars", type=int, default=20_000, help="skip longer articles (whole web pages)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--no-encoder", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    corpora = load_corpora(args.shared, args.per_corpus, args.max_chars)
    rec = get_recogniser()
    enc = None
    if not args.no_encoder:
        from newsweave.analyse.encoder import get_encoder

        enc = get_encoder()
        enc.encode_passages(["warm-up"])
    rec.recognise("Warm-up: Kim Jong Un a Mosca.", "it")
    load0 = os.getloadavg()[0]
    best: dict[tuple[str, str], float] = {}
    n_mentions: dict[str, int] = {}
    for _ in range(args.rounds):
        for cname, docs in corpora.items():
            r, ln, n = time_entities(rec, docs)
            n_mentions[cname] = n
            for key, dt in (("recognise", r), ("link", ln), ("entities", r + ln)):
                best[cname, key] = min(best.get((cname, key), float("inf")), dt)
            if enc is not None:
                best[cname, "encoder"] = min(best.get((cname, "encoder"), float("inf")), time_encoder(enc, docs))
    rows = []
    for cname, docs in corpora.items():
        tokens = sum(len(tokenize(text)) for _, _, text in docs)
        langs = Counter(lang for _, lang, _ in docs)
        row = {"corpus": cname, "articles": len(docs), "tokens": tokens, "mentions": n_mentions[cname],
               "langs": dict(langs.most_common(6))}
        for key in ("recognise", "link", "entities", "encoder"):
            if (cname, key) in best:
                dt = best[cname, key]
                row[f"{key}_articles_per_s"] = round(len(docs) / dt, 1)
                row[f"{key}_tokens_per_s"] = round(tokens / dt)
        rows.append(row)
    report = {"cpus": len(os.sched_getaffinity(0)), "loadavg_start": round(load0, 2),
              "loadavg_end": round(os.getloadavg()[0], 2), "recogniser": rec.name,
              "encoder": getattr(enc, "name", None), "lead_chars": LEAD_CHARS, "rounds": args.rounds, "rows": rows}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"cpus={report['cpus']}  load avg {report['loadavg_start']} -> {report['loadavg_end']}  "
          f"recogniser {rec.name}  encoder {report['encoder']} (lead {LEAD_CHARS} chars)  best of {args.rounds}")
    print(f"{'corpus':9s} {'arts':>4s} {'tokens':>7s} {'ments':>5s} | {'recognise':>15s} {'link':>9s}"
          f" {'entities':>16s} | {'encoder (lead)':>14s}   (articles/s, tokens/s of full text)")
    for r in rows:
        enc_col = f"{r['encoder_articles_per_s']:8.1f} art/s" if "encoder_articles_per_s" in r else "-"
        print(f"{r['corpus']:9s} {r['articles']:4d} {r['tokens']:7d} {r['mentions']:5d} |"
              f" {r['recognise_articles_per_s']:6.1f} {r['recognise_tokens_per_s']:7d} t/s"
              f" {r['link_articles_per_s']:8.1f} {r['entities_articles_per_s']:6.1f} art/s {r['entities_tokens_per_s']:6d} t/s"
              f" | {enc_col}   {r['langs']}")


if __name__ == "__main__":
    main()
