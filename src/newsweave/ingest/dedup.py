"""Exact and near-duplicate detection.

Exact: a SHA-256 of the text with case and whitespace folded. Near: MinHash
over word 5-shingles (character 5-grams for scripts without spaces) of the
analysed prefix (``ANALYSE_CHARS``), banded for locality-sensitive hashing.
Band keys live in the store, so the candidate lookup is an indexed query,
never a scan, and survives restarts.

The signatures are datasketch 2.0's MinHash ("affine32" scheme) over CRC-32
shingle hashes, computed here in chunks (a test pins them equal, so stored
signatures stay comparable): datasketch permutes all of a text's shingles at
once (340 MB more memory for the 340,000 shingles of a 2 MB web-page dump),
and its import (scipy) took half a second of every ingest.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable

import numpy as np

from newsweave.core.config import ANALYSE_CHARS
from newsweave.core.records import Fingerprint

NUM_PERM = 128
BANDS = 16  # 16 bands x 8 rows: pairs above ~0.7 Jaccard become candidates
ROWS = NUM_PERM // BANDS
SHINGLE = 5
_SEED = 1
_WORDS = re.compile(r"\w+", re.UNICODE)
_NO_SPACE = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
MIN_SHINGLES = 8  # too short to call anything a near-duplicate
_MAX_HASH = np.uint32(0xFFFFFFFF)
_CHUNK = 4096  # shingles permuted at a time: 2 MB per temporary
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (odd a, b) of each permutation ``a * h + b mod 2^32``, drawn as datasketch draws them."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


_A, _B = _permutations(NUM_PERM, _SEED)


def _fmix(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (a bijection that spreads CRC-32's structure)."""
    s1, m1, s2, m2, s3 = _FMIX
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


def minhash(grams: Iterable[bytes]) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32 values) of a set of shingles."""
    hashes = _fmix(np.fromiter((zlib.crc32(g) for g in grams), dtype=np.uint32))
    sig = np.full(NUM_PERM, _MAX_HASH, dtype=np.uint32)
    for i in range(0, len(hashes), _CHUNK):
        phv = hashes[i : i + _CHUNK, None] * _A + _B  # uint32 arithmetic wraps: that is the mod 2^32
        np.minimum(sig, phv.min(axis=0), out=sig)
    return sig


def content_hash(text: str) -> str:
    """Stable hash of the content, insensitive to case and whitespace."""
    folded = " ".join(text.casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def shingles(text: str) -> set[bytes]:
    """Word 5-shingles, or character 5-grams for text written without spaces, of the analysed prefix."""
    folded = text[:ANALYSE_CHARS].casefold()
    if len(_NO_SPACE.findall(folded[:2000])) > 200:
        chars = "".join(folded.split())
        return {chars[i : i + SHINGLE].encode() for i in range(max(0, len(chars) - SHINGLE + 1))}
    words = _WORDS.findall(folded)
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(max(0, len(words) - SHINGLE + 1))}


def fingerprint(text: str) -> Fingerprint | None:
    """MinHash fingerprint, or None when the text is too short to compare."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    sig = minhash(grams)
    keys = tuple(
        int.from_bytes(hashlib.blake2b(sig[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).digest(), "little", signed=True)
        for b in range(BANDS)
    )
    return Fingerprint(sig.astype("<u4").tobytes(), keys)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two stored signatures."""
    return float(np.mean(np.frombuffer(a, dtype="<u4") == np.frombuffer(b, dtype="<u4")))
