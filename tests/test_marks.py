"""The shared diacritic core: its fast paths must fold exactly as the plain definition does."""

import unicodedata

import pytest

from newsweave.core.marks import strip_marks
from conftest import SEEDS


def _reference(text: str, form: str) -> str:
    return "".join(c for c in unicodedata.normalize(form, text) if not unicodedata.combining(c))


@pytest.mark.parametrize("form", ["NFD", "NFKD"])
def test_strip_marks_matches_the_plain_definition_on_every_seed(form):
    for path in sorted(SEEDS.glob("*.txt")):  # English, Italian, Greek: ASCII runs, accents, tonos
        text = path.read_text(encoding="utf-8")
        assert strip_marks(text, form) == _reference(text, form), path.name


def test_strip_marks_examples():
    assert strip_marks("Μόσχα") == "Μοσχα"
    assert strip_marks("Pyongyang") == "Pyongyang"
    assert strip_marks("Ŝéﬁ", "NFKD") == "Sefi"  # stacked marks and a ligature
    assert strip_marks("ﬁ") == "ﬁ"  # NFD keeps compatibility characters
