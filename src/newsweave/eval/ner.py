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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path, nargs="+")
    ap.add_argument("--recogniser", default="default")
    ap.add_argument("--lang", default=None)
    args = ap.parse_args(argv)
    from newsweave.analyse.entities import get_recogniser

    rec = get_recogniser(args.recogniser)
    for d in args.data_dir:
        json.dump(evaluate_ner(d, rec, lang=args.lang), sys.stdout, ensure_ascii=False, indent=1)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
