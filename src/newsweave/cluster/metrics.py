"""BCubed precision, recall and F1 of a clustering against gold labels."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> dict[str, float]:
    """Item-averaged BCubed scores over the items present in both mappings.

    For each item, precision is the share of its predicted cluster that shares
    its gold label, recall the share of its gold class that shares its
    predicted cluster (Bagga & Baldwin 1998; Amigó et al. 2009).
    """
    items = [i for i in gold if i in predicted]
    if not items:
        return {"bcubed_precision": 0.0, "bcubed_recall": 0.0, "bcubed_f1": 0.0}
    joint = Counter((predicted[i], gold[i]) for i in items)
    pred_size = Counter(predicted[i] for i in items)
    gold_size = Counter(gold[i] for i in items)
    p = sum(joint[(predicted[i], gold[i])] / pred_size[predicted[i]] for i in items) / len(items)
    r = sum(joint[(predicted[i], gold[i])] / gold_size[gold[i]] for i in items) / len(items)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"bcubed_precision": round(p, 4), "bcubed_recall": round(r, 4), "bcubed_f1": round(f, 4)}
