"""Score online clustering against gold events or topics (BCubed)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from newsweave.cluster.metrics import bcubed
from newsweave.core.config import Settings
from newsweave.core.errors import InputError
from newsweave.eval import numbered_rows


def load_gold(path: Path, field: str) -> dict[str, str]:
    """Article id -> gold label from a JSONL file with ``id`` and ``field`` on each line."""
    gold: dict[str, str] = {}
    for n, row in numbered_rows(path):
        if "id" not in row:
            raise InputError(str(path), "no 'id' field", n)
        if row.get(field) is not None:
            gold[str(row["id"])] = str(row[field])
    if not gold:
        raise InputError(str(path), f"no line has a '{field}' label")
    return gold


def evaluate_clusters(corpus: Path, gold_path: Path, level: str = "event", db: str | None = None) -> dict[str, Any]:
    """Ingest ``corpus`` into its own store, cluster it as a stream, score events or storylines.

    ``level`` "event" scores events against the gold ``event`` field, "topic"
    scores storylines against ``topic``. A corpus without ``event`` labels but
    with ``parallel_id`` (MEANTIME translations) uses that at event level.
    """
    from newsweave import jobs
    from newsweave.store import event_repo, open_store

    if level not in ("event", "topic"):
        raise InputError(str(gold_path), f"unknown level {level!r}: use event or topic")
    gold = _gold_for_level(gold_path, level)
    with tempfile.TemporaryDirectory(prefix="newsweave-eval-") as tmp:
        settings = Settings(db=db or str(Path(tmp) / "eval.db"))
        report = jobs.run(settings, [str(corpus)])[0]
        store = open_store(settings.db)
        try:
            member = event_repo.memberships(store)
        finally:
            store.close()
    predicted = {aid: (ev if level == "event" else (story or ev)) for aid, (ev, story) in member.items()}
    scored = [a for a in gold if a in predicted]
    if not predicted and report.errors:  # nothing read: say why, not that the gold file is wrong
        raise InputError(str(corpus), f"no article could be read ({len(report.errors)} errors; the first: "
                                      f"{report.errors[0]})")
    if not scored:  # a score of 0 would read as a result
        raise InputError(str(gold_path), f"labels none of the {len(predicted)} articles clustered from {corpus}: "
                                         "are the corpus and the gold file from the same set?")
    scores = bcubed(predicted, gold)
    sizes: dict[str, int] = {}
    for aid in scored:
        sizes[predicted[aid]] = sizes.get(predicted[aid], 0) + 1
    return {
        **scores, "level": level, "articles": len(scored), "clusters": len(sizes),
        "gold_clusters": len({gold[a] for a in scored}),
        "singleton_share": round(sum(1 for a in scored if sizes[predicted[a]] == 1) / max(len(scored), 1), 4),
        "not_clustered": len(gold) - len(scored), "unlabelled": len(predicted) - len(scored),
        "ingest_errors": len(report.errors), "errors": [str(e) for e in report.errors],
    }


def _gold_for_level(path: Path, level: str) -> dict[str, str]:
    if level == "topic":
        return load_gold(path, "topic")
    try:
        return load_gold(path, "event")
    except InputError:
        return load_gold(path, "parallel_id")
