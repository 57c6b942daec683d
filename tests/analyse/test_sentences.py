"""Sentence splitting: all five seeds and the rules that matter per language."""

from __future__ import annotations

import pytest

from conftest import SEEDS
from newsweave.analyse.sentences import split_sentences
from newsweave.analyse.text import analyse_text


def _split(text: str, lang: str | None) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text, lang)]


def _seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


# Counted by hand on the seeds: every paragraph break ends a sentence, titles
# without a full stop included.
@pytest.mark.parametrize("prefix,lang,count", [("000", "it", 13), ("001", "el", 15), ("002", "it", 19),
                                                ("003", "en", 26), ("004", "it", 33)])
def test_seed_sentence_counts(prefix: str, lang: str, count: int) -> None:
    text = _seed(prefix)
    analysed = analyse_text(text)
    assert analysed.lang == lang
    sentences = [text[s.start : s.end] for s in analysed.sentences]
    assert len(sentences) == count
    for s in sentences:
        assert s == s.strip() and s
        assert "\n" not in s
        assert any(ch.isalnum() for ch in s)


def test_seed_boundaries() -> None:
    en = [s for s in (_seed("003")[sp.start : sp.end] for sp in analyse_text(_seed("003")).sentences)]
    assert any(s.startswith("Mr. Kim, who is making his first foreign trip") for s in en)
    assert not any(s.endswith("Mr.") for s in en)
    el = [_seed("001")[sp.start : sp.end] for sp in analyse_text(_seed("001")).sentences]
    assert "Το Κρεμλίνο απέρριψε τις αμερικανικές προειδοποιήσεις." in el
    # the closing guillemet stays with its sentence
    assert "«Στα συμφέροντα των δυο χωρών μας θα επικεντρωθούμε λοιπόν»." in el
    it = [_seed("004")[sp.start : sp.end] for sp in analyse_text(_seed("004")).sentences]
    assert "16.08.2023 20:24" in it and "Red. Online" in it


def test_greek_semicolon_is_a_question_mark() -> None:
    text = "Τι θα κάνει η Ρωσία; Κανείς δεν ξέρει. Ο κ. Παπαδόπουλος μίλησε."
    assert _split(text, "el") == ["Τι θα κάνει η Ρωσία;", "Κανείς δεν ξέρει.", "Ο κ. Παπαδόπουλος μίλησε."]
    assert len(_split("Primo punto; secondo punto.", "it")) == 1


def test_abbreviations_initials_and_numbers() -> None:
    assert _split("Il Sig. Rossi e il Dott. Bianchi sono arrivati. Poi è partito.", "it") == [
        "Il Sig. Rossi e il Dott. Bianchi sono arrivati.", "Poi è partito."]
    assert len(_split("J. R. R. Tolkien wrote it in the U.S. in 1937. Then he left.", "en")) == 2
    assert len(_split("The cost was 3.5 billion dollars. It rose.", "en")) == 2
    assert _split("He said \u201cwe will win.\u201d Then he left!", "en") == ["He said \u201cwe will win.\u201d", "Then he left!"]


def test_scripts_without_spaces_and_other_marks() -> None:
    assert _split("金正恩抵达俄罗斯。他会见了普京！会谈持续了四个小时。", "zh") == [
        "金正恩抵达俄罗斯。", "他会见了普京！", "会谈持续了四个小时。"]
    assert len(_split("किम रूस पहुंचे। उन्होंने पुतिन से मुलाकात की।", "hi")) == 2
    assert len(_split("وصل كيم إلى روسيا؟ نعم وصل.", "ar")) == 2
    assert len(_split("Ким прибыл в Россию. Он встретился с Путиным, т.е. с президентом.", "ru")) == 2


def test_a_run_of_marks_and_closing_quotes_ends_once_after_the_last() -> None:
    from newsweave.analyse.sentences import _candidate_ends

    text = "Davvero?!» disse. «No…» (Sì.) Fine"
    ends = [text.index("»") + 1, text.index("disse.") + 6, text.index("…»") + 2, text.index("Sì.)") + 4]
    assert _candidate_ends(text, "it") == ends
    assert _candidate_ends("Τι; Ναι", "el") == [3] and _candidate_ends("Τι; Ναι", "it") == []
