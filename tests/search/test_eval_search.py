"""The search evaluation: query sets built from ../shared/data, and pinned recall floors."""

from __future__ import annotations

import pytest

from conftest import SHARED
from newsweave.eval.search import build_queries, evaluate_search

DATA = SHARED / "data"

pytestmark = pytest.mark.skipif(not (DATA / "meantime").exists(), reason="shared data not present")


def test_query_sets_pair_an_english_article_with_its_other_language_siblings() -> None:
    itn = build_queries(DATA / "itn")
    assert len(itn) == 63 and sum(len(q.relevant) for q in itn) == 536
    assert all("en" not in q.relevant.values() for q in itn)
    mt = build_queries(DATA / "meantime")
    assert len(mt) == 60 and all(sorted(q.relevant.values()) == ["es", "it", "nl"] for q in mt)
    ecb = build_queries(DATA / "ecbplus")  # English only: the event's other articles
    assert len(ecb) == 496 and all(q.article_id not in q.relevant for q in ecb)


def test_meantime_recall_floor() -> None:
    # Measured (sample 60, seed 13, headline + 300 chars): hybrid recall@10 1.0, MRR 0.983 (vector alone the same).
    result = evaluate_search(DATA / "meantime", sample=30, modes=("hybrid",))
    assert result["n_queries"] == 30
    assert result["recall@10"] >= 0.95 and result["mrr"] >= 0.9, result


def test_keyword_queries_are_the_articles_rarest_words_in_text_order() -> None:
    mt = build_queries(DATA / "meantime", query_words=3)
    assert len(mt) == 60 and all(len(q.text.split()) == 3 for q in mt)
    assert mt[0].text == "defeat unexpectedly defeated"
    assert [q.relevant for q in mt] == [q.relevant for q in build_queries(DATA / "meantime")]
    itn = build_queries(DATA / "itn", query_words=3)  # rarity among English articles: no "from", "with", "have"
    assert not {w.lower() for q in itn for w in q.text.split()} & {"from", "with", "have", "that", "were"}
    with pytest.raises(ValueError):
        build_queries(DATA / "meantime", query_words=-1)


def test_meantime_keyword_recall_floor() -> None:
    # Measured (sample 60, seed 13, the 3 rarest words): hybrid recall@10 0.739, MRR 0.778 once declared
    # languages settle doubtful guesses (a Dutch and a Spanish article move language group, and with them
    # the Dutch centring: two Dutch answers drop out of a top ten); 0.761 / 0.758 the session before, and
    # 0.750 / 0.776 from a store built by that same code today (store builds differ at this level);
    # 0.728 / 0.721-0.744 with words embedded with "</s>"; with the word bridge matching nothing 0.689 / 0.678
    # (eval search --query-words 3).
    result = evaluate_search(DATA / "meantime", modes=("hybrid",), query_words=3)
    assert result["n_queries"] == 60 and result["queries"] == "the 3 rarest words"
    assert result["recall@10"] >= 0.72 and result["mrr"] >= 0.75, result
