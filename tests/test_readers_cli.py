"""Quotes and summaries through the real pipeline and CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from conftest import SEEDS, SEEDS_META, cli_json, run_cli


def _entity_with_mention(entities: list[dict], surface: str) -> str:
    return next(e["id"] for e in entities if any(m["text"] == surface for m in e["mentions"]))


def test_quotes_and_summaries_on_the_seeds(db_url: str) -> None:
    assert run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=db_url).returncode == 0
    entities = cli_json("entities", db=db_url)

    peskov = _entity_with_mention(entities, "Ντμίτρι Πεσκόφ")
    said = cli_json("quotes", "--entity", peskov, db=db_url)
    greek = [q for q in said if q["article"].startswith("001") and q["kind"] == "direct"]
    assert len(greek) >= 2 and all(q["speaker_entity"] == peskov for q in greek)
    by_surname = cli_json("quotes", "--entity", "Peskov", db=db_url)
    assert {q["speaker_entity"] for q in by_surname} == {peskov}
    kim = _entity_with_mention(entities, "Kim Jong-un")
    pledges = [q for q in cli_json("quotes", "--entity", kim, db=db_url) if q["article"].startswith("002")]
    assert any("sosterrà invariabilmente" in q["text"] for q in pledges)
    for command in ("quotes", "search Kim"):  # an unknown entity is an error, never an empty answer
        bad = run_cli(*command.split(), "--entity", "Nobody Anywhere", db=db_url)
        assert bad.returncode == 1 and "no entity matches 'Nobody Anywhere'" in bad.stderr, command

    visit = next(e for e in cli_json("events", db=db_url) if len(e["articles"]) == 3)
    in_event = cli_json("quotes", "--event", visit["id"], db=db_url)
    assert in_event and {q["article"] for q in in_event} <= set(visit["articles"])

    first = cli_json("summary", "--event", visit["id"], db=db_url)
    assert 3 <= len(first["sentences"]) <= 5 and not first["cached"]
    for s in first["sentences"]:
        assert s["citations"] and set(s["citations"]) <= set(visit["articles"])
    assert any(s["lang"] == "en" for s in first["sentences"])
    again = cli_json("summary", "--event", visit["id"], db=db_url)
    assert again["cached"] and again["sentences"] == first["sentences"]
    story = cli_json("storylines", db=db_url)[0]
    italian = cli_json("summary", "--storyline", story["id"], "--lang", "it", db=db_url)
    assert italian["lang"] == "it" and any(s["lang"] == "it" for s in italian["sentences"])
    event_of = {a: e["id"] for e in cli_json("events", db=db_url) for a in e["articles"]}
    for s in italian["sentences"]:  # cited only to reports of the sentence's own event (002 is a later visit)
        assert len({event_of[a] for a in s["citations"]}) == 1, s
    assert run_cli("summary", db=db_url).returncode == 2  # neither --event nor --storyline

    english = {e["id"]: e["label"] for e in cli_json("events", "--lang", "en", db=db_url)}
    assert english[visit["id"]].startswith("(Moscow) North Korean leader Kim Jong-un met")  # the English report's
    assert len({e["label"] for e in cli_json("events", db=db_url)} & set(english.values())) == 2  # no English: kept

    hits = cli_json("search", "armoured train", db=db_url)
    assert {h["article_id"][:3] for h in hits[:2]} == {"000", "001"}
    assert all(h["passage"] and h["event"] for h in hits)
    putin = cli_json("search", "visit", "--entity", "Vladimir Putin", db=db_url)
    assert {"el", "en", "it"} <= {h["lang"] for h in putin}
    only_el = cli_json("search", "train", "--lang", "el", db=db_url)
    assert only_el and all(h["lang"] == "el" for h in only_el)
    in_event = cli_json("search", "Kim", "--event", visit["id"], db=db_url)
    assert in_event and {h["article_id"] for h in in_event} <= set(visit["articles"])
    nothing = run_cli("search", "xqzvblorp", db=db_url)
    assert nothing.returncode == 0 and "no results" in nothing.stdout and "--mode vector" in nothing.stdout
    assert len(cli_json("search", "xqzvblorp", "--mode", "vector", db=db_url)) == 5
    spelt = cli_json("search", "Shoigu", "--mode", "fulltext", db=db_url)
    assert {h["article_id"][:3] for h in spelt} == {"003", "004"} and all(h["vector_rank"] is None for h in spelt)


@pytest.mark.parametrize("args, option", [
    (("search", "Kim", "--from", "yesterday"), "--from"), (("search", "Kim", "--to", "2023-13-45"), "--to"),
    (("search", "Kim", "--limit", "0"), "--limit"), (("search", "Kim", "--mode", "best"), "--mode"),
    (("ingest", str(SEEDS), "--max-bytes", "-5"), "--max-bytes"), (("timeline", "--lang", "xx"), "--lang"),
    (("entities", "--lang", "qq"), "--lang"), (("timeline", "--limit", "-1"), "--limit"),
    (("summary", "--event", "ev-x", "--sentences", "0"), "--sentences")])
def test_bad_option_values_are_named(sqlite_url: str, args: tuple[str, ...], option: str) -> None:
    proc = run_cli(*args, db=sqlite_url)
    assert proc.returncode == 2 and option in proc.stderr and "Traceback" not in proc.stderr


def test_search_says_when_articles_are_not_indexed_yet(sqlite_url: str) -> None:
    assert run_cli("ingest", str(SEEDS), db=sqlite_url).returncode == 0  # no `run`: nothing indexed
    proc = run_cli("search", "Kim", "--json", db=sqlite_url)
    assert proc.returncode == 0 and proc.stdout.strip() == "[]"
    assert "5 articles not in the search index yet" in proc.stderr
    assert run_cli("run", db=sqlite_url).returncode == 0
    proc = run_cli("search", "Kim", db=sqlite_url)
    assert proc.returncode == 0 and "not in the search index" not in proc.stderr


def test_stored_text_in_brackets_is_printed_not_read_as_markup(sqlite_url: str, tmp_path) -> None:
    # ids that start with a letter and a bracketed rubric, printed through rich: "[web-1]" or
    # "[VIDEO]" read as style tags would vanish from the output
    import json

    flood = ("Floods in Valencia killed at least 95 people on Tuesday, the regional government said. "
             "Rescue teams searched cars swept away by the water in the town of Paiporta [see map].")
    rows = [{"id": f"web-{i}", "title": "[VIDEO] Valencia floods", "text": flood + f" Report {i}.",
             "published": "2024-10-30", "lang": "en"} for i in (1, 2)]
    corpus = tmp_path / "rubric.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert run_cli("run", str(corpus), db=sqlite_url).returncode == 0
    listing = run_cli("articles", db=sqlite_url).stdout
    assert "[VIDEO] Valencia" in listing and "web-1" in listing
    event = cli_json("events", db=sqlite_url)[0]
    assert "[VIDEO]" in run_cli("events", db=sqlite_url).stdout
    summary = run_cli("summary", "--event", event["id"], db=sqlite_url).stdout
    assert "[web-" in summary, summary
    assert "[see map]" in run_cli("search", "Paiporta", db=sqlite_url).stdout


def test_chinese_japanese_and_korean_words_are_found_inside_their_runs(db_url: str, tmp_path) -> None:
    # ITN blurbs: neither FTS5 nor PostgreSQL splits a run of Han or a Hangul word with its particle,
    # so before character pairs were indexed "滑坡" (landslide) and "독일" (Germany, in 독일에서) found nothing
    import json

    from conftest import SHARED

    wanted = {"itn-0a4a9f457750", "itn-0972c4068322", "itn-021f2f3da76b"}
    rows = [json.loads(line) for line in (SHARED / "data" / "itn" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    corpus = tmp_path / "cjk.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows if r["id"] in wanted), encoding="utf-8")
    assert run_cli("run", str(corpus), db=db_url).returncode == 0
    for query, article in (("滑坡", "itn-0a4a9f457750"), ("독일", "itn-0972c4068322"), ("哈萨克斯坦", "itn-021f2f3da76b")):
        hits = cli_json("search", query, "--mode", "fulltext", db=db_url)
        assert [h["article_id"] for h in hits] == [article], query
        assert query[:2] in hits[0]["passage"]
        assert cli_json("search", query, db=db_url)[0]["article_id"] == article, query
    assert cli_json("search", "斯坦哈萨", "--mode", "fulltext", db=db_url) == []  # pairs in the query's order
    # a sentence typed without spaces: its pairs count one by one, and the guard against nonsense holds off
    assert cli_json("search", "雪蘭莪峇冬加里發生山體滑坡", db=db_url)[0]["article_id"] == "itn-0a4a9f457750"
    assert cli_json("timeline", "--lang", "EN-us", db=db_url)  # a reader's language in any case and region
