"""Analysis stages through the store: dates, datelines, vectors."""

from __future__ import annotations

import json

import pytest

from conftest import SEEDS, SEEDS_META, SHARED, cli_json, run_cli

GOLD = json.loads((SHARED / "corpus" / "seeds.gold.json").read_text(encoding="utf-8"))["dates"]


def test_all_gold_dates_resolve_through_the_store(db_url: str) -> None:
    assert run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=db_url).returncode == 0
    rows = cli_json("dates", db=db_url)
    found = {(r["article"][:3], r["text"].lower(), r["value"]) for r in rows}
    for g in GOLD:
        assert (g["article"], g["text"].lower(), g["value"]) in found, g
    assert {r["role"] for r in rows} <= {"publication", "reported_event", "background"}
    assert set(cli_json("status", db=db_url)["pending"].values()) == {0}
    events = {r["id"][:3]: r["event_dates"] for r in cli_json("articles", db=db_url)}
    assert "2024-11-29" in events["002"] and "2024-06" not in events["002"]  # June is background
    assert {"2023-09-12", "2023-09-16", "2023-09-17"} <= set(events["000"])


def test_without_sidecar_the_dateline_dates_004_and_others_stay_unknown(sqlite_url: str) -> None:
    assert run_cli("run", str(SEEDS), db=sqlite_url).returncode == 0
    arts = {r["id"][:3]: r for r in cli_json("articles", db=sqlite_url)}
    assert arts["004"]["published"] == "2023-08-16" and arts["004"]["published_source"] == "dateline"
    assert all(arts[k]["published"] is None for k in ("000", "001", "002", "003"))
    rows = cli_json("dates", "--article", arts["000"]["id"], db=sqlite_url)
    weekday = next(r for r in rows if r["text"].lower() == "domenica")
    assert weekday["value"] is None  # no anchor: kept with its text, unresolved
    rows = cli_json("dates", "--article", arts["004"]["id"], db=sqlite_url)
    assert {(r["text"], r["value"]) for r in rows} >= {("16.08.2023", "2023-08-16"), ("ieri", "2023-08-15")}


def test_run_embeds_each_content_once(sqlite_url: str) -> None:
    assert run_cli("run", str(SEEDS), db=sqlite_url).returncode == 0
    info = cli_json("status", db=sqlite_url)
    assert info["counts"]["vectors"] == 5 and info["pending"]["embed"] == 0
    assert run_cli("run", str(SEEDS), db=sqlite_url).returncode == 0  # nothing re-embedded
    assert cli_json("status", db=sqlite_url)["counts"]["vectors"] == 5


def test_a_web_page_dump_is_analysed_up_to_the_analysis_limit(sqlite_url: str, tmp_path) -> None:
    from newsweave.stages import ANALYSE_CHARS
    from newsweave.store import open_store
    from newsweave.store.entity_repo import all_mentions

    head = next(SEEDS.glob("003_*.txt")).read_text(encoding="utf-8")
    filler = "The weather stayed mild and the market was quiet. " * (ANALYSE_CHARS // 50 + 10)
    tail = "Angela Merkel met Emmanuel Macron in Berlin on 3 March 2021."
    page = tmp_path / "page.jsonl"
    page.write_text(json.dumps({"id": "dump", "lang": "en", "text": f"{head}\n\n{filler}\n\n{tail}",
                                "published": "2023-09-17"}) + "\n", encoding="utf-8")
    assert run_cli("run", str(page), db=sqlite_url).returncode == 0
    assert set(cli_json("status", db=sqlite_url)["pending"].values()) == {0}
    store = open_store(sqlite_url)
    try:
        mentions = all_mentions(store)
    finally:
        store.close()
    assert any(m["text"] == "Kim Jong-un" for m in mentions)  # the article at the top is read
    assert max(m["end_char"] for m in mentions) <= ANALYSE_CHARS  # the dump's tail is not
    dates = cli_json("dates", db=sqlite_url)
    assert dates and all(r["end"] <= ANALYSE_CHARS for r in dates)
    assert "2021-03-03" not in {r["value"] for r in dates}


def test_whole_store_stages_tell_each_article_as_they_go(sqlite_url: str) -> None:
    """Linking and clustering run once over the whole store (minutes at 100,000 articles): they tell the
    progress display of each article while they work, not all at once when they are done."""
    from newsweave import jobs
    from newsweave.core.config import Settings
    from newsweave.store import entity_repo, open_store

    settings = Settings(db=sqlite_url)
    jobs.ingest(settings, [str(SEEDS)])
    store = open_store(sqlite_url)
    told: list[tuple[str, bool]] = []

    def progress(message: str) -> None:  # whether the links were already written when it was told
        if message.startswith("link: "):
            told.append((message, entity_repo.load_link_state(store) is not None))
        elif message.startswith("cluster: "):
            told.append((message.split(" -> ")[0], message.split(" -> ")[1].startswith("ev-")))

    try:
        jobs.analyse(settings, progress)
    finally:
        store.close()
    links = [m for m, written in told if m.startswith("link: ") and not written]
    clusters = [m for m, event in told if m.startswith("cluster: ") and event]
    assert len(links) == 5 == len(set(links)) and len(told) == 10 == len(clusters) + len(links)


def _poisoned_corpus(tmp_path, filler_chars: int = 0):
    """The seeds plus one article marked for the injected failure (``filler_chars`` of prose make the batch big
    enough for worker processes)."""
    text = "POISON. Vladimir Putin met Kim Jong-un in Vladivostok on 25 April 2019. " + \
        "The talks went on. " * (filler_chars // 19)
    poison = tmp_path / "poison.jsonl"
    poison.write_text(json.dumps({"id": "poison", "lang": "en", "text": text}) + "\n", encoding="utf-8")
    return [str(SEEDS), str(poison)]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_an_article_a_component_fails_on_is_reported_and_the_rest_goes_on(db_url: str, tmp_path, monkeypatch,
                                                                          workers: str) -> None:
    # A component's bug on one article (the time tagger's on TimeBank's wsj_1011 ended every run) is injected
    # into the real tagger here; it must cost that article that stage only, run inline or in worker processes.
    from newsweave import jobs, stages
    from newsweave.core.config import Settings

    real = stages.tag_times

    def failing(text, lang, anchor):
        if text.startswith("POISON"):
            raise ValueError("injected")
        return real(text, lang, anchor)

    monkeypatch.setenv("NEWSWEAVE_WORKERS", workers)
    monkeypatch.setattr(stages, "tag_times", failing)
    settings = Settings(db=db_url)
    failures: list = []
    report, done = jobs.run(settings, _poisoned_corpus(tmp_path, 60_000 if workers == "2" else 0), None, None,
                            failures)
    assert report.ok and len(report.added) == 6 and done["time"] == 6
    assert [(f.stage, f.article_id, f.error) for f in failures] == [("time", "poison", "ValueError: injected")]
    assert "poison: the time stage failed (ValueError: injected)" in str(failures[0])
    info = jobs.status(settings)
    assert info["failed"] == {"time": 1} and info["pending"]["time"] == 1
    assert {k for k, v in info["pending"].items() if v} == {"time"}  # every other stage took the article
    assert len({r["article"] for r in jobs.dates(settings)}) == 5  # the seeds all got their dates
    assert jobs.dates(settings, "poison") == []
    assert any("Putin" in e["name"] for e in jobs.entities(settings, article="poison"))  # its entities were found

    monkeypatch.setattr(stages, "tag_times", real)  # the component mended: the next run takes the article
    failures = []
    done = jobs.analyse(settings, failures=failures)
    # placed without its dates the first time: now that it has them, the store is re-clustered
    assert done["time"] == 1 and done["cluster"] == 6 and failures == []
    info = jobs.status(settings)
    assert info["failed"] == {} and set(info["pending"].values()) == {0}
    assert {r["value"] for r in jobs.dates(settings, "poison")} == {"2019-04-25"}


def test_a_text_the_text_stage_fails_on_is_an_input_error_and_the_rest_is_stored(sqlite_url: str, tmp_path,
                                                                                 monkeypatch) -> None:
    # The text stage runs within ingest: a failure injected into the real language and sentence analysis for
    # one text names its file and line, and the other inputs are stored and analysed.
    from newsweave import jobs
    from newsweave.analyse import text as text_stage
    from newsweave.core.config import Settings

    real = text_stage.analyse_text

    def failing(text, *args, **kwargs):
        if text.startswith("POISON"):
            raise RuntimeError("injected")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(text_stage, "analyse_text", failing)
    settings = Settings(db=sqlite_url)
    failures: list = []
    report, _ = jobs.run(settings, _poisoned_corpus(tmp_path), None, None, failures)
    assert len(report.added) == 5 and failures == []
    assert [str(e) for e in report.errors] == [f"{tmp_path / 'poison.jsonl'}:1: not stored: its text could not be "
                                               "analysed (RuntimeError: injected)"]
    assert set(jobs.status(settings)["pending"].values()) == {0}


def test_a_failed_try_over_kept_output_then_a_success_leaves_the_placements(db_url: str) -> None:
    # An upgraded component failing on an article keeps the older version's output, with which the article was
    # placed: its later success gives it new dates like every other article's, without a re-cluster; a failure
    # that kept nothing, followed by a success, re-clusters (above).
    from newsweave import jobs
    from newsweave.core.config import Settings
    from newsweave.store import open_store

    settings = Settings(db=db_url)
    jobs.run(settings, [str(SEEDS)])
    store = open_store(db_url)
    try:
        article = store.articles()[0]["id"]
        rows = store.time_exprs(article)
        store.mark_failed(article, "time", "time-next@1")
        assert store.failed_stages() == {"time": 1}
        assert store.replace_time_exprs(article, [{k: r[k] for k in ("text", "value", "granularity", "kind", "role")}
                                                  | {"start_char": r["start"], "end_char": r["end"]} for r in rows],
                                        "time-next@1")
        assert store.failed_stages() == {}
    finally:
        store.close()
    assert jobs.status(settings)["pending"]["cluster"] == 0
