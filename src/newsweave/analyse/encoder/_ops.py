"""In-place numpy kernels for the e5 forward pass (float32 throughout)."""

from __future__ import annotations

import numpy as np

_GELU_C = float(2.0 * np.sqrt(2.0 / np.pi))  # tanh GELU == x * sigmoid(_GELU_C * (x + 0.044715 x^3))
# exp of a logit above this could overflow float32 once summed over 512 keys
SAFE_LOGIT = 80.0
# attention scores materialised per step (floats): ~4 MB stays cache-resident
SCORES = 1 << 20


def layernorm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> None:
    """Row-wise LayerNorm of ``x`` (T, H), in place."""
    x -= x.mean(axis=1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x)
    var *= 1.0 / x.shape[1]
    var += eps
    x *= (1.0 / np.sqrt(var))[:, None]
    x *= w
    x += b


def gelu(x: np.ndarray) -> None:
    """tanh-form GELU in place, written as ``x / (1 + exp(-2u))``: one transcendental pass."""
    t = np.multiply(x, x)
    t *= -_GELU_C * 0.044715
    t -= _GELU_C
    t *= x
    with np.errstate(over="ignore"):  # exp -> inf gives x / inf = -0, the right limit
        np.exp(t, out=t)
    t += 1.0
    x /= t


def softmax_attend(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """``softmax(q k^T + mask) v`` over stacked heads ``(G, L, hd)``; ``q`` is pre-scaled.

    ``mask``, when given, is ``(B, 1, 1, L)`` with ``-inf`` on padded keys and
    ``G == B * heads``.
    """
    # The usual max-subtraction pass is only needed if some logit could exceed
    # SAFE_LOGIT; Cauchy-Schwarz on the head vectors bounds every logit cheaply.
    qmax = float(np.einsum("gld,gld->gl", q, q).max())
    kmax = float(np.einsum("gld,gld->gl", k, k).max())
    shift = qmax * kmax > SAFE_LOGIT * SAFE_LOGIT
    G, L, _ = q.shape
    out = np.empty_like(q)
    step = G if mask is not None else max(1, SCORES // (L * L))
    for a in range(0, G, step):
        b = min(G, a + step)
        s = np.matmul(q[a:b], k[a:b].transpose(0, 2, 1))
        if mask is not None:
            s4 = s.reshape(mask.shape[0], -1, L, L)
            s4 += mask
        if shift:
            s -= s.max(axis=-1, keepdims=True)
            np.maximum(s, -SAFE_LOGIT, out=s)  # no denormals: they are slow in exp and matmul
        np.exp(s, out=s)
        z = s.sum(axis=-1, keepdims=True)
        np.matmul(s, v[a:b], out=out[a:b])
        out[a:b] /= z  # normalise the (L, hd) context, not the (L, L) probabilities
    return out


class _Group:
    """A run of windows attended together: rows ``a:b`` of the batch, padded to ``(B, L)``."""

    __slots__ = ("a", "b", "B", "L", "gather", "keep", "mask")

    def __init__(self, lens: np.ndarray, offs: np.ndarray, i: int, j: int) -> None:
        self.a, self.b, self.B, self.L = int(offs[i]), int(offs[j]), j - i, int(lens[i])
        self.gather = self.keep = self.mask = None
        if lens[j - 1] != self.L:  # ragged: gather rows into a padded block, mask the padding
            pos = np.arange(self.L)
            valid = pos[None, :] < lens[i:j, None]  # (B, L)
            # padded slots repeat a real row; their keys are masked, their queries dropped
            self.gather = np.where(valid, offs[i:j, None] + pos[None, :], self.a).ravel()
            self.keep = np.flatnonzero(valid.ravel())
            self.mask = np.where(valid, 0.0, -np.inf).astype(np.float32)[:, None, None, :]


def plan_attention(lens: np.ndarray, offs: np.ndarray, heads: int) -> list[_Group]:
    """Group windows (sorted by decreasing length) into padded batches; computed once per forward.

    A group takes windows at most 12.5% shorter than its first while the
    ``(B, heads, L, L)`` scores stay around ``SCORES`` floats.
    """
    groups = []
    i = 0
    while i < len(lens):
        Lm = int(lens[i])
        most = max(1, SCORES // (heads * Lm * Lm))
        j = i + 1
        while j < len(lens) and j - i < most and lens[j] * 8 >= Lm * 7:
            j += 1
        groups.append(_Group(lens, offs, i, j))
        i = j
    return groups


def attention(qkv: np.ndarray, groups: list[_Group], heads: int) -> np.ndarray:
    """Multi-head self-attention of concatenated windows, each attending only to itself.

    ``qkv`` is ``(T, 3 H)`` with the queries pre-scaled; returns the ``(T, H)`` context.
    """
    T, H3 = qkv.shape
    H = H3 // 3
    hd = H // heads
    ctx = np.empty((T, H), np.float32)
    for g in groups:
        rows = qkv[g.a : g.b] if g.gather is None else qkv[g.gather]
        blk = np.ascontiguousarray(rows.reshape(g.B, g.L, 3, heads, hd).transpose(2, 0, 3, 1, 4))
        blk = blk.reshape(3, g.B * heads, g.L, hd)
        o = softmax_attend(blk[0], blk[1], blk[2], g.mask)
        o = o.reshape(g.B, heads, g.L, hd).transpose(0, 2, 1, 3).reshape(g.B * g.L, H)
        ctx[g.a : g.b] = o if g.keep is None else o[g.keep]
    return ctx
