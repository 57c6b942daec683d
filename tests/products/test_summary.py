"""Extractive cross-lingual summaries: seed events through the real pipeline pieces, and the rules."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from summary_seeds import CachingEncoder, build_seed_articles

from conftest import SEEDS, SEEDS_META, apertium_it_en
from newsweave.analyse.encoder import get_encoder
from newsweave.products.summary import REDUNDANT, SourceArticle, Summary, fingerprint, summarise
from newsweave.products.summary.candidates import extract
from newsweave.products.summary.render import render_name
from newsweave.products.summary.select import centre, similarities

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seed corpus not available")
KIM_VISIT = ["000", "001", "003"]
_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")


@pytest.fixture(scope="module")
def seeds() -> dict[str, SourceArticle]:
    return build_seed_articles(SEEDS, SEEDS_META)


@pytest.fixture(scope="module")
def encoder() -> CachingEncoder:
    return CachingEncoder(get_encoder())


@pytest.fixture(scope="module")
def kim_visit(seeds: dict[str, SourceArticle], encoder: CachingEncoder) -> Summary:
    return summarise([seeds[k] for k in KIM_VISIT], "en", encoder=encoder)


@needs_seeds
def test_seed_event_in_english_cites_prefers_english_and_covers_who_where(kim_visit: Summary) -> None:
    sents = kim_visit.sentences
    assert 3 <= len(sents) <= 5
    for s in sents:
        assert s.citations and set(s.citations) <= set(KIM_VISIT)
        assert len(set(s.citations)) == len(s.citations)
    assert sents[0].lang == "en"  # 003 is English: it leads, and English dominates
    assert sum(s.lang == "en" for s in sents) >= 2
    assert all(s.text == s.source_text and not s.translated for s in sents if s.lang == "en")
    text = " ".join(s.text for s in sents)
    assert "Kim" in text and ("Vladivostok" in text or "Russia" in text)
    assert len({c for s in sents for c in s.citations}) >= 2  # more than one report behind it


@needs_seeds
def test_seed_event_sentences_are_mutually_non_redundant(
        kim_visit: Summary, seeds: dict[str, SourceArticle], encoder: CachingEncoder) -> None:
    cands = extract([seeds[k] for k in KIM_VISIT])
    sims = similarities(centre(encoder.encode_passages([c.text for c in cands]), [c.lang for c in cands]), cands)
    index = {c.text: i for i, c in enumerate(cands)}
    chosen = [index[s.source_text] for s in kim_visit.sentences]
    pairs = [(a, b) for n, a in enumerate(chosen) for b in chosen[n + 1:]]
    assert max(sims[a, b] for a, b in pairs) < REDUNDANT


@needs_seeds
def test_seed_event_non_english_sentences_show_canonical_names(kim_visit: Summary) -> None:
    for s in kim_visit.sentences:
        if s.lang != "en":
            assert not s.translated and s.source_text != s.text
            assert not re.search(r"Κιμ|Πούτιν|Ρωσ", s.text)


@needs_seeds
def test_summary_records_what_made_it(kim_visit: Summary, seeds: dict[str, SourceArticle]) -> None:
    data = json.loads(json.dumps(kim_visit.as_dict()))
    assert data["method"] == "extractive-mmr@4" and data["translator"] == "none"
    assert data["encoder"] == get_encoder().name and data["lang"] == "en"
    assert set(data["sentences"][0]) >= {"text", "lang", "citations"}
    arts = [seeds[k] for k in KIM_VISIT]
    assert fingerprint(arts, "en", data["encoder"]) == fingerprint(arts[::-1], "en", data["encoder"])
    assert fingerprint(arts, "en", data["encoder"]) != fingerprint(arts[:2], "en", data["encoder"])


@needs_seeds
def test_greek_only_event_still_summarised_for_english_reader(
        seeds: dict[str, SourceArticle], encoder: CachingEncoder) -> None:
    summary = summarise([seeds["001"]], "en", encoder=encoder)
    assert summary.sentences
    for s in summary.sentences:
        assert s.lang == "el" and not s.translated and s.citations == ["001"]
        assert _GREEK.search(s.source_text) and s.text != s.source_text
        assert "Κιμ" not in s.text
    text = " ".join(s.text for s in summary.sentences)
    assert "Kim" in text  # "Κιμ Γιονγκ Ουν" / "Κιμ" rendered in Latin script
    assert "Kim Jong-un" in summary.sentences[0].text or "Putin" in text


@needs_seeds
def test_italian_event_for_italian_reader(seeds: dict[str, SourceArticle], encoder: CachingEncoder) -> None:
    summary = summarise([seeds["002"]], "it", encoder=encoder)
    assert 1 <= len(summary.sentences) <= 5
    for s in summary.sentences:
        assert s.lang == "it" and s.text == s.source_text and s.citations == ["002"]
    assert any("Belousov" in s.text for s in summary.sentences)


@needs_seeds
@pytest.mark.skipif(not apertium_it_en(), reason="apertium with ita-spa and spa-eng is not installed")
def test_italian_event_translated_by_apertium_keeps_names(
        seeds: dict[str, SourceArticle], encoder: CachingEncoder) -> None:
    from newsweave.translate import get_translator

    summary = summarise([seeds["000"]], "en", encoder=encoder, translator=get_translator("apertium"))
    assert summary.translator.startswith("apertium") and summary.sentences
    assert all(s.translated and s.lang == "it" for s in summary.sentences)
    text = " ".join(s.text for s in summary.sentences)
    assert "Kim Jong Un" in text and "Kim Jong A" not in text and "ZZNAME" not in text


# --- rules on a small synthetic event (hand-made vectors, no model) ------------------------------

class TableEncoder:
    """An encoder whose vectors are looked up by the first word of the text."""

    name, dim = "table@1", 4
    TABLE = {"Leaders": [1, 0.1, 0, 0], "Capi": [1, 0.12, 0, 0], "Markets": [0, 0, 1, 0.2],
             "Weather": [0, 1, 0, 0], "Mercati": [0, 0.1, 1, 0.1]}

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        rows = np.array([self.TABLE[t.split()[0]] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _article(aid: str, lang: str, sentences: list[str],
             mentions: tuple[tuple[str, str, str, str], ...] = ()) -> SourceArticle:
    text = " ".join(sentences)
    spans, at = [], 0
    for s in sentences:
        spans.append((at, at + len(s)))
        at += len(s) + 1
    found = [(text.index(surface), text.index(surface) + len(surface), eid, name, typ)
             for surface, eid, name, typ in mentions]
    return SourceArticle(aid, lang, "2024-01-02", None, text, spans, found, [])


def test_near_identical_sentences_merge_citations_and_reader_language_wins() -> None:
    en = _article("a", "en", ["Leaders of ten countries met in Rome on Tuesday to talk about trade.",
                              "Weather was fine all day long for everyone in the city."])
    it = _article("b", "it", ["Capi di dieci paesi si sono incontrati martedì per parlare di commercio.",
                              "Mercati in rialzo dopo il vertice di Roma tra i dieci paesi europei."],
                  (("Roma", "LOC:rome", "Rome", "LOC"),))
    summary = summarise([it, en], "en", encoder=TableEncoder(), max_sentences=5)
    first = summary.sentences[0]
    assert first.lang == "en" and first.citations == ["a", "b"]  # the Italian twin is cited, not repeated
    texts = [s.text for s in summary.sentences]
    assert not any(t.startswith("Capi") for t in texts)
    italian = [s for s in summary.sentences if s.lang == "it"]
    assert italian and "Rome" in italian[0].text and "Roma" not in italian[0].text


def test_a_storyline_cites_a_sentence_only_to_reports_of_its_own_event() -> None:
    # the same pair as above, but filed under two events of one storyline: the Italian sentence reads alike
    # (a later event's report recalling the first, as the seeds' 2024 visit does the 2023 one), so it is not
    # cited for what its own event's reports did not say, and it stays a candidate of its own
    en = _article("a", "en", ["Leaders of ten countries met in Rome on Tuesday to talk about trade."])
    it = _article("b", "it", ["Capi di dieci paesi si sono incontrati martedì per parlare di commercio."])
    en.event, it.event = "ev-1", "ev-2"
    summary = summarise([it, en], "en", encoder=TableEncoder(), max_sentences=5)
    assert [s.citations for s in summary.sentences] == [["a"], ["b"]]
    it.event = "ev-1"
    assert [s.citations for s in summarise([it, en], "en", encoder=TableEncoder()).sentences] == [["a", "b"]]


def test_a_report_is_not_cited_for_a_day_it_could_not_know() -> None:
    # the same near-twins; the English sentence's Tuesday is 9 January 2024, the Italian report was
    # published on the 2nd (it announced the talks) or names another day: it supports nothing of that day
    en = _article("a", "en", ["Leaders of ten countries met in Rome on Tuesday to talk about trade."])
    on = en.text.index("Tuesday")
    en.time_exprs = [(on, on + len("Tuesday"), "2024-01-09")]
    it = _article("b", "it", ["Capi di dieci paesi si sono incontrati martedì per parlare di commercio."])
    assert summarise([it, en], "en", encoder=TableEncoder()).sentences[0].citations == ["a"]
    it.published = "2024-01-10"
    assert summarise([it, en], "en", encoder=TableEncoder()).sentences[0].citations == ["a", "b"]
    at = it.text.index("martedì")
    it.time_exprs = [(at, at + len("martedì"), "2024-01-02")]
    assert summarise([it, en], "en", encoder=TableEncoder()).sentences[0].citations == ["a"]


class FakeTranslator:
    """Upper-cases text, optionally dropping name placeholders the way a careless system might."""

    def __init__(self, keep_placeholders: bool = True) -> None:
        self.name, self.keep, self.calls = "fake@1", keep_placeholders, []

    def translate(self, texts: list[str], src: str, dst: str) -> list[str] | None:
        self.calls.append(list(texts))
        if src != "it":
            return None
        out = [f"EN: {t}" for t in texts]
        return out if self.keep else [re.sub(r"ZZNAME\d+", "someone", t) for t in out]


@pytest.mark.parametrize("keep", [True, False])
def test_translator_output_used_with_names_protected(keep: bool) -> None:
    it = _article("b", "it", ["Mercati in rialzo dopo il vertice di Roma tra i dieci paesi europei."],
                  (("Roma", "LOC:rome", "Rome", "LOC"),))
    translator = FakeTranslator(keep)
    summary = summarise([it], "en", encoder=TableEncoder(), translator=translator)
    (s,) = summary.sentences
    assert s.translated and s.lang == "it" and summary.translator == "fake@1"
    assert s.text.startswith("EN: Mercati") and "Rome" in s.text and "someone" not in s.text
    assert ("ZZNAME0" in translator.calls[0][0]) is True
    assert len(translator.calls) == (1 if keep else 2)  # a lost placeholder: translated again unprotected


def test_translator_without_the_pair_falls_back_to_rendering() -> None:
    el = _article("c", "el", ["Markets rose in Αθήνα after the summit of ten countries on Tuesday."],
                  (("Αθήνα", "LOC:athens", "Athens", "LOC"),))
    (s,) = summarise([el], "en", encoder=TableEncoder(), translator=FakeTranslator()).sentences
    assert not s.translated and "Athens" in s.text and "Αθήνα" in s.source_text


def test_names_rendered_short_when_part_of_the_canonical_name() -> None:
    assert render_name("Πούτιν", "Vladimir Putin", "en") == "Putin"
    assert render_name("Κιμ Γιονγκ Ουν", "Kim Jong-un", "en") == "Kim Jong-un"
    assert render_name("Mosca", "Moscow", "en") == "Moscow"
    assert render_name("Khasan", "Hassan", "en", context="στο σταθμό Khasan") == "Khasan"


def test_a_name_no_nearer_the_readers_script_is_kept_as_written() -> None:
    # a Greek reader of an Italian sentence: the English canonical name helps no more than the Italian one
    assert render_name("Corea del Nord", "North Korea", "el", context="è arrivata in Corea del Nord") == "Corea del Nord"
    assert render_name("Mosca", "Moscow", "ru") == "Mosca"
    assert render_name("Κιμ Γιονγκ Ουν", "Kim Jong-un", "ru") == "Kim Jong-un"  # Greek script: the Latin name reads


def test_words_made_from_a_name_are_not_replaced_by_it() -> None:
    # the linker ties adjectives to their country: "advanced Russian weapons" must not read "Russia weapons"
    assert render_name("Russian", "Russia", "it") == "Russian"
    assert render_name("Chinese", "China", "it") == "Chinese"
    assert render_name("nordcoreano", "North Korea", "en") == "nordcoreano"  # lower case: not a name
    assert render_name("Roma", "Rome", "en") == "Rome" and render_name("Germania", "Germany", "en") == "Germany"
    for word, name in (("German", "Germany"), ("British", "United Kingdom"), ("North Korean", "North Korea"),
                       ("Russians'", "Russia"), ("Russian-made", "Russia")):
        assert render_name(word, name, "it") == word
    assert render_name("ρωσικά", "Russia", "en") == "Russia"  # another script: the name stands in


def test_no_candidates_gives_an_empty_summary() -> None:
    empty = SourceArticle("x", "en", None, None, "", [], [], [])
    summary = summarise([empty], "en", encoder=TableEncoder())
    assert summary.sentences == [] and summary.as_dict()["sentences"] == []
