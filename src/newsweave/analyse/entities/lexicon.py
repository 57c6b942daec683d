"""Unsupervised word lexicons computed from raw training text (tags unused).

* ``casing_lexicon``: how often a word is capitalised when it is not the first
  token of a sentence ("Anche" at a sentence start is really "anche").
* ``distributional_clusters``: hierarchical word clusters from SVD of a PPMI
  word-context matrix followed by k-means at several granularities; the
  cluster path is a string whose prefixes give coarser clusters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from newsweave.analyse.entities.words import fold


def casing_lexicon(sentences: Iterable[Sequence[str]], min_count: int = 3) -> dict[str, str]:
    """folded word -> bucket of P(capitalised | not sentence-initial): "lo", "mid", "hi", "cap"."""
    cap: Counter[str] = Counter()
    tot: Counter[str] = Counter()
    for toks in sentences:
        for tok in toks[1:]:
            if not tok[:1].isalpha():
                continue
            key = fold(tok)
            tot[key] += 1
            if tok[:1].isupper():
                cap[key] += 1
    out: dict[str, str] = {}
    for key, n in tot.items():
        if n < min_count:
            continue
        r = cap[key] / n
        out[key] = "lo" if r < 0.1 else "mid" if r < 0.5 else "hi" if r < 0.95 else "cap"
    return out


def require_scipy() -> None:
    """Fail with what to install when scipy, a training-time dependency only, is missing."""
    import importlib.util

    if importlib.util.find_spec("scipy") is None:
        from newsweave.core.errors import ConfigError

        raise ConfigError("training the entity models needs scipy: pip install 'newsweave[train]'")


def distributional_clusters(
    sentences: Sequence[Sequence[str]],
    seed: int = 13,
    min_count: int = 3,
    n_context: int = 3000,
    dims: int = 100,
    ks: tuple[int, ...] = (16, 64, 256, 1024),
) -> dict[str, str]:
    """folded word -> cluster path "a.b.c.d" (one k-means level per entry of ``ks``)."""
    import numpy as np

    require_scipy()
    from scipy.cluster.vq import kmeans2
    from scipy.sparse import coo_matrix

    counts: Counter[str] = Counter()
    folded = [[fold(t) for t in toks] for toks in sentences]
    for toks in folded:
        counts.update(toks)
    vocab = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    index = {w: i for i, w in enumerate(vocab)}
    ctx_words = vocab[:n_context]
    cindex = {w: i for i, w in enumerate(ctx_words)}
    rows: list[int] = []
    cols: list[int] = []
    for toks in folded:
        n = len(toks)
        for i, w in enumerate(toks):
            wi = index.get(w)
            if wi is None:
                continue
            for off, slot in ((-2, 0), (-1, 1), (1, 2), (2, 3)):
                j = i + off
                c = toks[j] if 0 <= j < n else ("<s>" if j < 0 else "</s>")
                ci = cindex.get(c)
                if ci is not None:
                    rows.append(wi)
                    cols.append(slot * n_context + ci)
    data = np.ones(len(rows), dtype=np.float64)
    m = coo_matrix((data, (rows, cols)), shape=(len(vocab), 4 * n_context)).tocsr()
    m.sum_duplicates()
    total = m.sum()
    row_sum = np.asarray(m.sum(axis=1)).ravel()
    col_sum = np.asarray(m.sum(axis=0)).ravel() ** 0.75
    col_sum = col_sum / col_sum.sum() * total
    m = m.tocoo()
    pmi = np.log(m.data * total / (row_sum[m.row] * col_sum[m.col]))
    keep = pmi > 0
    ppmi = coo_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=m.shape).tocsr()
    rng = np.random.default_rng(seed)
    # randomised SVD (Halko et al.): a few power iterations are plenty here
    q = ppmi @ rng.standard_normal((ppmi.shape[1], dims + 10))
    for _ in range(3):
        q, _ = np.linalg.qr(q)
        q = ppmi @ (ppmi.T @ q)
    q, _ = np.linalg.qr(q)
    u_small, s, _ = np.linalg.svd(np.asarray((ppmi.T @ q).T), full_matrices=False)
    u = (q @ u_small)[:, :dims]
    s = s[:dims]
    emb = u * np.sqrt(s)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9
    paths = [[] for _ in vocab]
    for k in ks:
        k = min(k, len(vocab))
        _, labels = kmeans2(emb, k, minit="points", seed=int(rng.integers(1 << 31)), iter=15)
        for i, lab in enumerate(labels):
            paths[i].append(str(int(lab)))
    return {w: ".".join(p) for w, p in zip(vocab, paths)}
