"""The translation slot: the default translates nothing; Apertium is used only where installed."""

from __future__ import annotations

import pytest

from conftest import apertium_it_en
from newsweave.translate import Translator, available, get_translator, register
from newsweave.translate.apertium import ApertiumTranslator

IT = ["Il Cremlino ha dichiarato che nessun accordo è stato firmato.", "Domenica Kim ha incontrato gli studenti."]


def test_default_translator_translates_nothing() -> None:
    t = get_translator()
    assert isinstance(t, Translator) and t.name == "none" and get_translator("none") is t
    assert t.translate(IT, "it", "en") is None
    assert {"none", "apertium"} <= set(available())
    with pytest.raises(ValueError):
        get_translator("no-such-translator")


def test_register_plugs_in_a_backend() -> None:
    class Echo:
        name = "echo@1"

        def translate(self, texts: list[str], src: str, dst: str) -> list[str] | None:
            return list(texts)

    register("echo-test", Echo)
    assert get_translator("echo-test").translate(["a"], "it", "en") == ["a"]


def test_apertium_routes_through_a_pivot_and_declines_without_one() -> None:
    t = ApertiumTranslator(binary="/nonexistent/apertium")
    t.__dict__["modes"] = frozenset({"ita-spa", "spa-eng", "eng-spa"})  # what the Debian packages install
    assert t.route("it", "en") == ["ita-spa", "spa-eng"]
    assert t.route("en", "es") == ["eng-spa"]
    assert t.route("el", "en") is None and t.route("it", "it") is None
    assert t.translate(IT, "el", "en") is None
    assert t.translate(IT, "it", "en") is None  # the binary cannot run: no translation, no error


def test_apertium_missing_binary_is_unavailable() -> None:
    t = ApertiumTranslator(binary="/nonexistent/apertium")
    assert t.name == "apertium" and not t.available() and t.translate(IT, "it", "en") is None


@pytest.mark.skipif(not apertium_it_en(), reason="apertium with ita-spa and spa-eng is not installed")
def test_apertium_gives_an_english_gist_of_italian() -> None:
    t = get_translator("apertium")
    out = t.translate(IT, "it", "en")
    assert out is not None and len(out) == 2
    assert "agreement" in out[0] and "Kim" in out[1] and "Sunday" in out[1]
    assert t.name.startswith("apertium@")
