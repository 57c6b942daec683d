"""Score cross-lingual entity linking on MEANTIME (gold mentions in, pairwise decisions out).

Every gold *entity* mention (events skipped) of ``mentions.jsonl`` is given, with
its gold span, type and language, to ``newsweave.link.link_mentions``, articles in
order of publication. Two mentions are "same entity" in the gold when they share
an ``instance`` id. Over all pairs of mentions in different languages (the
cross-lingual decisions) this reports pairwise precision, recall and F1 of the
predicted same-entity decisions; pairs within one language are reported apart.

Pair counts come from a contingency table (gold instance x predicted entity x
language), never from listing pairs. Documents without gold mentions do not
take part (the README's coverage warning).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from newsweave.link import Mention, link_mentions


def _pairs(counts: Iterable[Counter]) -> tuple[int, int]:
    """(cross-language pairs, same-language pairs) inside groups given as lang -> count."""
    cross = same = 0
    for by_lang in counts:
        n = sum(by_lang.values())
        sq = sum(v * v for v in by_lang.values())
        cross += (n * n - sq) // 2
        same += sum(v * (v - 1) // 2 for v in by_lang.values())
    return cross, same


def _prf(tp: int, pred: int, gold: int) -> dict:
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "true_pairs": tp, "predicted_pairs": pred, "gold_pairs": gold}


def _load(data_dir: Path) -> tuple[list[Mention], dict[Mention, str]]:
    published = {}
    with open(data_dir / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            published[doc["id"]] = doc.get("published") or ""
    mentions: list[Mention] = []
    gold: dict[Mention, str] = {}
    with open(data_dir / "mentions.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["kind"] != "entity":
                continue
            # title and text offsets live in different strings: keep them apart in the span
            start = row["start"] if row["field"] == "text" else -1 - row["start"]
            m = Mention(row["doc_id"], row["text"], row["type"], row["lang"], start, start + len(row["text"]))
            mentions.append(m)
            gold[m] = row["instance"]
    mentions.sort(key=lambda m: (published.get(m.article, ""), m.article, m.start))
    return mentions, gold


def evaluate_link(data_dir: Path) -> dict:
    """Pairwise P/R/F1 of ``link_mentions`` on a MEANTIME folder (see module docstring)."""
    mentions, gold = _load(Path(data_dir))
    t0 = time.perf_counter()
    entities = link_mentions(mentions)
    seconds = time.perf_counter() - t0
    pred = {m: e.id for e in entities for m in e.mentions}

    cells: dict[tuple[str, str], Counter] = defaultdict(Counter)
    by_gold: dict[str, Counter] = defaultdict(Counter)
    by_pred: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        g, p = gold[m], pred[m]
        cells[(g, p)][m.lang] += 1
        by_gold[g][m.lang] += 1
        by_pred[p][m.lang] += 1
    tp_cross, tp_same = _pairs(cells.values())
    gold_cross, gold_same = _pairs(by_gold.values())
    pred_cross, pred_same = _pairs(by_pred.values())
    cross = _prf(tp_cross, pred_cross, gold_cross)
    return {
        "pairwise_precision": cross["precision"],
        "pairwise_recall": cross["recall"],
        "pairwise_f1": cross["f1"],
        "cross_language": cross,
        "same_language": _prf(tp_same, pred_same, gold_same),
        "mentions": len(mentions),
        "entities_predicted": len(by_pred),
        "entities_gold": len(by_gold),
        "seconds": round(seconds, 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path, nargs="+")
    args = ap.parse_args(argv)
    for d in args.data_dir:
        json.dump(evaluate_link(d), sys.stdout, ensure_ascii=False, indent=1)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
