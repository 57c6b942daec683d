"""Who a mention or a capitalised span names: person, organisation, and its canonical entity.

A surname alone ("Πεσκόφ", "Kim", "Mr. Kim") resolves to the entity of a
full-name mention in the same article, so quotes group under one entity even
when the linker left the short form local to the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from newsweave.analyse.quotes.lexicon import HONORIFICS, ORG_WORDS, TIME_WORDS, TITLES
from newsweave.analyse.quotes.model import SpeakerMention
from newsweave.core.marks import strip_marks
from newsweave.link.model import is_article_local

_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*")


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker: surface ``text`` at ``start:end`` and what it names.

    ``strong`` is False for a lone single-word "person" nothing else confirms
    (often a tagging error such as a genitive place name); such speakers rank
    below organisations.
    """

    text: str
    start: int
    end: int
    entity: str | None
    name: str | None
    kind: Literal["person", "organisation"]
    strong: bool = True


@lru_cache(maxsize=1 << 16)  # a few thousand distinct words per article, compared millions of times
def fold(word: str) -> str:
    """Lowercase without accents, so "Πεσκόφ" matches "ΠΕΣΚΟΦ" and "Peskov" matches "peskov"."""
    return strip_marks(word.lower()).strip(".'’")


def name_tokens(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """Capitalised-or-not word tokens of ``text`` without honorifics, as (start, end, word)."""
    return [(offset + m.start(), offset + m.end(), m.group().rstrip("."))
            for m in _TOKEN.finditer(text) if m.group().lower() not in HONORIFICS]


def same_token(a: str, b: str) -> bool:
    """Equal after folding, or one an inflected form of the other ("Пескова" / "Песков")."""
    fa, fb = fold(a), fold(b)
    if fa == fb:
        return True
    short, long_ = sorted((fa, fb), key=len)
    return len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 2


def _initials(text: str) -> str:
    return "".join(w[0] for w in text.split() if w[:1].isupper())


def _is_linked(m: SpeakerMention) -> bool:
    """Linked beyond the article."""
    return bool(m.entity_id) and not is_article_local(m.entity_id or "")


class NameResolver:
    """Resolves mentions and capitalised spans of one article to speakers."""

    def __init__(self, text: str, mentions: list[SpeakerMention]) -> None:
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.full_names = [m for m in self.mentions if m.type == "PER" and self._full(m)]
        self.orgs = [m for m in self.mentions if m.type == "ORG"]
        # each full name with the words it may be shortened to and its surface's last word, once per article
        self._short_forms = [(m, self._name_keys(m), name_tokens(m.text)[-1][2]) for m in self.full_names]

    @staticmethod
    def _full(m: SpeakerMention) -> bool:
        """A full-name mention: two name words or more, and linked when the linker knows it."""
        return len(name_tokens(m.text)) >= 2 and (m.entity_id is None or _is_linked(m))

    @staticmethod
    def _name_keys(full: SpeakerMention) -> list[str]:
        """Words a short form of ``full`` may be: its surface's last word (and first, for short
        names: "Kim" of "Kim Jong Un"), and the first and last words of its canonical name."""
        words = [w for _, _, w in name_tokens(full.text) if w.lower() not in TITLES]
        keys = words[-1:] + (words[:1] if len(words) <= 3 else [])
        canon = name_tokens(full.name or "")
        return keys + [w for _, _, w in canon[:1] + canon[-1:]]

    def full_form(self, word: str, pos: int, surname_only: bool = False) -> SpeakerMention | None:
        """The full-name mention ``word`` is short for: the nearest before ``pos``, else the first after.
        ``surname_only`` matches only the last word of the surface ("Warren" of "Michelle Warren")."""
        matches = [m for m, keys, last in self._short_forms
                   if any(same_token(word, k) for k in ([last] if surname_only else keys))]
        before = [m for m in matches if m.start < pos]
        return before[-1] if before else (matches[0] if matches else None)

    def _as_org(self, m: SpeakerMention) -> SpeakerMention | None:
        """An ORG this PER-tagged word really is: an acronym ("Kcna" for "Korean Central News
        Agency") or the same word tagged ORG elsewhere in the article."""
        word = m.text.strip()
        for org in self.orgs:
            if fold(org.text) == fold(word) or (len(word) >= 2 and _initials(org.text) == word.upper()):
                return org
        return m if len(word) >= 2 and word.isupper() else None

    def from_mention(self, m: SpeakerMention) -> Speaker | None:
        """The speaker a mention names; None for MISC and other non-speaking types."""
        if not [w for _, _, w in name_tokens(m.text) if fold(w) not in TIME_WORDS]:
            return None  # "Thursday" tagged as a name
        if m.type in ("ORG", "LOC") and len(name_tokens(m.text)) == 1:
            full = self.full_form(m.text, m.start, surname_only=True)
            if full is not None:  # "Warren" tagged a place where "Michelle Warren" is a person
                return Speaker(m.text, m.start, m.end, full.entity_id, full.name or full.text, "person")
        if m.type in ("ORG", "LOC"):
            # A place that speaks is its government ("Moscow said").
            return Speaker(m.text, m.start, m.end, m.entity_id, m.name or m.text, "organisation")
        if m.type != "PER":
            return None
        org = None if _is_linked(m) else self._as_org(m)
        if org is None and fold(name_tokens(m.text)[-1][2]) in ORG_WORDS:
            org = m  # "Angeles Superior Court" tagged as a person ("Police Sgt X" stays one)
        if org is not None:
            return Speaker(m.text, m.start, m.end, org.entity_id or m.entity_id, org.name or org.text, "organisation")
        if _is_linked(m):
            return Speaker(m.text, m.start, m.end, m.entity_id, m.name or m.text, "person")
        return self._person(m.text, m.start, m.entity_id, m.name)

    def _person(self, text: str, start: int, entity: str | None, name: str | None) -> Speaker:
        """A person named by ``text``. A short form ("Kim", "Mr. Kim", "President Putin") or a
        span with stray words ("Putin on Russian") takes the full-name entity its first matching
        word is short for; a full name ("Sergei Lavrov") stays itself, so a shared first name
        never merges two people. Without a match it is strong only with two name words."""
        tokens = [t for t in name_tokens(text, start) if t[2].lower() not in TITLES]
        names = [t for t in tokens if t[2][:1].isupper()]
        if len(names) == 1 or len(names) < len(tokens):
            for t_start, t_end, word in names:
                full = self.full_form(word, start)
                if full is not None and full.start != start:
                    s, e = (start, start + len(text)) if len(tokens) == 1 else (t_start, t_end)
                    return Speaker(self.text[s:e], s, e, full.entity_id, full.name or full.text, "person")
        return Speaker(text, start, start + len(text), entity, name or text, "person", len(names) >= 2)

    def from_span(self, start: int, end: int) -> Speaker:
        """The speaker a capitalised span the recogniser missed names (the fallback)."""
        text = self.text[start:end]
        for m in self.mentions:
            if fold(m.text) == fold(text):
                found = self.from_mention(SpeakerMention(start, end, text, m.type, m.entity_id, m.name))
                if found is not None:
                    return found
        org = self._as_org(SpeakerMention(start, end, text, "PER"))
        if org is not None:
            return Speaker(text, start, end, org.entity_id, org.name or org.text, "organisation")
        before = self.text[max(0, start - 30) : start].lower().split()[-2:]
        if any(fold(w) in ORG_WORDS for w in text.split() + before):
            return Speaker(text, start, end, None, text, "organisation")
        return self._person(text, start, None, None)
