"""Every kind of source, and every kind of bad input, against a real SQLite store."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import SEEDS
from newsweave import jobs
from newsweave.core.config import Settings

ITALIAN = (SEEDS / "000_03ec97206aa0476c.txt").read_text(encoding="utf-8")
GREEK = (SEEDS / "001_d028cb3f7ff8034f.txt").read_text(encoding="utf-8")
ENGLISH = (SEEDS / "003_6aabda63093ad488.txt").read_text(encoding="utf-8")


def _html(title: str, body: str, lang: str, date: str | None = None) -> str:
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
    return (f'<!doctype html><html lang="{lang}"><head><title>{title}</title>{meta}</head><body>'
            f"<nav><a href='/'>Home</a> <a href='/x'>Sport</a></nav><article><h1>{title}</h1>{paras}</article>"
            "<footer>Copyright 2023 Example News. All rights reserved.</footer></body></html>")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=str(tmp_path / "s.db"), fetch_timeout=5.0)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 serving a folder (stands in for the outside web)."""
    root = tmp_path / "site"
    root.mkdir()
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()


def _ids(settings: Settings) -> dict[str, dict]:
    return {r["id"]: r for r in jobs.articles(settings)}


def test_txt_and_md_files(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ITALIAN, encoding="utf-8")
    (tmp_path / "b.md").write_text("# Il titolo\n\n" + ITALIAN.replace("Kim", "Kim Jong Un", 1) + "\nAltro paragrafo finale.", encoding="utf-8")
    report = jobs.ingest(settings, [str(tmp_path / "a.txt"), str(tmp_path / "b.md")])
    assert report.ok and report.added == ["a", "b"]
    rows = _ids(settings)
    assert rows["b"]["title"] == "Il titolo"
    assert rows["b"]["duplicate_of"] == "a"  # a light edit of the same story is linked, not dropped
    assert rows["b"]["duplicate_score"] >= 0.8


def test_exact_duplicate_content_is_not_stored_twice(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(GREEK, encoding="utf-8")
    (tmp_path / "two.txt").write_text("  " + GREEK.upper() + "\n\n", encoding="utf-8")  # same content up to case/space
    report = jobs.ingest(settings, [str(tmp_path / "one.txt"), str(tmp_path / "two.txt")])
    assert report.added == ["one"] and report.duplicates == {"two": "one"}
    assert list(_ids(settings)) == ["one"]


def test_legacy_encodings_are_detected(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "greek.txt").write_bytes(GREEK.encode("cp1253", errors="ignore"))
    italian = ITALIAN
    (tmp_path / "italian.txt").write_bytes(italian.encode("cp1252"))
    report = jobs.ingest(settings, [str(tmp_path)])
    assert report.ok, report.errors
    rows = _ids(settings)
    assert rows["greek"]["lang"] == "el" and rows["italian"]["lang"] == "it"
    assert "ha lasciato la Russia" in rows["italian"]["snippet"]
    assert rows["greek"]["snippet"].startswith("Στη Ρωσία έφθασε")


def test_jsonl_corpus_with_a_malformed_line(settings: Settings, tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "x1", "lang": "it", "title": "T1", "text": ITALIAN, "published": "2023-09-17", "source": "ansa"}),
        '{"id": "x2", "text": "broken',
        json.dumps({"id": "x3", "text": ""}),
        json.dumps({"id": "x4", "lang": "en", "title": None, "text": ENGLISH, "published": None, "source": None}),
    ]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = jobs.ingest(settings, [str(corpus)])
    assert report.added == ["x1", "x4"]
    assert [(e.source, e.line) for e in report.errors] == [(str(corpus), 2), (str(corpus), 3)]
    assert "malformed JSON" in str(report.errors[0]) and "'text'" in str(report.errors[1])
    rows = _ids(settings)
    assert rows["x1"]["published"] == "2023-09-17" and rows["x1"]["published_source"] == "jsonl"
    assert rows["x1"]["source"] == "ansa" and rows["x4"]["published"] is None


def _news_please(text: str, **extra: object) -> dict[str, object]:
    """A record as news-please writes it, one JSON file per article."""
    return {"authors": ["A. Writer"], "date_download": "2024-03-02 10:00:00", "date_modify": None,
            "date_publish": "2023-09-13 16:40:00", "description": None, "filename": "x.json", "image_url": None,
            "language": "el", "localpath": None, "maintext": text, "source_domain": "ert.gr",
            "title": "Κιμ στη Ρωσία", "title_page": None, "title_rss": None, "url": "https://ert.gr/kim", **extra}


def test_a_news_please_json_file_is_one_article(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "b1946ac92492d2347c6235b4d2611184.json"
    path.write_text(json.dumps(_news_please(GREEK), ensure_ascii=False), encoding="utf-8")
    report = jobs.ingest(settings, [str(path)])
    assert report.added == [path.stem] and not report.errors
    row = _ids(settings)[path.stem]
    assert (row["title"], row["lang_declared"], row["source"], row["url"]) == (
        "Κιμ στη Ρωσία", "el", "ert.gr", "https://ert.gr/kim")
    assert row["published"].startswith("2023-09-13") and row["published_source"] == "json"
    assert row["lang"] == "el" and row["n_chars"] > 100
    # a corrected date in the file applies to the unchanged text, as a JSONL record's does
    path.write_text(json.dumps(_news_please(GREEK, date_publish="2023-09-14 08:00:00"), ensure_ascii=False),
                    encoding="utf-8")
    assert jobs.ingest(settings, [str(path)]).updated == [path.stem]
    row = _ids(settings)[path.stem]
    assert row["published"].startswith("2023-09-14") and row["published_source"] == "json"


def test_a_json_list_is_read_item_by_item(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps([
        {"id": "it1", "lang": "it", "text": ITALIAN, "published": "2023-09-17"},
        {"id": "bad", "text": "   "},
        "not an object",
        _news_please(ENGLISH, language="en", date_publish=None),
        # a field of the wrong type gives way to its news-please name
        {"text": GREEK, "lang": 5, "language": "el", "published": 20230913, "date_publish": "2023-09-13 10:00:00"},
    ], ensure_ascii=False), encoding="utf-8")
    report = jobs.ingest(settings, [str(path)])
    assert report.added == ["it1", "export-4", "export-5"]  # no id: named by the file and the item's place
    assert [(e.source, e.line) for e in report.errors] == [(str(path), None), (str(path), None)]
    assert str(report.errors[0]).startswith(f"{path}: item 2: missing or empty 'text'")
    assert str(report.errors[1]).startswith(f"{path}: item 3: an article must be a JSON object")
    rows = _ids(settings)
    assert rows["export-4"]["published"] is None and rows["export-5"]["lang_declared"] == "el"
    assert rows["export-5"]["published"].startswith("2023-09-13")


def test_json_that_is_not_an_article_is_refused_by_name(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "gold.json").write_text(json.dumps({"events": [{"id": "e1", "articles": ["a"]}]}), encoding="utf-8")
    (folder / "empty.json").write_text("[]", encoding="utf-8")
    (folder / "broken.json").write_text('{"text": "Kim\n', encoding="utf-8")
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (folder / "deep.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    (folder / "meta.jsonl").write_text('{"file": "a.txt", "published": "2023-09-13"}\n', encoding="utf-8")
    (folder / "listid.jsonl").write_text(json.dumps({"id": ["x"], "text": ENGLISH}) + "\n", encoding="utf-8")
    report = jobs.ingest(settings, [str(folder)])
    assert report.added == ["a"]  # before, gold.json was stored as an article reading "{"
    said = {Path(e.source).name: str(e) for e in report.errors}
    assert sorted(said) == ["broken.json", "deep.json", "deep.jsonl", "empty.json", "gold.json", "listid.jsonl",
                            "meta.jsonl"]
    assert "'id' must be a string or a whole number, not list" in said["listid.jsonl"]  # it was stored as "['x']"
    assert "not an article" in said["gold.json"] and "not an article" in said["empty.json"]
    assert "malformed JSON at line 1" in said["broken.json"]
    assert "nested too deep" in said["deep.json"] and "nested too deep" in said["deep.jsonl"]
    assert "pass it, as JSONL, with --meta" in said["meta.jsonl"]
    assert set(_ids(settings)) == {"a"}


def test_json_lines_and_values_one_after_another(settings: Settings, tmp_path: Path) -> None:
    lines = tmp_path / "dump.json"  # JSON Lines saved as .json, a broken line among them
    lines.write_text("\n".join(['{"id": "g1", "text": ', json.dumps({"id": "g2", "text": GREEK}, ensure_ascii=False),
                               json.dumps({"id": "e1", "text": ENGLISH})]) + "\n", encoding="utf-8")
    pretty = tmp_path / "pretty.json"  # jq . output: indented objects one after another
    pretty.write_text("\n".join(json.dumps({"id": i, "text": t}, indent=2, ensure_ascii=False)
                                for i, t in (("p1", ITALIAN), ("p2", ENGLISH + " More."))), encoding="utf-8")
    arrays = tmp_path / "arrays.json"  # lists one after another
    arrays.write_text(json.dumps([{"text": ITALIAN + " Poi."}]) + "\n" + json.dumps([{"text": GREEK + " Και."}]),
                      encoding="utf-8")
    broken = tmp_path / "broken_list.json"  # one indented document missing a comma: one error, nothing kept
    broken.write_text('[\n  {"id": "b1", "text": "Kim met Putin."},\n  {"id": "b2", "text": "Kim left."}\n'
                      '  {"id": "b3", "text": "Kim came back."}\n]\n', encoding="utf-8")
    flat = tmp_path / "flat.json"  # a list written by hand, one unindented item a line: a list, not JSON Lines
    flat.write_text("[\n" + ",\n".join(json.dumps({"text": f"Kim met Putin, report {i}."}) for i in (1, 2, 3))
                    + "\n]\n", encoding="utf-8")
    dates = tmp_path / "dates.json"
    dates.write_text(json.dumps([{"text": "Kim met Shoigu on Saturday.", "published": 0},
                                 {"text": "Kim left on Sunday.", "date_publish": "sunday"}]), encoding="utf-8")
    report = jobs.ingest(settings, [str(lines), str(pretty), str(arrays), str(broken), str(flat), str(dates)])
    assert report.added == ["g2", "e1", "p1", "p2", "arrays-1", "arrays-2", "flat-1", "flat-2", "flat-3"]
    assert [(e.source, e.line) for e in report.errors] == [(str(lines), 1), (str(broken), None), (str(dates), None),
                                                           (str(dates), None)]
    assert "malformed JSON at line 4" in str(report.errors[1])
    assert "item 1: 'published' is '0', not a date" in str(report.errors[2])
    assert "item 2: 'date_publish' is 'sunday', not a date" in str(report.errors[3])


@pytest.mark.parametrize("encoding, bom", [("utf-16-le", True), ("utf-16-be", True), ("utf-32-le", True),
                                           ("utf-16-le", False), ("utf-16-be", False)])
def test_jsonl_saved_as_utf16_or_utf32_reads_like_utf8(encoding: str, bom: bool, settings: Settings,
                                                       tmp_path: Path) -> None:
    lines = [json.dumps({"id": "g1", "lang": "el", "text": GREEK}, ensure_ascii=False),
             '{"id": "g2", "text": "broken',
             json.dumps({"id": "i1", "lang": "it", "text": ITALIAN}, ensure_ascii=False)]
    body = "\r\n".join(lines) + "\r\n"
    corpus = tmp_path / "wide.jsonl"
    corpus.write_bytes((("\ufeff" if bom else "") + body).encode(encoding))  # with its mark, as editors save it
    report = jobs.ingest(settings, [str(corpus)])
    assert report.added == ["g1", "i1"]
    assert [(e.source, e.line) for e in report.errors] == [(str(corpus), 2)]
    assert _ids(settings)["g1"]["n_chars"] > 100


def test_a_date_that_is_not_one_is_named_in_jsonl_and_sidecar(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (
        {"id": "ok", "lang": "it", "text": ITALIAN, "published": "2023-09-17T08:30:00Z"},
        {"id": "bad", "lang": "en", "text": ENGLISH, "published": "2023-13-45"},
        {"id": "ahead", "lang": "en", "text": ENGLISH + " Later.", "published": "2099-01-01"})) + "\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(GREEK, encoding="utf-8")
    meta = tmp_path / "meta.jsonl"
    meta.write_text('{"file": "a.txt", "published": "yesterday", "source": "x"}\n', encoding="utf-8")
    report = jobs.ingest(settings, [str(corpus), str(tmp_path / "a.txt")], str(meta))
    assert sorted(report.added) == ["a", "ok"]
    assert sorted((e.source, e.line) for e in report.errors) == [(str(corpus), 2), (str(corpus), 3), (str(meta), 1)]
    said = {e.line: str(e) for e in report.errors if e.source == str(corpus)}
    assert "not a date" in said[2] and "2099-01-01" in said[3] and "cannot lie ahead" in said[3]
    assert "not a date" in str(next(e for e in report.errors if e.source == str(meta)))
    rows = _ids(settings)
    assert rows["ok"]["published"].startswith("2023-09-17") and rows["a"]["published"] is None


def test_sidecar_values_win_over_the_record_and_stay_on_a_plain_re_ingest(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "x", "lang": "it", "text": ITALIAN, "published": "2023-01-01",
                                  "title": "Feed title"}) + "\n", encoding="utf-8")
    meta = tmp_path / "meta.jsonl"
    meta.write_text('{"id": "x", "published": "2023-09-17", "title": "Editor title"}\n', encoding="utf-8")
    assert jobs.ingest(settings, [str(corpus)]).added == ["x"]
    assert jobs.ingest(settings, [str(corpus)], str(meta)).updated == ["x"]  # a late sidecar applies
    assert jobs.ingest(settings, [str(corpus)]).unchanged == ["x"]  # without it, nothing reverts
    row = _ids(settings)["x"]
    assert (row["published"], row["published_source"], row["title"]) == ("2023-09-17", "sidecar", "Editor title")
    corpus.write_text(json.dumps({"id": "x", "lang": "it", "text": ITALIAN + "\nAggiornamento.",
                                  "published": "2023-01-01"}) + "\n", encoding="utf-8")
    assert jobs.ingest(settings, [str(corpus)]).updated == ["x"]  # new text, no sidecar: its date stays
    assert _ids(settings)["x"]["published"] == "2023-09-17"


def test_a_corrected_date_in_the_jsonl_applies_to_unchanged_text(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"

    def write(published: str) -> None:
        corpus.write_text(json.dumps({"id": "x", "lang": "it", "text": ITALIAN, "published": published}) + "\n",
                          encoding="utf-8")

    write("2022-03-01")
    assert jobs.run(settings, [str(corpus)])[0].added == ["x"]
    assert "2023-09-17" not in _ids(settings)["x"]["event_dates"]
    write("2023-09-18")  # the day after Kim left Russia "domenica"
    assert jobs.run(settings, [str(corpus)])[0].updated == ["x"]
    row = _ids(settings)["x"]
    assert (row["published"], row["published_source"]) == ("2023-09-18", "jsonl")
    assert "2023-09-17" in row["event_dates"]  # its dates were resolved again against the corrected one
    assert jobs.run(settings, [str(corpus)])[0].unchanged == ["x"]  # the same date again changes nothing
    meta = tmp_path / "meta.jsonl"
    meta.write_text('{"id": "x", "published": "2023-09-18"}\n', encoding="utf-8")  # the user confirms that date
    jobs.ingest(settings, [str(corpus)], str(meta))
    write("2020-01-01")  # a later corpus file gets it wrong
    assert jobs.ingest(settings, [str(corpus)]).unchanged == ["x"]
    assert (_ids(settings)["x"]["published"], _ids(settings)["x"]["published_source"]) == ("2023-09-18", "sidecar")


def test_oversized_and_undecodable_files(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text(ENGLISH * 3, encoding="utf-8")
    (tmp_path / "ok.txt").write_text(ITALIAN, encoding="utf-8")
    (tmp_path / "garbage.txt").write_bytes(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xC3, 0x28]) * 50 + b"\x00")
    small = Settings(db=settings.db, max_bytes=10_000)
    report = jobs.ingest(small, [str(tmp_path)])
    assert report.added == ["ok"]
    messages = {Path(e.source).name: e.message for e in report.errors}
    assert "over the 10,000-byte limit" in messages["big.txt"]
    assert "binary" in messages["garbage.txt"] or "encoding" in messages["garbage.txt"]


def test_missing_path_is_an_error(settings: Settings, tmp_path: Path) -> None:
    report = jobs.ingest(settings, [str(tmp_path / "nope.txt")])
    assert not report.ok and "no such file" in report.errors[0].message


def test_html_file_gives_text_title_date_language(settings: Settings, tmp_path: Path) -> None:
    page = tmp_path / "kim.html"
    page.write_text(_html("Kim lascia la Russia", ITALIAN, "it-IT", "2023-09-17T08:00:00+00:00"), encoding="utf-8")
    report = jobs.ingest(settings, [str(page)])
    assert report.ok, report.errors
    row = _ids(settings)["kim"]
    assert row["title"] == "Kim lascia la Russia"
    assert row["published"] == "2023-09-17" and row["published_source"] == "html-meta"
    assert row["lang"] == "it" and row["lang_declared"] == "it"
    assert "Copyright" not in row["snippet"] and row["n_sentences"] >= 10


def test_hostile_html_is_handled(settings: Settings, tmp_path: Path) -> None:
    nasty = "<html><body>" + "<div>" * 5000 + "<script>alert(1)</script>" + "</div>" * 10 + "</body></html>"
    (tmp_path / "nasty.html").write_text(nasty, encoding="utf-8")
    report = jobs.ingest(settings, [str(tmp_path / "nasty.html")])
    assert not report.ok and "no article text" in report.errors[0].message
    assert _ids(settings) == {}


def test_html_the_extractor_fails_on_is_an_error_for_that_page_only(settings: Settings, tmp_path: Path) -> None:
    # found by fuzzing: nested SVG fails an assertion in lxml under trafilatura's date search
    (tmp_path / "svg.html").write_text("<svg><svg></svg><a>", encoding="utf-8")
    (tmp_path / "kim.html").write_text(_html("Kim lascia la Russia", ITALIAN, "it-IT", "2023-09-17T08:00:00+00:00"),
                                       encoding="utf-8")
    report = jobs.ingest(settings, [str(tmp_path)])
    assert [str(e) for e in report.errors] == [f"{tmp_path / 'svg.html'}: the HTML extractor failed on this page "
                                               "(AssertionError)"]
    assert report.added == ["kim"]


def test_the_same_record_twice_is_unchanged_and_id_zero_is_an_id(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "twice.jsonl"
    line = json.dumps({"id": "p1", "text": ENGLISH})
    corpus.write_text("\n".join([line, line, json.dumps({"id": 0, "text": ITALIAN}),
                                  json.dumps({"id": 1.5, "text": GREEK})]) + "\n", encoding="utf-8")
    report = jobs.ingest(settings, [str(corpus)])
    assert report.added == ["p1", "0"] and report.unchanged == ["p1"]
    assert [e.message for e in report.errors] == ["'id' must be a string or a whole number, not float"]


def test_template_markup_is_not_article_text(settings: Settings, tmp_path: Path) -> None:
    page = _html("Kim lascia la Russia", ITALIAN, "it-IT", "2023-09-17T08:00:00+00:00")
    page = page.replace("</body>", "<template><p>TEMPLATE LEAK, a card a script would stamp out.</p></template></body>")
    (tmp_path / "kim.html").write_text(page, encoding="utf-8")
    assert jobs.ingest(settings, [str(tmp_path / "kim.html")]).ok
    with jobs.store_for(settings) as store, store.engine.connect() as conn:
        text = conn.exec_driver_sql("SELECT text FROM articles WHERE id = 'kim'").scalar_one()
    assert "Kim" in text and "TEMPLATE LEAK" not in text


def test_a_folder_is_read_for_articles_only(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "kim.txt").write_text(ITALIAN, encoding="utf-8")
    (folder / "NOTES").write_text(ENGLISH, encoding="utf-8")  # no suffix: read as text
    (folder / "2023.09.12").write_text(GREEK, encoding="utf-8")  # a dotted name, no known suffix: read as text
    (folder / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder / "run.sh").write_text("#!/bin/sh\necho hi\n", encoding="utf-8")
    report = jobs.ingest(settings, [str(folder)])
    assert sorted(report.added) == ["2023.09", "NOTES", "kim"]
    assert sorted(e.source.rsplit("/", 1)[-1] for e in report.errors) == ["data.csv", "run.sh"]
    assert all("not read: ." in e.message for e in report.errors)
    assert jobs.ingest(settings, [str(folder / "data.csv")]).added == ["data"]  # named: tried as text
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    broken = jobs.ingest(settings, [str(folder)])
    assert any(e.message == "cannot read it: No such file or directory (a broken link)" for e in broken.errors)
    (tmp_path / "empty").mkdir()
    empty = jobs.ingest(settings, [str(tmp_path / "empty")])
    assert [e.message for e in empty.errors] == ["empty folder: no files to read (hidden ones are skipped)"]


def test_url_and_feed_with_linked_pages(settings: Settings, site: tuple[str, Path]) -> None:
    base, root = site
    (root / "kim.html").write_text(_html("Kim in Russia", ENGLISH, "en", "2023-09-16"), encoding="utf-8")
    (root / "greek.html").write_text(_html("Ο Κιμ στη Ρωσία", GREEK, "el"), encoding="utf-8")
    entry_body = "<p>" + ITALIAN.replace("\n", "</p><p>") + "</p>"
    rss = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test feed</title><language>it</language>
      <item><title>Con corpo</title><link>{base}/none.html</link><guid>e1</guid><pubDate>Sun, 17 Sep 2023 10:00:00 GMT</pubDate>
      <description><![CDATA[{entry_body}]]></description></item>
      <item><title>Solo link</title><link>{base}/greek.html</link><guid>e2</guid><pubDate>Tue, 12 Sep 2023 09:00:00 GMT</pubDate></item>
      <item><title>Link rotto</title><link>{base}/missing.html</link><guid>e3</guid></item>
      <item><title>Solo un riassunto</title><link>{base}/gone.html</link><guid>e4</guid>
      <description>Kim è in Russia.</description></item>
    </channel></rss>"""
    (root / "feed.xml").write_text(rss, encoding="utf-8")
    report = jobs.ingest(settings, [f"{base}/kim.html", f"{base}/feed.xml", "http://127.0.0.1:9/closed"])
    assert len(report.added) == 4, report.errors
    errors = [str(e) for e in report.errors]
    assert any("feed.xml#entry3" in e and "HTTP 404" in e for e in errors)
    # a teaser whose page failed is kept, and the failure is said
    assert any("feed.xml#entry4" in e and "only the feed's 16-character summary is stored" in e for e in errors)
    assert any(e.startswith("http://127.0.0.1:9/closed: cannot fetch") for e in errors)
    rows = list(_ids(settings).values())
    by_title = {r["title"]: r for r in rows}
    assert by_title["Kim in Russia"]["lang"] == "en" and by_title["Kim in Russia"]["published"] == "2023-09-16"
    assert by_title["Solo link"]["lang"] == "el" and by_title["Solo link"]["published"] == "2023-09-12T09:00:00Z"
    assert by_title["Con corpo"]["lang"] == "it" and by_title["Con corpo"]["source"] == "Test feed"
    assert by_title["Con corpo"]["published_source"] == "feed"


def test_broken_feed_file(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "bad.rss").write_text("<rss><channel><item><title>x</ti", encoding="utf-8")
    report = jobs.ingest(settings, [str(tmp_path / "bad.rss")])
    assert not report.ok and "broken feed" in report.errors[0].message
    assert report.errors[0].source == str(tmp_path / "bad.rss")


def test_atom_feed_file(settings: Settings, tmp_path: Path) -> None:
    atom = f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom test</title>
      <entry><title>Kim</title><id>urn:a1</id><updated>2023-09-16T12:00:00Z</updated>
      <content type="text">{ENGLISH}</content></entry></feed>"""
    (tmp_path / "f.atom").write_text(atom, encoding="utf-8")
    report = jobs.ingest(settings, [str(tmp_path / "f.atom")])
    assert report.ok and len(report.added) == 1
    row = next(iter(_ids(settings).values()))
    assert row["published"] == "2023-09-16T12:00:00Z" and row["lang"] == "en"


def test_oversized_url_is_refused(settings: Settings, site: tuple[str, Path]) -> None:
    base, root = site
    (root / "huge.html").write_text(_html("Huge", ENGLISH * 20, "en"), encoding="utf-8")
    report = jobs.ingest(Settings(db=settings.db, max_bytes=20_000), [f"{base}/huge.html"])
    assert not report.ok and "limit" in report.errors[0].message


def test_a_malformed_url_is_an_error_for_it_alone(settings: Settings, site: tuple[str, Path]) -> None:
    # httpx's InvalidURL is no HTTPError: a feed entry linking to "http://[::1" once ended the whole ingest
    base, root = site
    (root / "ok.html").write_text(_html("Fine", ENGLISH, "en"), encoding="utf-8")
    report = jobs.ingest(settings, ["http://[::1", f"{base}/ok.html"])
    assert [str(e) for e in report.errors] == ["http://[::1: not a valid URL: Invalid port: ':1'"]
    assert len(report.added) == 1


def test_same_id_from_another_file_is_refused(settings: Settings, tmp_path: Path) -> None:
    for sub, text in (("a", ITALIAN), ("b", ENGLISH)):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "story.txt").write_text(text, encoding="utf-8")
    report = jobs.ingest(settings, [str(tmp_path / "a"), str(tmp_path / "b")])
    assert report.added == ["story"] and "already used by" in report.errors[0].message
    assert _ids(settings)["story"]["lang"] == "it"


def test_edited_file_updates_in_place(settings: Settings, tmp_path: Path) -> None:
    f = tmp_path / "story.txt"
    f.write_text(ITALIAN, encoding="utf-8")
    jobs.ingest(settings, [str(f)])
    f.write_text(ENGLISH, encoding="utf-8")
    report = jobs.ingest(settings, [str(f)])
    assert report.updated == ["story"]
    rows = _ids(settings)
    assert len(rows) == 1 and rows["story"]["lang"] == "en"
