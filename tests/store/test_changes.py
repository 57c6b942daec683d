"""An article re-ingested with new text while a stage analyses it: the stage's output of the old text is not
saved as the new text's (``store.changes``), and the next run analyses what is stored. SQLite and PostgreSQL,
the real components, the edit made by the real ingest between a stage's read and its write."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import SEEDS, SHARED, cli_json, run_cli, start_cli
from newsweave import jobs, reader_jobs
from newsweave.core.config import Settings
from newsweave.store import entity_repo, open_store, reader_repo
from newsweave.store import schema as t

OLD = ('Vladimir Putin met Kim Jong-un in Ussuriysk on 25 April 2019. "We will meet again," Putin said after '
       "the talks.")
NEW = ('Angela Merkel met Emmanuel Macron in Aachen on 22 January 2019. "Europe stands together," Merkel said '
       "after the signing.")


def _record(path: Path, text: str) -> str:
    path.write_text(json.dumps({"id": "edit", "lang": "en", "text": text, "published": "2019-04-26"}) + "\n",
                    encoding="utf-8")
    return str(path)


class _Editor:
    """Re-ingests the article with ``NEW`` the first time the wrapped component is called (on the article,
    where ``on_article``), then lets the component go on with what it was given: the old text."""

    def __init__(self, settings: Settings, tmp_path: Path, on_article: bool = True) -> None:
        self.settings, self.path, self.on_article, self.done = settings, tmp_path / "edit.jsonl", on_article, False

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def edited_meanwhile(*args: Any, **kwargs: Any) -> Any:
            if not self.done and (not self.on_article or "Ussuriysk" in repr(args)):
                self.done = True
                report = jobs.ingest(self.settings, [_record(self.path, NEW)])
                assert report.ok and report.updated, report
            return fn(*args, **kwargs)
        return edited_meanwhile


class _Recogniser:
    """The real recogniser, with its ``recognise`` wrapped."""

    def __init__(self, real: Any, recognise: Callable[..., Any]) -> None:
        self._real, self.recognise = real, recognise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _patch(stage: str, editor: _Editor, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsweave import stages
    from newsweave.analyse import entities, quotes
    from newsweave.analyse import text as text_stage
    from newsweave.cluster.online import OnlineClusterer
    from newsweave.search import bridge

    if stage == "text":
        monkeypatch.setattr(text_stage, "analyse_text", editor.wrap(text_stage.analyse_text))
    elif stage == "time":
        monkeypatch.setattr(stages, "tag_times", editor.wrap(stages.tag_times))
    elif stage == "entities":
        real = entities.get_recogniser()
        wrapped = _Recogniser(real, editor.wrap(real.recognise))
        monkeypatch.setattr(entities, "get_recogniser", lambda: wrapped)
    elif stage == "quotes":
        monkeypatch.setattr(quotes, "extract_quotes", editor.wrap(quotes.extract_quotes))
    elif stage == "search":
        monkeypatch.setattr(bridge, "encode_terms", editor.wrap(bridge.encode_terms))
    else:
        monkeypatch.setattr(OnlineClusterer, "assign", editor.wrap(OnlineClusterer.assign))


def _spans_hold(db: str) -> None:
    """Every stored date, mention and quotation spans, in its article's stored text, the words it holds."""
    store = open_store(db)
    try:
        ids = [a["id"] for a in store.articles()]
        texts = {aid: art["text"] for aid, art in store.articles_for_analysis(ids).items()}
        rows = [(r["article"], r["start"], r["end"], r["text"]) for r in store.time_exprs()]
        rows += [(m["article_id"], m["start_char"], m["end_char"], m["text"]) for m in entity_repo.all_mentions(store)]
        rows += [(q["article"], q["start"], q["end"], q["text"])
                 for q in reader_repo.list_quotes(store, article_ids=ids)]
    finally:
        store.close()
    wrong = [(aid, text) for aid, start, end, text in rows if texts[aid][start:end] != text]
    assert rows and not wrong, wrong


def _sentences(db: str) -> list[tuple[int, int]]:
    store = open_store(db)
    try:
        return store.articles_for_analysis(["edit"])["edit"]["sentences"]
    finally:
        store.close()


def _sentences_of(text: str) -> list[tuple[int, int]]:
    from newsweave.analyse.text import analyse_text

    return [(s.start, s.end) for s in analyse_text(text, declared="en").sentences]


@pytest.mark.parametrize("stage", ["text", "time", "entities", "quotes", "search", "cluster"])
def test_an_article_edited_while_a_stage_analyses_it_is_analysed_again(db_url: str, tmp_path: Path, stage: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWEAVE_WORKERS", "1")  # the edit lands between the stage's read and its write
    settings = Settings(db=db_url)
    assert jobs.ingest(settings, [str(SEEDS), _record(tmp_path / "edit.jsonl", OLD)]).ok
    if stage == "text":  # a new text-stage version: the stage reads the article again
        store = open_store(db_url)
        with store.engine.begin() as conn:
            conn.execute(t.article_stages.delete().where(t.article_stages.c.stage == "text"))
        store.close()
    # the search and cluster stages read the whole batch first: the edit lands at their first component call
    editor = _Editor(settings, tmp_path, on_article=stage not in ("search", "cluster"))
    _patch(stage, editor, monkeypatch)
    failures: list = []
    jobs.analyse(settings, failures=failures)
    assert editor.done and failures == []
    monkeypatch.undo()

    # what the stage made of the old text is not taken for the new text's: the article is still to do (the
    # re-ingest analyses a text's language and sentences itself). Until the next run, the outputs of the stages
    # the old text went through stay, as after any re-ingest.
    if stage == "text":
        assert _sentences(db_url) == _sentences_of(NEW)
    elif stage == "cluster":  # placed from its old text all the same (the clusterer's sums hold it): re-cluster
        assert jobs.status(settings)["pending"]["cluster"] == 6
    else:
        assert jobs.status(settings)["pending"][stage] >= 1

    jobs.analyse(settings, failures=failures)
    assert failures == [] and set(jobs.status(settings)["pending"].values()) == {0}
    _spans_hold(db_url)
    assert {r["value"] for r in jobs.dates(settings, "edit")} == {"2019-01-22"}
    assert {"Angela Merkel", "Emmanuel Macron"} <= {e["name"] for e in jobs.entities(settings, article="edit")}
    assert [q["text"] for q in reader_jobs.quotes(settings) if q["article"] == "edit"] == ["Europe stands together"]
    assert [h["article_id"] for h in reader_jobs.search(settings, "Aachen", mode="fulltext")] == ["edit"]
    assert reader_jobs.search(settings, "Ussuriysk", mode="fulltext") == []
    if stage == "cluster":  # the re-cluster placed it from its new text: it founds an event of its own
        from newsweave import story_jobs

        placed = story_jobs.explain(settings, "edit")
        assert placed["labels"][placed["event"]].startswith("Angela Merkel met Emmanuel Macron")
        assert [e["articles"] for e in story_jobs.events(settings) if "edit" in e["articles"]] == [["edit"]]


def _edition(source: list[str], path: Path, k: int) -> str:
    """The articles of ``source`` (JSONL lines), each text headed by a line of edition ``k``, and a near-copy of
    every tenth (a reprint: a re-ingest of its original locks it too)."""
    records = [json.loads(line) for line in source]
    records += [{**r, "id": f"reprint-{r['id']}", "text": r["text"] + "\n\nReprinted."} for r in records[::10]]
    path.write_text("".join(json.dumps({**r, "text": f"2011-05-03 ({k}).\n\n{r['text']}"}) + "\n"
                            for r in records), encoding="utf-8")
    return str(path)


def test_articles_re_ingested_again_and_again_while_another_process_runs(db_url: str, tmp_path: Path) -> None:
    # Real processes, no hook: one runs every stage (with two workers) while the other ingests new editions
    # of the same articles. Neither fails nor waits on the other for ever, and once the edits stop, one more
    # run leaves every article analysed from its stored text.
    source = (SHARED / "data" / "mlcrisis" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[:60]
    pages = tmp_path / "pages.jsonl"
    assert run_cli("ingest", _edition(source, pages, 0), db=db_url).returncode == 0
    runner = start_cli(db_url, "run", NEWSWEAVE_WORKERS="2")
    editions = 0
    while runner.poll() is None and editions < 20:
        editions += 1
        edit = run_cli("ingest", _edition(source, pages, editions), db=db_url)
        assert edit.returncode == 0, edit.stderr
    out, err = runner.communicate(timeout=600)
    assert runner.returncode == 0, err
    assert editions >= 2  # the edits overlapped the run
    copies = [a for a in cli_json("articles", db=db_url) if a["id"].startswith("reprint-")]
    assert len(copies) == 6 and all(a["duplicate_of"] for a in copies), copies
    assert run_cli("run", db=db_url).returncode == 0
    assert set(cli_json("status", db=db_url)["pending"].values()) == {0}
    _spans_hold(db_url)
    store = open_store(db_url)
    try:
        texts = [a["text"] for a in store.articles_for_analysis([a["id"] for a in store.articles()]).values()]
    finally:
        store.close()
    assert all(text.startswith(f"2011-05-03 ({editions}).") for text in texts)
    dated = {r["article"] for r in cli_json("dates", db=db_url) if (r["start"], r["text"]) == (0, "2011-05-03")}
    assert len(dated) == 66  # every article's dates are its last edition's


WIRE = "The minister met the delegation in Paris on Monday. They agreed a plan for the river. " * 5


@pytest.mark.parametrize("meanwhile", ["a stage checks both", "the copy is re-ingested"])
def test_an_article_and_its_near_copy_locked_from_both_sides_at_once(db_url: str, tmp_path: Path,
                                                                     meanwhile: str) -> None:
    # A re-ingest of an article also unlinks its near-copies, so it locks both; a stage saving for both (the
    # search and cluster stages check a batch) or a re-ingest of the copy locks them too. Taken in two orders
    # (the article, then later its copy), PostgreSQL found a deadlock and the ingest failed.
    from sqlalchemy import Engine, event

    from newsweave.store.changes import still_as_read

    settings = Settings(db=db_url)
    wire, copy = tmp_path / "wire.jsonl", tmp_path / "copy.jsonl"
    wire.write_text(json.dumps({"id": "x-wire", "lang": "en", "text": WIRE}) + "\n", encoding="utf-8")
    copy.write_text(json.dumps({"id": "c-copy", "lang": "en", "text": WIRE + "Reprinted."}) + "\n", encoding="utf-8")
    assert jobs.ingest(settings, [str(wire)]).ok and jobs.ingest(settings, [str(copy)]).ok
    jobs.analyse(settings)  # both placed: a re-ingest flags the re-cluster too
    store = open_store(db_url)
    try:
        with store.engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(t.articles.select())}
        assert rows["c-copy"].duplicate_of == "x-wire"
        seen = {aid: {"content_hash": r.content_hash} for aid, r in rows.items()}

        def slow_ingest(conn, cursor, statement, *args) -> None:
            if threading.current_thread().name == "ingest" and statement.startswith("DELETE FROM paragraphs"):
                time.sleep(1.5)  # its locks taken: the other side now comes for the same rows

        outcome: dict[str, object] = {}

        def reingest() -> None:
            wire.write_text(json.dumps({"id": "x-wire", "lang": "en", "text": WIRE.replace("Paris", "Lyon")}) + "\n",
                            encoding="utf-8")
            outcome["ingest"] = jobs.ingest(settings, [str(wire)]).ok

        event.listen(Engine, "after_cursor_execute", slow_ingest)
        try:
            worker = threading.Thread(target=reingest, name="ingest")
            worker.start()
            time.sleep(0.7)
            if meanwhile == "a stage checks both":
                with store.engine.begin() as conn:
                    outcome["same"] = still_as_read(conn, seen)
            else:
                copy.write_text(json.dumps({"id": "c-copy", "lang": "en", "text": WIRE.replace("Paris", "Nice")})
                                + "\n", encoding="utf-8")
                outcome["copy"] = jobs.ingest(settings, [str(copy)]).ok
            worker.join(timeout=60)
        finally:
            event.remove(Engine, "after_cursor_execute", slow_ingest)
    finally:
        store.close()
    assert outcome["ingest"] is True
    assert outcome.get("same") == {"c-copy"} or outcome.get("copy") is True, outcome
    assert jobs.analyse(settings) and set(jobs.status(settings)["pending"].values()) == {0}


def test_a_failure_on_a_text_replaced_meanwhile_is_neither_recorded_nor_reported(db_url: str, tmp_path: Path,
                                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from newsweave import stages

    monkeypatch.setenv("NEWSWEAVE_WORKERS", "1")
    settings = Settings(db=db_url)
    assert jobs.ingest(settings, [_record(tmp_path / "edit.jsonl", OLD)]).ok
    real = stages.tag_times

    def fails_on_the_old_text(text: str, lang: str, anchor: Any) -> Any:
        if "Ussuriysk" in text:
            raise ValueError("injected")
        return real(text, lang, anchor)

    monkeypatch.setattr(stages, "tag_times", _Editor(settings, tmp_path).wrap(fails_on_the_old_text))
    failures: list = []
    jobs.analyse(settings, failures=failures)
    assert failures == [] and jobs.status(settings)["failed"] == {}
    assert jobs.status(settings)["pending"]["time"] == 1  # the new text is still to date
    monkeypatch.undo()
    jobs.analyse(settings, failures=failures)
    assert failures == [] and {r["value"] for r in jobs.dates(settings, "edit")} == {"2019-01-22"}


def test_an_article_re_dated_while_the_time_stage_reads_it_is_dated_again(db_url: str, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # the same text under a new date (a record's or a sidecar's) redoes its dates: "yesterday" moves with it
    from newsweave import stages

    monkeypatch.setenv("NEWSWEAVE_WORKERS", "1")
    settings = Settings(db=db_url)
    path = tmp_path / "dated.jsonl"
    text = "Vladimir Putin met Kim Jong-un in Ussuriysk yesterday."

    def record(published: str) -> str:
        path.write_text(json.dumps({"id": "edit", "lang": "en", "text": text, "published": published}) + "\n",
                        encoding="utf-8")
        return str(path)

    assert jobs.ingest(settings, [record("2019-04-26")]).ok
    real, redated = stages.tag_times, []

    def redating(*args: Any) -> Any:
        if not redated:
            redated.append(jobs.ingest(settings, [record("2019-05-10")]).updated)
        return real(*args)

    monkeypatch.setattr(stages, "tag_times", redating)
    jobs.analyse(settings)
    monkeypatch.undo()
    assert redated == [["edit"]] and jobs.status(settings)["pending"]["time"] == 1
    jobs.analyse(settings)
    assert {r["value"] for r in jobs.dates(settings, "edit")} == {"2019-05-09"}
