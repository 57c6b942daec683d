"""Timelines over the seeds (through the store) and the timeline scorer's pieces."""

from __future__ import annotations

from conftest import SEEDS, SEEDS_META, cli_json, run_cli
from newsweave.eval.timeline import rouge1_f
from newsweave.products.timeline import Candidate, build_timeline, candidates


def test_seed_timeline_is_chronological_and_cites_its_sources(sqlite_url: str) -> None:
    assert run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=sqlite_url).returncode == 0
    entries = cli_json("timeline", db=sqlite_url)
    dates = [e["date"] for e in entries]
    assert dates == sorted(dates)
    by_date = {e["date"]: e for e in entries}
    # the three reports of Kim's trip agree on his arrival, Tuesday 12 September 2023
    arrival = by_date["2023-09-12"]
    assert {a[:3] for a in arrival["articles"]} == {"000", "001", "003"}
    assert arrival["lang"] == "en" and arrival["article"].startswith("003")  # the reader's language first
    assert by_date["2024-11-29"]["article"].startswith("002")
    for e in entries:
        assert e["article"] in e["articles"] and e["description"]
    top = cli_json("timeline", "--lang", "it", "--limit", "1", db=sqlite_url)
    assert [e["date"] for e in top] == ["2023-09-12"] and top[0]["lang"] == "it"


def test_dates_ranked_by_support_then_described_centrally() -> None:
    cands = [
        Candidate("2024-01-02", "The summit opened in Rome with ten leaders.", "en", "a"),
        Candidate("2024-01-02", "Il vertice si è aperto a Roma con dieci leader.", "it", "b"),
        Candidate("2024-01-02", "The summit opened in Rome on Tuesday, officials said.", "en", "c"),
        Candidate("2024-01-01", "Leaders arrived.", "en", "a"),
    ]
    entries = build_timeline(cands, "en", max_entries=1)
    assert [(e.date, e.articles) for e in entries] == [("2024-01-02", ["a", "b", "c"])]
    assert entries[0].lang == "en"


def test_a_sentence_naming_two_dates_describes_one() -> None:
    both = "Il ministro è arrivato venerdì, il mese dopo l'invio delle truppe."
    cands = [
        Candidate("2024-10", both, "it", "a"),
        Candidate("2024-11-29", both, "it", "a"),
        Candidate("2024-11-28", "The talks began.", "en", "b"),
        Candidate("2024-10", "Troops were sent in October.", "en", "c"),
    ]
    entries = build_timeline(cands, "en")
    assert [(e.date, e.description) for e in entries] == [
        ("2024-10", "Troops were sent in October."),  # its other sentence is free
        ("2024-11-28", "The talks began."),
        ("2024-11-29", both),
    ]
    alone = build_timeline(cands[:3], "en", max_entries=2)
    # the month's only sentence went to the day; the limit is filled from the dates after it
    assert [e.date for e in alone] == ["2024-11-28", "2024-11-29"]
    assert len({e.description for e in build_timeline(cands[:3], "en")}) == 2


def test_a_day_gets_a_line_per_event_each_citing_its_own_reports() -> None:
    cands = [
        Candidate("2023-02-06", "A magnitude 7.8 earthquake struck southern Turkey.", "en", "quake-en", "ev-quake"),
        Candidate("2023-02-06", "Un terremoto di magnitudo 7.8 ha colpito la Turchia.", "it", "quake-it", "ev-quake"),
        Candidate("2023-02-06", "The balloon was shot down off South Carolina.", "en", "balloon", "ev-balloon"),
        Candidate("2023-02-09", "Rescuers pulled survivors from the rubble.", "en", "quake-en", "ev-quake"),
    ]
    entries = build_timeline(cands, "en")
    assert [(e.date, e.articles) for e in entries] == [
        ("2023-02-06", ["quake-en", "quake-it"]), ("2023-02-06", ["balloon"]), ("2023-02-09", ["quake-en"])]
    # the limit counts dates, whatever the lines per date
    assert [e.date for e in build_timeline(cands, "en", max_entries=1)] == ["2023-02-06", "2023-02-06"]


def test_a_sentence_that_is_only_its_date_describes_nothing() -> None:
    text = "Seul shahrida Halloween bayrami payti olomon to‘qnashuvi bo‘ldi. (29 oktyabr 2022)"
    split = text.index("(")
    article = {"id": "a", "text": text, "lang": "uz", "published": None,
               "sentences": [(0, split - 1), (split, len(text))]}
    bare = {"value": "2022-10-29", "role": "event", "start": split + 1, "end": len(text) - 1}
    assert candidates(article, [bare]) == []
    told = {"value": "2022-10-29", "role": "event", "start": 0, "end": 4}  # a date inside a sentence with words
    assert [c.text for c in candidates(article, [told])] == [text[: split - 1]]
    cjk = "2023年2月8日，土耳其發生地震"
    one = {"id": "b", "text": cjk, "lang": "zh", "published": None, "sentences": [(0, len(cjk))]}
    assert len(candidates(one, [{"value": "2023-02-08", "role": "event", "start": 0, "end": 9}])) == 1


def test_rouge1() -> None:
    assert rouge1_f("the cat sat", "the cat sat") == 1.0
    assert rouge1_f("a b", "c d") == 0.0
    assert abs(rouge1_f("the cat", "the cat sat down") - 2 * (1.0 * 0.5) / 1.5) < 1e-9
