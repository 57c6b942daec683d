"""Background statistics shipped with the package: language means and document frequencies.

A new store knows nothing of what is typical: with three articles, the
language mean is the articles themselves and every shared word looks rare.
Counts from a reference corpus (the development sets, run through the same
pipeline by ``python -m newsweave.cluster.calibrate background``) act as
pseudo-observations until the store's own counts dominate.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import numpy as np

from newsweave.cluster.centring import LanguageCentring
from newsweave.cluster.model import DocFreq

PSEUDO_ARTICLES = 10.0  # each language's background mean weighs like this many of the store's articles


def background_name(encoder: str) -> str:
    """File name of the background for one encoder id."""
    return "background-" + re.sub(r"[^A-Za-z0-9]+", "-", encoder).strip("-") + ".npz"


# Encoders whose vectors equal another's to rounding (cosine 0.99999) share its background.
SAME_VECTORS = {"e5-small-q4-onnx@1+lead800": "e5-small-q4-numpy@1+lead800",
                "e5-small-q4-torch@1+lead800": "e5-small-q4-numpy@1+lead800"}


@lru_cache(maxsize=4)
def _load(encoder: str) -> dict[str, np.ndarray] | None:
    ref = resources.files("newsweave.cluster").joinpath("data", background_name(SAME_VECTORS.get(encoder, encoder)))
    if not ref.is_file():
        return None
    with ref.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def seeded_centring(encoder: str, dim: int) -> LanguageCentring:
    """Language centring that starts from the background means (plain when none ships for ``encoder``)."""
    centring = LanguageCentring(dim)
    bg = _load(encoder)
    if bg is None or bg["means"].shape[1] != dim:
        return centring
    for lang, mean in zip(bg["langs"].tolist(), bg["means"]):
        centring.add_sum(str(lang), mean.astype(np.float64) * PSEUDO_ARTICLES, int(PSEUDO_ARTICLES))
    return centring


def seeded_docfreq(encoder: str) -> DocFreq:
    """Document frequencies with the background counts behind the store's own."""
    bg = _load(encoder)
    if bg is None:
        return DocFreq()
    return DocFreq(background=(bg["df"].astype(np.int32), int(bg["n_docs"])))
