"""Place names in caseless scripts (``places.py``), found in the real gazetteer and linked across scripts."""

from __future__ import annotations

import pytest

from newsweave.analyse.entities import get_recogniser
from newsweave.analyse.entities.places import PlaceSpotter, WithPlaces
from newsweave.link.linker import link_mentions
from newsweave.link.model import Mention


@pytest.fixture(scope="module")
def spotter() -> PlaceSpotter:
    return PlaceSpotter()


def _texts(spotter: PlaceSpotter, text: str) -> list[str]:
    spans = spotter.spans(text)
    for s in spans:
        assert text[s.start : s.end] == s.text and s.type == "LOC"
    return [s.text for s in spans]


def test_spaced_scripts_match_whole_words(spotter) -> None:
    # Persian: a two-word country name, a city, punctuation trimmed off the span
    assert _texts(spotter, "زمین‌لرزه‌ای در کشور پاپوآ گینه نو و در پیشاور پاکستان.") == \
        ["پاپوآ گینه نو", "پیشاور", "پاکستان"]
    assert _texts(spotter, "في إطار تحقيقها في أوكرانيا، أصدرت المحكمة") == ["أوكرانيا"]


def test_unspaced_scripts_match_inside_runs(spotter) -> None:
    assert _texts(spotter, "聯合國大會緊急特別會議通過決議譴責俄羅斯吞併烏克蘭部分領土") == ["聯合國", "俄羅斯", "烏克蘭"]
    assert _texts(spotter, "극우 단체의 쿠데타 모의 혐의로 독일에서 25명이 체포되었다.") == ["독일"]


def test_short_city_names_and_vowel_sign_scripts_are_not_trusted(spotter) -> None:
    # 马尔 (Marl) inside a transliterated name, Arabic له "to him" (Leh), the "world" region
    assert _texts(spotter, "现任总统卡西姆若马尔特·托卡耶夫当选连任") == []
    assert _texts(spotter, "يصل إلى أقرب مسافة له إلى الأرض") == []
    assert _texts(spotter, "赢得全球总决赛世界冠军") == []
    assert _texts(spotter, "போர நிறுத்தம்") == []  # Tamil: folded keys lose the vowel signs (would read Peru)
    assert _texts(spotter, "पेरुमाल र स") == []  # nor do one-letter words (Nepali र "and")


def test_names_of_people_are_not_places(spotter) -> None:
    # Chinese: 弗拉基米尔 (Vladimir, a city) before the dot of a foreign person's name; the
    # separator never joins a span; a country beside the dot stays a place
    assert _texts(spotter, "金正恩与弗拉基米尔·普京在俄罗斯会面") == ["俄罗斯"]
    assert _texts(spotter, "乔治·华盛顿访问华盛顿") == ["华盛顿"]
    # Katakana: a place must be the whole word (マリ, Mali, inside マリア, Maria); the dot separates
    assert _texts(spotter, "マリア・ザハロワ報道官") == []
    assert _texts(spotter, "マリ共和国とロシア・ウクライナ戦争") == ["マリ", "ロシア", "ウクライナ"]


def test_an_ocean_or_sea_named_after_a_country_is_not_the_country(spotter) -> None:
    # ITN's Cyclone Freddy blurb: 인도양 (the Indian Ocean) joined its storyline to the Morbi bridge's India
    assert _texts(spotter, "사이클론 프레디가 인도양을 건너 모잠비크에 상륙했다") == ["모잠비크"]
    assert _texts(spotter, "印度洋的气旋") == [] and _texts(spotter, "日本海で") == []
    assert _texts(spotter, "인도에서 지진") == ["인도"]
    # navy, customs, at sea: the country all the same
    assert _texts(spotter, "中国海军") == ["中国"] and _texts(spotter, "俄罗斯海关") == ["俄罗斯"]
    assert _texts(spotter, "日本海上自卫队") == ["日本"]


def test_vowel_sign_scripts_get_their_own_country_names(spotter) -> None:
    # Thai does not space words: matched anywhere; Tamil does: whole words only
    assert _texts(spotter, "ฟินแลนด์เข้าร่วมองค์การสนธิสัญญาป้องกันแอตแลนติกเหนือ") == ["ฟินแลนด์"]
    assert _texts(spotter, "சிரியா மற்றும் இந்தியா நிலநடுக்கம்") == ["சிரியா", "இந்தியா"]
    assert _texts(spotter, "பெருமளவில் சேதம்") == []  # பெரு (Peru) only as the start of "large scale"


def test_default_recogniser_adds_places_only_for_caseless_text() -> None:
    crf = get_recogniser("crf-it-el@2")
    both = WithPlaces(crf)
    assert both.name == "crf-it-el@2+places@4"
    assert get_recogniser().name.endswith("+places@4")
    italian = "Kim Jong Un ha lasciato Mosca."
    assert both.recognise(italian, "it") == crf.recognise(italian, "it")
    assert crf.recognise("俄羅斯吞併烏克蘭", "zh") == []
    assert [s.text for s in both.recognise("俄羅斯吞併烏克蘭", "zh")] == ["俄羅斯", "烏克蘭"]


def test_places_link_to_the_same_entity_across_scripts() -> None:
    rec = get_recogniser()
    docs = [("fa", "بر اثر حادثه ازدحام هالووین در کره جنوبی، دست‌کم ۱۵۵ نفر کشته شدند."),
            ("zh", "韩国首爾特別市梨泰院的萬聖節慶祝活動發生踩踏事故"),
            ("ko", "10월 29일, 대한민국 서울 이태원에서 압사 사고가 발생했다.")]
    mentions = [Mention(f"a{i}", s.text, s.type, lang, s.start, s.end)
                for i, (lang, text) in enumerate(docs) for s in rec.recognise(text, lang)]
    korea = [e for e in link_mentions(mentions) if e.id == "LOC:south-korea"]
    assert korea and sorted(korea[0].languages) == ["fa", "ko", "zh"]


def test_cyrillic_names_are_found_and_countries_typed_as_places() -> None:
    crf = get_recogniser("crf-it-el@2")
    text = "Международный уголовный суд выдал ордер на арест президента Владимира Путина."
    assert [(s.text, s.type) for s in crf.recognise(text, "ru")] == [("Владимира Путина", "PER")]
    rec = get_recogniser()
    war = "Впервые в современной истории России объявлена мобилизация после поражений на войне с Украиной."
    assert [(s.text, s.type) for s in rec.recognise(war, "ru")] == [("России", "LOC"), ("Украиной", "LOC")]
    mentions = [Mention("ru", s.text, s.type, "ru", s.start, s.end) for s in rec.recognise(war, "ru")]
    mentions += [Mention("en", "Russia", "LOC", "en", 0, 6)]
    russia = [e for e in link_mentions(mentions) if e.id == "LOC:russia"]
    assert russia and sorted(russia[0].languages) == ["en", "ru"]
    met = "Путин встретился с Францией и Германией, а также с Россией."  # the instrumental case
    assert [(s.text, s.type) for s in rec.recognise(met, "ru")] == [
        ("Путин", "PER"), ("Францией", "LOC"), ("Германией", "LOC"), ("Россией", "LOC")]
