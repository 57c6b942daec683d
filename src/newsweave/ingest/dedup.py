"""Exact and near-duplicate detection.

Shingles are hashed with CRC-32 (C speed; MinHash's own random permutations
supply the mixing), not datasketch's default SHA-1, which was the slowest
part of ingest. Exact: a SHA-256 of the text with case and whitespace folded. Near: MinHash
over word 5-shingles (character 5-grams for scripts without spaces),
banded for locality-sensitive hashing. Band keys live in the store, so the
candidate lookup is an indexed query, never a scan, and survives restarts.
"""

from __future__ import annotations

import hashlib
import re
import zlib
import numpy as np

from newsweave.core.records import Fingerprint

NUM_PERM = 128
BANDS = 16  # 16 bands x 8 rows: pairs above ~0.7 Jaccard become candidates
ROWS = NUM_PERM // BANDS
SHINGLE = 5
_SEED = 1
_WORDS = re.compile(r"\w+", re.UNICODE)
_NO_SPACE = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
MIN_SHINGLES = 8  # too short to call anything a near-duplicate


def content_hash(text: str) -> str:
    """Stable hash of the content, insensitive to case and whitespace."""
    folded = " ".join(text.casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def shingles(text: str) -> set[bytes]:
    """Word 5-shingles, or character 5-grams for text written without spaces."""
    folded = text.casefold()
    if len(_NO_SPACE.findall(folded[:2000])) > 200:
        chars = "".join(folded.split())
        return {chars[i : i + SHINGLE].encode() for i in range(max(0, len(chars) - SHINGLE + 1))}
    words = _WORDS.findall(folded)
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(max(0, len(words) - SHINGLE + 1))}


def fingerprint(text: str) -> Fingerprint | None:
    """MinHash fingerprint, or None when the text is too short to compare."""
    from datasketch import MinHash  # lazy: scipy import is slow

    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    mh = MinHash(num_perm=NUM_PERM, seed=_SEED, hashfunc=zlib.crc32)
    mh.update_batch(list(grams))
    sig = mh.hashvalues.astype(np.uint32)
    keys = tuple(
        int.from_bytes(hashlib.blake2b(sig[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).digest(), "little", signed=True)
        for b in range(BANDS)
    )
    return Fingerprint(sig.astype("<u4").tobytes(), keys)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two stored signatures."""
    return float(np.mean(np.frombuffer(a, dtype="<u4") == np.frombuffer(b, dtype="<u4")))
