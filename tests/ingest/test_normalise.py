"""Text normalisation and decoding."""

from __future__ import annotations

import pytest

from newsweave.core.errors import InputError
from newsweave.ingest.dedup import content_hash, fingerprint, similarity
from newsweave.ingest.normalise import decode, normalise


def test_nfc_spaces_controls_and_paragraphs() -> None:
    raw = "Cafe\u0301  con\u00a0latte\r\n\r\n\r\n\r\nSecondo\x07 paragrafo\u200b.\u2028Terzo."
    assert normalise(raw) == "Café con latte\n\nSecondo paragrafo.\nTerzo."


def test_hard_wrapped_text_is_unwrapped() -> None:
    para = ("This line was wrapped by an old mail client at a fixed width and it\n"
            "continues on the next line without any punctuation at the end so\n"
            "the reader sees one paragraph rather than three separate ones here\n")
    text = normalise(para + "\n" + para)
    assert text.count("\n") == 2 and "it continues" in text


def test_decode_rejects_binary_and_reads_utf16() -> None:
    with pytest.raises(InputError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.png")
    assert decode("Μόσχα".encode("utf-16"), "x.txt") == "Μόσχα"
    for wide in ("utf-16-le", "utf-16-be"):  # no byte-order mark: the NUL of every other byte tells
        assert decode("Kim left Moscow, Μόσχα, on Sunday.".encode(wide), "x.txt") == "Kim left Moscow, Μόσχα, on Sunday."
    with pytest.raises(InputError, match="binary"):
        decode(b"\x00\x01" * 64 + bytes(range(256)), "x.bin")


def test_hash_and_minhash() -> None:
    a = "Kim Jong Un left Russia on Sunday aboard his armoured train, Russian news agencies reported. " * 3
    assert content_hash(a) == content_hash(a.upper().replace(" ", "  "))
    b = a.replace("Sunday", "Monday", 1)
    fa, fb = fingerprint(a), fingerprint(b)
    assert fa is not None and fb is not None
    assert similarity(fa.signature, fb.signature) > 0.7
    assert fingerprint("too short to compare") is None


def test_minhash_signatures_equal_datasketch_ones() -> None:
    """Stores hold signatures datasketch 2.0 made: the chunked MinHash must give the same values."""
    import zlib

    from datasketch import MinHash

    from conftest import SEEDS
    from newsweave.ingest.dedup import NUM_PERM, minhash, shingles

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    # CJK text takes character 5-grams; 10,000 distinct ones span several chunks
    texts.append("".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(10_000)))
    for text in texts:
        grams = shingles(text)
        assert len(grams) > 8
        reference = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32)
        reference.update_batch(list(grams))
        assert minhash(grams).tolist() == reference.hashvalues.tolist()


def test_near_duplicates_are_judged_on_the_analysed_prefix() -> None:
    from newsweave.core.config import ANALYSE_CHARS

    page = " ".join(f"word{i}" for i in range(ANALYSE_CHARS // 5))
    assert fingerprint(page + " a different tail " * 1000) == fingerprint(page)
