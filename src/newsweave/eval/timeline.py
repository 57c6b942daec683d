"""Score produced timelines against the reference timelines of ML-Crisis.

For every (topic, language) with a reference timeline, the articles of that
topic in that language are ingested and analysed in a throwaway store, a
timeline with as many dates as the reference is built, and it is scored on
date selection (precision, recall, F1 of the set of dates) and on content
(ROUGE-1 F of all entry texts against all reference texts, "concat" ROUGE as
in timeline summarisation work). Topics come from the gold labels because
clustering is scored separately.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from newsweave.core.config import Settings
from newsweave.eval import read_jsonl

_WORD = re.compile(r"\w+", re.UNICODE)


def rouge1_f(predicted: str, reference: str) -> float:
    """Unigram F-measure with clipped counts (lower-cased word tokens)."""
    p, r = Counter(_WORD.findall(predicted.casefold())), Counter(_WORD.findall(reference.casefold()))
    overlap = sum((p & r).values())
    if not overlap:
        return 0.0
    prec, rec = overlap / sum(p.values()), overlap / sum(r.values())
    return 2 * prec * rec / (prec + rec)


def _prf(pred: set[str], gold: set[str]) -> tuple[float, float, float]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate_timeline(data_dir: Path, db: str | None = None) -> dict[str, Any]:
    """Date F1 and ROUGE-1 F per (topic, language), averaged per language and overall."""
    from newsweave import jobs

    refs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for entry in read_jsonl(data_dir / "timelines.jsonl"):
        refs[(entry["topic"], entry["lang"])].append(entry)
    topic_of = {g["id"]: g["topic"] for g in read_jsonl(data_dir / "gold.jsonl")}
    lang_of = {a["id"]: a["lang"] for a in read_jsonl(data_dir / "corpus.jsonl")}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=db or str(Path(tmp) / "timeline-eval.db"))
        report = jobs.ingest(settings, [str(data_dir / "corpus.jsonl")])
        jobs.analyse(settings, only={"furniture", "text", "time"})  # timelines need nothing else
        runs = []
        for (topic, lang), ref in sorted(refs.items()):
            ids = [i for i, t in topic_of.items() if t == topic and lang_of.get(i) == lang]
            if not ids:
                continue  # the English reference timelines have no English articles
            ref_dates = {e["date"] for e in ref}
            entries = jobs.timeline(settings, lang=lang, article_ids=ids, max_entries=len(ref_dates))
            p, r, f = _prf({e["date"] for e in entries}, ref_dates)
            rouge = rouge1_f(" ".join(e["description"] for e in entries), " ".join(e["text"] for e in ref))
            runs.append({"topic": topic, "lang": lang, "articles": len(ids), "reference_dates": len(ref_dates),
                         "date_precision": round(p, 4), "date_recall": round(r, 4), "date_f1": round(f, 4),
                         "rouge1_f": round(rouge, 4)})
    return {"runs": runs, "per_lang": _average(runs, "lang"), "overall": _average(runs, None)["all"],
            "ingest_errors": len(report.errors)}


def _average(runs: list[dict[str, Any]], key: str | None) -> dict[str, dict[str, float]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for run in runs:
        groups[run[key] if key else "all"].append(run)
    return {g: {m: round(sum(r[m] for r in rs) / len(rs), 4) for m in ("date_f1", "rouge1_f")} for g, rs in groups.items()}


def format_report(result: dict[str, Any]) -> str:
    lines = [f"{'topic':8} {'lang':4} {'articles':>8} {'ref dates':>9} {'date P':>7} {'date R':>7} {'date F1':>7} {'ROUGE-1 F':>9}"]
    for r in result["runs"]:
        lines.append(f"{r['topic']:8} {r['lang']:4} {r['articles']:8} {r['reference_dates']:9} {r['date_precision']:7.3f} "
                     f"{r['date_recall']:7.3f} {r['date_f1']:7.3f} {r['rouge1_f']:9.3f}")
    for lang, m in sorted(result["per_lang"].items()):
        lines.append(f"mean {lang}: date F1 {m['date_f1']:.3f}  ROUGE-1 F {m['rouge1_f']:.3f}")
    o = result["overall"]
    lines.append(f"overall: date F1 {o['date_f1']:.3f}  ROUGE-1 F {o['rouge1_f']:.3f}")
    return "\n".join(lines)
