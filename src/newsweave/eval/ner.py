"""Score a named-entity recogniser on a CoNLL folder (conlleval span semantics).

The folder's ``test.conll`` is scored if present, else ``dev.conll``. Each gold
sentence is joined with single spaces into raw text and given to the
recogniser's public ``recognise(text, lang)``, so the whole path is measured:
its own tokenizer, tagger and the mapping back to character offsets. Predicted
character spans are then projected onto the gold tokens (a token belongs to a
predicted entity when it overlaps it; the first overlapping token opens it).

A span counts as correct only when its first token, last token and type all
match a gold span exactly (conlleval). Micro-averaged precision, recall and F1
over all spans, plus the same per entity type.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from newsweave.analyse.entities.conll import read_conll, spans_from_tags


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _guess_lang(sentences: list[tuple[list[str], list[str]]]) -> str | None:
    from newsweave.analyse.langid import get_identifier

    sample = " ".join(" ".join(toks) for toks, _ in sentences[:200])
    lang, _ = get_identifier().identify(sample)
    return lang


def project_spans(
    token_offsets: list[tuple[int, int]], spans: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """Character spans -> token spans (start, end_exclusive, type), overlapping tokens, no overlaps."""
    taken = [False] * len(token_offsets)
    out: list[tuple[int, int, str]] = []
    for cs, ce, typ in sorted(spans):
        idx = [i for i, (ts, te) in enumerate(token_offsets) if ts < ce and te > cs and not taken[i]]
        if not idx:
            continue
        # keep the contiguous run from the first overlapping token
        a = b = idx[0]
        while b + 1 < len(token_offsets) and b + 1 in idx:
            b += 1
        for i in range(a, b + 1):
            taken[i] = True
        out.append((a, b + 1, typ))
    return out


def evaluate_ner(data_dir: Path, recogniser=None, lang: str | None = None) -> dict:
    """Span-level micro P/R/F1 of ``recogniser`` (default: ``get_recogniser()``) on a CoNLL folder.

    ``lang`` is passed to ``recognise``; when None it is identified once from the
    text of the file's first sentences.
    """
    from newsweave.analyse.entities import get_recogniser

    data_dir = Path(data_dir)
    path = data_dir / "test.conll"
    if not path.exists():
        path = data_dir / "dev.conll"
    sentences = read_conll(path)
    rec = recogniser if recogniser is not None else get_recogniser()
    if lang is None:
        lang = _guess_lang(sentences)
    counts: dict[str, list[int]] = {}
    tp = fp = fn = 0
    n_tokens = 0
    t0 = time.perf_counter()
    for tokens, tags in sentences:
        n_tokens += len(tokens)
        offsets = []
        pos = 0
        for tok in tokens:
            offsets.append((pos, pos + len(tok)))
            pos += len(tok) + 1
        text = " ".join(tokens)
        pred_chars = [(e.start, e.end, e.type) for e in rec.recognise(text, lang)]
        pred = set(project_spans(offsets, pred_chars))
        gold = set(spans_from_tags(tags))
        for span in gold | pred:
            c = counts.setdefault(span[2], [0, 0, 0])
            if span in gold and span in pred:
                c[0] += 1
            elif span in pred:
                c[1] += 1
            else:
                c[2] += 1
        hit = len(gold & pred)
        tp += hit
        fp += len(pred) - hit
        fn += len(gold) - hit
    seconds = time.perf_counter() - t0
    p, r, f = _prf(tp, fp, fn)
    per_type = {}
    for typ in sorted(counts):
        ctp, cfp, cfn = counts[typ]
        tp_, tr_, tf_ = _prf(ctp, cfp, cfn)
        per_type[typ] = {
            "precision": round(tp_, 4),
            "recall": round(tr_, 4),
            "f1": round(tf_, 4),
            "support": ctp + cfn,
        }
    return {
        "micro_f1": round(f, 4),
        "precision": round(p, 4),
        "recall": round(r, 4),
        "per_type": per_type,
        "file": str(path),
        "sentences": len(sentences),
        "tokens": n_tokens,
        "lang": lang,
        "recogniser": getattr(rec, "name", type(rec).__name__),
        "tokens_per_second": round(n_tokens / seconds, 1) if seconds > 0 else None,
    }


def evaluate_name_recall(data_dir: Path, recogniser=None, langs: tuple[str, ...] = ("en",)) -> dict:
    """Recall of gold *names* in a MEANTIME-style folder (``corpus.jsonl`` + ``mentions.jsonl``).

    MEANTIME has no NER gold: its entity mentions include pronouns and
    descriptions and not every document is annotated. Its capitalised PER, ORG
    and LOC mentions in the article body are names, though, so the share of them
    that the recogniser finds with the exact span (and type) measures recognition
    in languages without NER training data (English, Spanish, Dutch).
    """
    from newsweave.analyse.entities import get_recogniser

    data_dir = Path(data_dir)
    rec = recogniser if recogniser is not None else get_recogniser()
    with open(data_dir / "corpus.jsonl", encoding="utf-8") as fh:
        docs = {d["id"]: d for d in map(json.loads, fh)}
    gold: dict[str, list[dict]] = {}
    with open(data_dir / "mentions.jsonl", encoding="utf-8") as fh:
        for row in map(json.loads, fh):
            if (row["kind"] == "entity" and row["field"] == "text" and row["type"] in ("PER", "ORG", "LOC")
                    and row["text"][:1].isupper() and docs[row["doc_id"]]["lang"] in langs):
                gold.setdefault(row["doc_id"], []).append(row)
    out: dict[str, dict] = {}
    for lang in langs:
        counts: dict[str, list[int]] = {}
        for doc_id, rows in gold.items():
            doc = docs[doc_id]
            if doc["lang"] != lang:
                continue
            pred = {(e.start, e.end): e.type for e in rec.recognise(doc["text"], lang)}
            for row in rows:
                c = counts.setdefault(row["type"], [0, 0, 0])
                found = pred.get((row["start"], row["end"]))
                c[0] += 1
                c[1] += found is not None
                c[2] += found == row["type"]
        total = [sum(c[i] for c in counts.values()) for i in range(3)]
        out[lang] = {
            "names": total[0],
            "span_recall": round(total[1] / total[0], 4) if total[0] else 0.0,
            "typed_recall": round(total[2] / total[0], 4) if total[0] else 0.0,
            "per_type_typed_recall": {t: round(c[2] / c[0], 4) for t, c in sorted(counts.items())},
        }
    return {"recogniser": getattr(rec, "name", type(rec).__name__), "by_lang": out}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path, nargs="+")
    ap.add_argument("--recogniser", default="default")
    ap.add_argument("--lang", default=None)
    ap.add_argument("--names", default=None, metavar="LANGS",
                    help="MEANTIME-style folder: name recall for these languages (e.g. en,es,nl)")
    args = ap.parse_args(argv)
    from newsweave.analyse.entities import get_recogniser

    rec = get_recogniser(args.recogniser)
    for d in args.data_dir:
        result = (evaluate_name_recall(d, rec, tuple(args.names.split(","))) if args.names
                  else evaluate_ner(d, rec, lang=args.lang))
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
