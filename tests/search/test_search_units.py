"""Search building blocks that need no store: fusion, weights, words, filters."""

from __future__ import annotations

import datetime as dt

import numpy as np

from newsweave.search import bridge, fuse
from newsweave.search.filters import Filters, _next_day, as_day
from newsweave.search.folding import fold
from newsweave.search.fulltext import MAX_TERMS, query_terms
from newsweave.search.query import list_weights
from newsweave.search.vectors import _Best


def test_fold_removes_greek_and_latin_accents_but_keeps_final_sigma() -> None:
    assert fold("Θωρακισμένο ΤΡΈΝΟ") == "θωρακισμενο τρενο"
    assert fold("Città, Ñandú, Ångström") == "citta, nandu, angstrom"
    assert fold("τρένος") == "τρενος"


def test_query_terms_are_folded_distinct_and_capped() -> None:
    assert query_terms("Kim's armoured-train, Kim!") == ["kim", "s", "armoured", "train"]
    assert query_terms("___ !!") == []
    assert len(query_terms(" ".join(f"w{i}" for i in range(100)))) == MAX_TERMS


def test_reciprocal_rank_fusion_rewards_agreement_and_respects_weights() -> None:
    fused = fuse({"fts": ["a", "b"], "vector": ["b", "c"]}, {"fts": 1.0, "vector": 1.0}, k=60)
    assert [aid for aid, _ in fused] == ["b", "a", "c"]
    assert fused[0][1] == 1 / 62 + 1 / 61
    heavy = fuse({"fts": ["a"], "vector": ["c"]}, {"fts": 0.5, "vector": 1.0})
    assert [aid for aid, _ in heavy] == ["c", "a"]
    assert [aid for aid, _ in fuse({"x": ["b"], "y": ["a"]}, {})] == ["a", "b"]  # ties by id


def test_word_lists_weigh_less_as_queries_grow() -> None:
    short, long = list_weights("armoured train"), list_weights(" ".join(["word"] + [f"w{i}" for i in range(19)]))
    assert short == {"fts": 0.5, "vector": 1.0, "bridge": 0.25}
    assert long["vector"] == 1.0 and long["fts"] == 0.05 and long["bridge"] == 0.025
    assert list_weights("Shoigu") == {"fts": 1.0, "vector": 1.0, "bridge": 0.5}


def test_a_long_query_keeps_its_first_words_in_any_script() -> None:
    # the bridge embeds a query's first MAX_QUERY_WORDS words: in the order typed, not Latin ones first
    latin = " ".join(f"word{chr(97 + i)}x" for i in range(20))
    assert bridge._words_in_order(f"Путин {latin} путин")[:3] == ["путин", "wordax", "wordbx"]
    assert len(bridge._words_in_order(f"Путин {latin}")) == 21


def test_bridge_words_skip_digits_short_and_overlong_tokens() -> None:
    assert bridge.words("Il treno blindato 2023 di Kim") == {"treno", "blindato", "kim"}
    assert bridge.doc_words("Titolo", "a" * 50 + " corpo") == {"titolo", "corpo"}
    assert "fine" not in bridge.doc_words(None, "x" * bridge.BRIDGE_CHARS + " fine")


def test_dates_bound_whole_days() -> None:
    assert as_day("2023-09-16T22:10:00+00:00") == "2023-09-16"
    assert as_day(dt.date(2023, 9, 16)) == "2023-09-16"
    assert as_day(None) is None
    assert _next_day("2023-12-31") == "2024-01-01"
    assert "published" in str(Filters(date_to="2023-09-16").where())


def test_best_keeps_the_top_rows_of_each_language() -> None:
    best = _Best(2)
    vecs = np.eye(4, dtype=np.float32)
    best.offer("it", np.array([0.1, 0.9]), ["a", "b"], vecs[:2])
    best.offer("it", np.array([0.5, 0.2]), ["c", "d"], vecs[2:])
    scores, ids, kept = best.kept["it"]
    assert sorted(ids) == ["b", "c"] and kept.shape == (2, 4)
