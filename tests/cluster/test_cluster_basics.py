"""Building blocks of clustering: BCubed and language centring."""

from __future__ import annotations

import numpy as np

from newsweave.cluster.centring import LanguageCentring
from newsweave.cluster.metrics import bcubed


def test_bcubed_known_values() -> None:
    gold = {"a": "x", "b": "x", "c": "y"}
    assert bcubed({"a": "1", "b": "1", "c": "2"}, gold)["bcubed_f1"] == 1.0
    lumped = bcubed({"a": "1", "b": "1", "c": "1"}, gold)
    assert lumped["bcubed_recall"] == 1.0 and abs(lumped["bcubed_precision"] - 5 / 9) < 1e-4
    split = bcubed({"a": "1", "b": "2", "c": "3"}, gold)
    assert split["bcubed_precision"] == 1.0 and abs(split["bcubed_recall"] - 2 / 3) < 1e-4


def test_centring_removes_the_language_component() -> None:
    rng = np.random.RandomState(0)
    topic, it_bias, el_bias = rng.randn(3, 16)
    c = LanguageCentring(16)
    it_vecs = [it_bias * 3 + rng.randn(16) for _ in range(30)]
    el_vecs = [el_bias * 3 + rng.randn(16) for _ in range(30)]
    for v in it_vecs:
        c.update(v, "it")
    for v in el_vecs:
        c.update(v, "el")
    a, b = it_bias * 3 + topic * 2, el_bias * 3 + topic * 2  # same topic, two languages
    raw = a @ b / np.linalg.norm(a) / np.linalg.norm(b)
    centred = c.centre(a, "it") @ c.centre(b, "el")
    assert centred > raw and centred > 0.5
    mixed = c.centre_mix(a + b, {"it": 1, "el": 1})
    assert abs(np.linalg.norm(mixed) - 1) < 1e-5


def test_labels_name_each_entity_name_once() -> None:
    from newsweave.cluster.model import distinct_names

    top = [{"id": "LOC:france", "name": "France"}, {"id": "LOC:paris", "name": "Paris"},
           {"id": "PER:paris@a1", "name": "Paris"}, {"id": "ORG:un", "name": "United Nations"}]
    assert distinct_names(top, 3) == ["France", "Paris", "United Nations"]
    assert distinct_names(top[:2], 3) == ["France", "Paris"]
