"""Accent and case folding, and the word forms, shared by the index, the queries and the passages."""

from __future__ import annotations

import re
import unicodedata

from newsweave.core.marks import strip_marks

# Scripts written without spaces between words (Han, Kana), and Hangul, whose words carry their particles
# (강진이, "the earthquake" + subject marker): both tokenizers would take a whole run as one word.
_UNSPACED_RUN = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
                           r"\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]{2,}")


_TOKEN = re.compile(r"[^\W_]+")


def fold(s: str) -> str:
    """Lowercase without diacritics (Greek tonos, Latin accents), as SQLite's ``remove_diacritics 2`` folds.

    ``str.lower`` rather than ``casefold``: the FTS5 tokenizer keeps a final ς
    and ß as they are, and the query must fold as the index did.
    """
    return unicodedata.normalize("NFC", strip_marks(s.lower(), "NFKD"))


def index_form(s: str) -> str:
    """``fold(s)`` with every run of Chinese, Japanese or Korean letters written as its overlapping
    character pairs ("土耳其总统" -> "土耳 耳其 其总 总统"), as CJK search engines index them: the
    tokenizers of FTS5 and PostgreSQL would keep the run as one word, so "地震" (earthquake) would
    never match a sentence that goes on around it, nor "강진" the 강진이 of the text."""
    return _UNSPACED_RUN.sub(lambda m: f" {_pairs(m.group())} ", fold(s))


def word_form(word: str) -> str:
    """One folded word as the index holds it: itself, or its character pairs in order (a phrase)."""
    return " ".join(_TOKEN.findall(index_form(word)))


def is_unspaced(word: str) -> bool:
    """Whether the word is (or holds) Chinese, Japanese or Korean: two characters there are a content word."""
    return _UNSPACED_RUN.search(word) is not None


def _pairs(run: str) -> str:
    return " ".join(run[i : i + 2] for i in range(len(run) - 1))
