"""The issue's acceptance path, through the real CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import SEEDS, SEEDS_META, cli_json, run_cli
from newsweave.store import open_store

EXPECTED = {
    "000_03ec97206aa0476c": ("it", "2023-09-17"),
    "001_d028cb3f7ff8034f": ("el", "2023-09-12"),
    "002_3c288dc796538bc9": ("it", "2024-11-29"),
    "003_6aabda63093ad488": ("en", "2023-09-16"),
    "004_5507d903b077be36": ("it", "2023-08-16"),
}
FIELDS = {"id", "lang", "lang_confidence", "published", "title", "source", "n_sentences", "duplicate_of"}


def _ingest_seeds(db: str) -> None:
    proc = run_cli("ingest", str(SEEDS), "--meta", str(SEEDS_META), db=db)
    assert proc.returncode == 0, proc.stderr
    assert "5 added" in proc.stdout or "5 unchanged" in proc.stdout


def _comparable(rows: list[dict]) -> list[dict]:
    return [{k: r[k] for k in sorted(FIELDS | {"published_source", "languages", "n_chars"})} for r in rows]


def test_ingest_seeds_twice_gives_five_articles(db_url: str) -> None:
    _ingest_seeds(db_url)
    _ingest_seeds(db_url)
    rows = cli_json("articles", db=db_url)
    assert len(rows) == 5
    assert {r["id"]: (r["lang"], r["published"]) for r in rows} == EXPECTED
    for r in rows:
        assert FIELDS <= set(r)
        assert r["lang_confidence"] > 0.8
        assert r["published_source"] == "sidecar"
        assert r["n_sentences"] > 10
        assert r["duplicate_of"] is None
    # arrival order is publication order
    assert [r["published"] for r in rows] == sorted(r["published"] for r in rows)


def test_sqlite_and_postgresql_give_the_same_output(sqlite_url: str, pg_url: str) -> None:
    for db in (sqlite_url, pg_url):
        _ingest_seeds(db)
    assert _comparable(cli_json("articles", db=sqlite_url)) == _comparable(cli_json("articles", db=pg_url))


def test_run_leaves_store_fully_analysed(sqlite_url: str) -> None:
    proc = run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=sqlite_url)
    assert proc.returncode == 0, proc.stderr
    assert "5 articles" in proc.stdout and "Κιμ Γιονγκ Ουν" in proc.stdout
    info = cli_json("status", db=sqlite_url)
    assert info["counts"]["articles"] == 5
    assert all(n == 0 for n in info["pending"].values())
    assert info["languages"] == {"it": 3, "el": 1, "en": 1}


def test_bad_files_are_named_and_the_rest_ingested(sqlite_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    for f in SEEDS.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 8)
    (folder / "empty.txt").write_bytes(b"")
    proc = run_cli("ingest", str(folder), "--meta", str(SEEDS_META), db=sqlite_url)
    assert proc.returncode != 0
    assert "photo.jpg: not read: .jpg files are data, code or media" in proc.stderr
    assert "empty.txt: empty file" in proc.stderr
    assert "5 added" in proc.stdout and "2 errors" in proc.stdout
    assert len(cli_json("articles", db=sqlite_url)) == 5


def test_bad_records_are_named_and_the_others_stored(db_url: str, tmp_path: Path) -> None:
    # half an emoji (a lone surrogate), an id used twice in one file, an id and fields too long for a column
    lines = [r'{"id": "s1", "text": "Uno. Il governo ha approvato la legge a Roma.", "title": "Nul\u0000 title"}',
             r'{"id": "s2", "text": "Emoji cut \ud83d in half. Testo."}',
             r'{"id": "s1", "text": "Totally different: floods in Dhaka displaced thousands."}',
             '{"id": "%s", "text": "An article about Oslo rates."}' % ("i" * 300),
             '{"id": "s3", "text": "Officials in Nairobi said results come Friday.", "source": "%s", '
             '"lang": "english-language-tag"}' % ("s" * 300)]
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run_cli("ingest", str(corpus), db=db_url)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"{corpus}:3: id 's1' is already used by {corpus}:1" in proc.stderr
    assert f"{corpus}:4: id 'iiii" in proc.stderr and "300 characters long" in proc.stderr
    stored = {a["id"]: a for a in cli_json("articles", db=db_url)}
    assert sorted(stored) == ["s1", "s2", "s3"] and "Roma" in stored["s1"]["snippet"]
    assert len(stored["s3"]["source"]) == 255 and stored["s3"]["lang_declared"] is None
    assert stored["s1"]["title"] == "Nul title"  # PostgreSQL refuses NUL in text


def test_bad_evaluation_and_training_files_are_one_clear_error(sqlite_url: str, tmp_path: Path) -> None:
    binary = tmp_path / "binary.bin"
    binary.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    bad_conll = tmp_path / "bad.conll"
    bad_conll.write_text("bad\tline\tonly\nEU B-ORG\n\n", encoding="utf-8")
    iobes = tmp_path / "iobes.conll"
    iobes.write_text("Kim\tS-PER\nmet\tO\nPutin\tS-PER\n\n", encoding="utf-8")
    small = tmp_path / "small.conll"
    small.write_text("EU\tB-ORG\nrejects\tO\n\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    cases = [(("eval", "ner", "--data", str(tmp_path / "empty")), "dev.conll: No such file"),
             (("eval", "cluster", "--corpus", str(binary), "--gold", str(binary)), f"{binary}: not UTF-8 text"),
             (("train", "ner", str(bad_conll), "--out", str(tmp_path / "m1")), f"{bad_conll}:1: not a 'token<TAB>tag'"),
             (("train", "ner", str(small), "--out", str(tmp_path / "m2")), "training needs at least 50 sentences"),
             (("train", "ner", str(iobes), "--out", str(tmp_path / "m3")), f"{iobes}:1: not a 'token<TAB>tag'")]
    for args, message in cases:
        proc = run_cli(*args, db=sqlite_url)
        assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, (args, proc.stderr)
    assert not (tmp_path / "m1").exists() and not (tmp_path / "m2").exists()  # nothing half-built


def test_a_damaged_store_is_one_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    assert run_cli("ingest", str(SEEDS), db=str(db)).returncode == 0
    with open(db, "r+b") as fh:  # pages overwritten in the middle of the file
        fh.seek(8192)
        fh.write(b"\0" * 16384)
    for command in ("status", "articles", "search Kim"):
        proc = run_cli(*command.split(), db=str(db))
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, (command, proc.stderr)
        assert "the store cannot be read: database disk image is malformed" in proc.stderr, proc.stderr


def test_unusable_store_is_one_clear_error(tmp_path: Path) -> None:
    proc = run_cli("status", db=str(tmp_path / "missing-dir" / "x.db"))
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("status", db="postgresql://nobody@127.0.0.1:1/none")
    assert proc.returncode == 2
    assert "cannot open store" in proc.stderr and "Traceback" not in proc.stderr
    foreign = tmp_path / "notes.db"
    foreign.write_bytes(b"not a database, just some bytes\n" * 200)
    proc = run_cli("events", db=str(foreign))
    assert proc.returncode == 2
    assert "file is not a database" in proc.stderr and "Traceback" not in proc.stderr
    assert foreign.read_bytes() == b"not a database, just some bytes\n" * 200  # left as it was
    import sqlite3

    app_db = tmp_path / "app.db"  # an application's database: never made a store, by reading or by writing
    with sqlite3.connect(app_db) as conn:
        conn.execute("CREATE TABLE customers (name TEXT)")
    for command in ("status", f"ingest {SEEDS}"):
        proc = run_cli(*command.split(), db=str(app_db))
        assert proc.returncode == 2 and "holds other tables (customers)" in proc.stderr, proc.stderr
    with sqlite3.connect(app_db) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["customers"]
    for command in ("events", "search Kim", "status"):  # a mistyped --db for a command that only reads
        proc = run_cli(*command.split(), db=str(tmp_path / "typo.db"))
        assert proc.returncode == 2 and "no store at" in proc.stderr and "Traceback" not in proc.stderr, command
    assert not (tmp_path / "typo.db").exists()


def test_run_without_inputs_finishes_what_ingest_stored(sqlite_url: str) -> None:
    assert run_cli("ingest", str(SEEDS), "--meta", str(SEEDS_META), db=sqlite_url).returncode == 0
    pending = cli_json("status", db=sqlite_url)["pending"]
    # linking and clustering wait on entities and vectors: their work is counted before those exist
    assert pending["embed"] == pending["entities"] == pending["link"] == pending["cluster"] == 5
    proc = run_cli("run", db=sqlite_url)
    assert proc.returncode == 0, proc.stderr
    assert set(cli_json("status", db=sqlite_url)["pending"].values()) == {0}
    assert len(cli_json("events", db=sqlite_url)) == 3


def test_a_sidecar_given_later_dates_the_stored_articles(db_url: str) -> None:
    assert run_cli("run", str(SEEDS), db=db_url).returncode == 0
    assert {a["published"] for a in cli_json("articles", db=db_url)} >= {None}
    proc = run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=db_url)
    assert proc.returncode == 0 and "updated" in proc.stdout
    arts = {a["id"][:3]: a for a in cli_json("articles", db=db_url)}
    assert arts["000"]["published"] == "2023-09-17" and arts["000"]["published_source"] == "sidecar"
    assert set(cli_json("status", db=db_url)["pending"].values()) == {0}
    dates = {(r["text"], r["value"]) for r in cli_json("dates", "--article", arts["000"]["id"], db=db_url)}
    assert ("domenica", "2023-09-17") in dates  # resolved against the new publication date
    events = cli_json("events", db=db_url)
    assert len(events) == 3 and all(e["first_date"] for e in events)
    again = run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=db_url)
    assert "0 updated, 5 unchanged" in again.stdout
    plain = run_cli("run", str(SEEDS), db=db_url)  # without the sidecar: what it set stays
    assert "0 updated, 5 unchanged" in plain.stdout
    assert {a["id"][:3]: a["published_source"] for a in cli_json("articles", db=db_url)}["000"] == "sidecar"


def test_an_unreadable_sidecar_stops_before_anything_is_stored(sqlite_url: str, tmp_path: Path) -> None:
    proc = run_cli("ingest", str(SEEDS), "--meta", str(tmp_path / "missing.jsonl"), db=sqlite_url)
    assert proc.returncode == 2 and "missing.jsonl: cannot read metadata file" in proc.stderr
    assert "Traceback" not in proc.stderr and not Path(sqlite_url).exists()  # the sidecar is read first


def test_unknown_ids_and_types_are_errors_not_empty_lists(sqlite_url: str) -> None:
    assert run_cli("run", str(SEEDS), db=sqlite_url).returncode == 0
    for args, said, code in ((("dates", "--article", "nosuch"), "no article 'nosuch'", 1),
                             (("entities", "--article", "nosuch"), "no article 'nosuch'", 1),
                             (("explain", "nosuch"), "no article 'nosuch'", 1),
                             (("timeline", "--event", "ev-nosuch"), "no event 'ev-nosuch'", 1),
                             (("entities", "--type", "FOO"), "no entity type 'FOO'", 2),
                             (("events", "--storyline", "st-nosuch"), "no storyline 'st-nosuch'", 1),
                             (("search", "train", "--entity", "Nosuch Person"), "no entity matches 'Nosuch Person'", 1),
                             (("search", "train", "--entity", ""), "no entity matches ''", 1),
                             (("quotes", "--entity", ""), "no entity matches ''", 1)):
        proc = run_cli(*args, db=sqlite_url)  # an unknown id is bad input (1), an unknown type bad usage (2)
        assert proc.returncode == code and said in proc.stderr, (args, proc.stderr)
    people = cli_json("entities", "--type", "per", db=sqlite_url)
    assert people and {e["type"] for e in people} == {"PER"}
    story = cli_json("storylines", db=sqlite_url)[0]["id"]
    assert len(cli_json("events", "--storyline", story, db=sqlite_url)) == 3


def test_help_explains_commands() -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0
    for cmd in ("ingest", "run", "articles", "status"):
        assert cmd in proc.stdout


def test_encoder_choice_is_checked_and_applied(tmp_path: Path) -> None:
    proc = run_cli("--encoder", "no-such-encoder@0", "status", db=str(tmp_path / "x.db"))
    assert proc.returncode == 2
    assert "unknown encoder" in proc.stderr and "Traceback" not in proc.stderr
    doc = tmp_path / "a.txt"
    doc.write_text("Kim Jong Un arrived in Vladivostok by armoured train on Tuesday.\n", encoding="utf-8")
    db = str(tmp_path / "y.db")
    assert run_cli("--encoder", "numpy", "run", str(doc), db=db).returncode == 0
    store = open_store(db)
    try:
        with store.engine.connect() as conn:
            made = set(conn.execute(text("SELECT DISTINCT encoder FROM vectors")).scalars())
    finally:
        store.close()
    assert made == {"e5-small-q4-numpy@1+lead800"}
    # status tells which encoder this run would use and whose vectors the store holds: the default's are pending
    info = cli_json("status", db=db)
    assert info["encoder"] != "e5-small-q4-numpy@1+lead800" and info["pending"]["embed"] == 1
    assert info["vectors_by_encoder"] == {"e5-small-q4-numpy@1+lead800": 1}
    info = cli_json("--encoder", "numpy", "status", db=db)
    assert info["encoder"] == "e5-small-q4-numpy@1+lead800" and info["pending"]["embed"] == 0
    assert "encoder: e5-small-q4-numpy@1+lead800 (vectors held: e5-small-q4-numpy@1+lead800 1)" in \
        run_cli("--encoder", "numpy", "status", db=db).stdout


def test_a_device_torch_cannot_use_is_refused_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    monkeypatch.setenv("NEWSWEAVE_DEVICE", "cuda")
    db = tmp_path / "x.db"
    for how in (["--encoder", "torch"], []):  # the flag, or the choice made in $NEWSWEAVE_ENCODER
        monkeypatch.setenv("NEWSWEAVE_ENCODER", "numpy" if how else "torch")
        proc = run_cli(*how, "run", str(SEEDS), db=str(db))
        assert proc.returncode == 2 and "no CUDA GPU" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        assert not db.exists()  # refused before a store was made


def test_a_narrow_terminal_leaves_out_whole_event_columns_not_the_count() -> None:
    from newsweave.cli_stories import _EVENT_COLUMNS, _fitting_columns

    def _fitting(width: int) -> list[str]:
        return _fitting_columns(_EVENT_COLUMNS, ("top entities", "storyline", "languages"), width)

    assert _fitting(160) == ["id", "dates", "articles", "languages", "label", "top entities", "storyline"]
    assert _fitting(110) == ["id", "dates", "articles", "languages", "label", "storyline"]
    assert _fitting(100) == ["id", "dates", "articles", "languages", "label"]
    assert _fitting(80) == ["id", "dates", "articles", "label"]
    assert _fitting(40)[:3] == ["id", "dates", "articles"]


def test_the_entities_table_keeps_ids_whole_and_short_columns_legible() -> None:
    from newsweave.cli import _entity_widths

    rows = [{"id": "PER:" + "x" * 54, "languages": ["el", "en", "fa", "fr", "id", "it", "ko", "ms", "oc"]},
            {"id": "LOC:russia", "languages": ["en"]}]
    for total in (160, 140, 100, 80, 60):
        widths = _entity_widths(rows, total)
        assert widths["id"] == 58 and widths["type"] >= 4 and widths["mentions"] >= len("mentions")
        assert len("languages") <= widths.get("languages", 9) <= 20
        assert sum(widths.values()) + 3 * len(widths) + 1 <= total or list(widths) == ["id", "type", "mentions"]
    assert list(_entity_widths(rows, 160)) == ["id", "name", "type", "languages", "mentions", "aliases"]
    assert list(_entity_widths(rows, 100)) == ["id", "name", "type", "mentions"]
