"""Events when stored articles change, and near-duplicates across runs, through the real pipeline and CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import SEEDS, SEEDS_META, cli_json, run_cli
import pytest
from sqlalchemy import select

from newsweave.store import event_repo, open_store
from newsweave.store import schema as t

VISIT = "003_6aabda63093ad488"  # the English report of Kim's September 2023 trip (three seeds report it)
LETTERS = "004_5507d903b077be36"  # the August 2023 letters: an event of its own


def _seeds(tmp_path: Path, db: str) -> tuple[Path, Path]:
    """The seeds in a folder of their own, run once; the folder and a copy of the sidecar to extend."""
    folder, meta = tmp_path / "seeds", tmp_path / "meta.jsonl"
    shutil.copytree(SEEDS, folder)
    shutil.copy(SEEDS_META, meta)
    assert run_cli("run", str(folder), "--meta", str(meta), db=db).returncode == 0
    return folder, meta


def _near_copy(folder: Path, meta: Path, source: str, name: str, published: str) -> None:
    """A near-copy of ``source`` (one sentence more) as ``name``, dated ``published`` in the sidecar."""
    text = (folder / f"{source}.txt").read_text(encoding="utf-8")
    (folder / f"{name}.txt").write_text(text + "\n\nThe agency updated this report.\n", encoding="utf-8")
    with meta.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"file": f"{name}.txt", "lang": "en", "published": published}) + "\n")


def _cut_short_recluster(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A re-cluster that stops after placing its first article (a crash, Ctrl-C)."""
    from newsweave.cluster import stream
    from newsweave.stages import embed_id

    flushed = stream._flush

    def cut(*args, **kwargs):
        flushed(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(stream, "BATCH", 1)
    monkeypatch.setattr(stream, "_flush", cut)
    store = open_store(db)
    try:
        with pytest.raises(KeyboardInterrupt):
            stream.recluster(store, embed_id())
    finally:
        store.close()
        monkeypatch.undo()


def _event_of(article: str, db: str) -> str:
    return next(e["id"] for e in cli_json("events", db=db) if article in e["articles"])


def test_an_event_whose_only_article_moves_resolves_to_where_it_went(sqlite_url: str, tmp_path: Path) -> None:
    folder, meta = _seeds(tmp_path, sqlite_url)
    letters = _event_of(LETTERS, sqlite_url)
    assert len(next(e for e in cli_json("events", db=sqlite_url) if e["id"] == letters)["articles"]) == 1
    # the letters page now carries a near-copy of the visit report, a day later: it joins the visit's event
    text = (folder / f"{VISIT}.txt").read_text(encoding="utf-8")
    (folder / f"{LETTERS}.txt").write_text(text + "\n\nThe agency updated this report.\n", encoding="utf-8")
    meta.write_text(meta.read_text(encoding="utf-8").replace("2023-08-16", "2023-09-17"), encoding="utf-8")
    assert run_cli("run", str(folder), "--meta", str(meta), db=sqlite_url).returncode == 0
    visit = _event_of(VISIT, sqlite_url)
    assert _event_of(LETTERS, sqlite_url) == visit
    # the letters' old event id is gone from the listing but still leads to its article
    assert letters not in {e["id"] for e in cli_json("events", db=sqlite_url)}
    store = open_store(sqlite_url)
    try:
        assert event_repo.resolve(store, t.events, letters) == visit
    finally:
        store.close()


def test_a_near_copy_of_a_changed_original_is_placed_on_its_own(sqlite_url: str, tmp_path: Path) -> None:
    folder, meta = _seeds(tmp_path, sqlite_url)
    _near_copy(folder, meta, VISIT, "005_copy", "2023-09-16")
    assert run_cli("run", str(folder), "--meta", str(meta), db=sqlite_url).returncode == 0
    copy = next(a for a in cli_json("articles", db=sqlite_url) if a["id"] == "005_copy")
    assert copy["duplicate_of"] == VISIT
    assert cli_json("explain", "005_copy", db=sqlite_url)["decisions"]["event"]["reason"] == "duplicate"
    # the original now tells another story: the copy no longer copies anything stored, and stays with the visit
    (folder / f"{VISIT}.txt").write_text(
        "Carlos Alcaraz beat Daniil Medvedev in straight sets to win the Madrid Open final on Thursday, lifting "
        "the trophy in front of a home crowd at the Caja Magica.", encoding="utf-8")
    assert run_cli("run", str(folder), "--meta", str(meta), db=sqlite_url).returncode == 0
    copy = next(a for a in cli_json("articles", db=sqlite_url) if a["id"] == "005_copy")
    assert copy["duplicate_of"] is None
    placed = cli_json("explain", "005_copy", db=sqlite_url)["decisions"]["event"]
    assert placed["reason"] != "duplicate"
    assert _event_of("005_copy", sqlite_url) == _event_of("000_03ec97206aa0476c", sqlite_url)
    assert _event_of(VISIT, sqlite_url) != _event_of("005_copy", sqlite_url)


def test_an_event_keeps_its_id_with_its_reports_when_its_founding_report_tells_another_story(
        db_url: str, tmp_path: Path) -> None:
    folder, meta = _seeds(tmp_path, db_url)  # both databases: the edit is noted in the stream state
    founder = "001_d028cb3f7ff8034f"  # the Greek report of the visit arrived first: the event bears its id
    trip = _event_of(VISIT, db_url)
    assert _event_of(founder, db_url) == trip
    (folder / f"{founder}.txt").write_text(
        "Carlos Alcaraz beat Daniil Medvedev in straight sets to win the Madrid Open final on Thursday, lifting "
        "the trophy in front of a home crowd at the Caja Magica.", encoding="utf-8")
    assert run_cli("ingest", str(folder), "--meta", str(meta), db=db_url).returncode == 0
    # only the edited report waits (for its vector), though the store is due a re-cluster
    assert "note: 1 article not clustered yet" in run_cli("events", db=db_url).stderr
    assert run_cli("run", db=db_url).returncode == 0
    # the visit's other reports keep the id; the edited report's new story gets one of its own
    assert _event_of(VISIT, db_url) == trip == _event_of("000_03ec97206aa0476c", db_url)
    assert _event_of(founder, db_url) != trip
    timeline = cli_json("timeline", "--event", trip, db=db_url)
    assert timeline and all(founder not in line["articles"] for line in timeline)
    placed = {e["id"]: e["articles"] for e in cli_json("events", db=db_url)}
    # and it stays so: a re-cluster of the unchanged store, and another edit of the same report
    assert cli_json("cluster", "--recluster", db=db_url)["events"] == len(placed)
    assert {e["id"]: e["articles"] for e in cli_json("events", db=db_url)} == placed
    (folder / f"{founder}.txt").write_text(
        "Heavy rain flooded the centre of Valencia on Monday, closing schools and roads as the river burst its "
        "banks after three days of storms.", encoding="utf-8")
    assert run_cli("run", str(folder), "--meta", str(meta), db=db_url).returncode == 0
    assert _event_of(VISIT, db_url) == trip != _event_of(founder, db_url)


def test_a_near_copy_follows_its_original_placed_in_an_earlier_run(sqlite_url: str, tmp_path: Path) -> None:
    folder, meta = _seeds(tmp_path, sqlite_url)
    visit = _event_of(VISIT, sqlite_url)
    # republished six weeks later: scored on its own it would be too far from the event's dates
    _near_copy(folder, meta, VISIT, "005_copy", "2023-10-30")
    assert run_cli("run", str(folder), "--meta", str(meta), db=sqlite_url).returncode == 0
    assert cli_json("explain", "005_copy", db=sqlite_url)["decisions"]["event"]["reason"] == "duplicate"
    assert _event_of("005_copy", sqlite_url) == visit


def test_an_event_founded_again_under_a_redirected_id_gets_its_label_back(sqlite_url: str) -> None:
    from sqlalchemy import update

    assert run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=sqlite_url).returncode == 0
    events = {e["id"]: e for e in cli_json("events", db=sqlite_url)}
    letters = _event_of(LETTERS, sqlite_url)
    other = next(e for e in events if e != letters)
    store = open_store(sqlite_url)
    try:  # as an earlier re-cluster leaves an id that went away: a redirect stub, without label or founder
        with store.engine.begin() as conn:
            conn.execute(update(t.events).where(t.events.c.id == letters).values(
                merged_into=other, label="", founded_by="", is_open=0))
    finally:
        store.close()
    assert cli_json("cluster", "--recluster", db=sqlite_url)["events"] == 3
    again = {e["id"]: e for e in cli_json("events", db=sqlite_url)}
    assert again[letters]["label"] == events[letters]["label"] != ""


def test_explain_tells_an_unknown_id_from_an_article_not_clustered_yet(sqlite_url: str, tmp_path: Path) -> None:
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(SEEDS / f"{LETTERS}.txt", one)
    assert run_cli("ingest", str(one), db=sqlite_url).returncode == 0  # stored, not analysed
    waiting = run_cli("explain", LETTERS, db=sqlite_url)
    assert waiting.returncode == 2 and "not clustered yet: run 'newsweave run'" in waiting.stderr
    unknown = run_cli("explain", "nosuch", db=sqlite_url)
    assert unknown.returncode == 1 and "no article 'nosuch'" in unknown.stderr
    for listing in ("events", "storylines"):  # empty, and saying why
        empty = run_cli(listing, "--json", db=sqlite_url)
        assert empty.returncode == 0 and json.loads(empty.stdout) == []
        assert "1 article not clustered yet" in empty.stderr, empty.stderr
    both = run_cli("timeline", "--event", "ev-x", "--storyline", "st-x", db=sqlite_url)
    assert both.returncode == 2 and "at most one of --event or --storyline" in both.stderr


def test_an_untitled_report_is_labelled_by_its_first_line_after_the_dateline_and_the_chrome(sqlite_url: str, tmp_path: Path) -> None:
    # ECB+'s untitled reports open with a date stamp, which used to name their events ("April 27, 2009")
    body = {"coach": "The Philadelphia 76ers fired coach Jim O'Brien on Monday after a single season in charge.",
            "volcano": "Flights across northern Europe were grounded on Tuesday as the ash cloud spread south.",
            "vote": "Barack Obama was elected president on Tuesday, winning states that had voted Republican for decades.",
            "chess": "Magnus Carlsen kept his world chess championship title in Dubai on Friday after winning the "
                     "eleventh game.",
            "marathon": "Kelvin Kiptum ran the Chicago marathon in two hours and thirty-five seconds on Sunday, a "
                        "world record for the distance."}
    cookies = "We use cookies to improve your experience on our site and to show you advertising that you may like"
    docs = [("stamped", "MONDAY, MAY 23, 2005\n\nSixers fire coach Jim O'Brien after one season\n\n" + body["coach"]),
            ("updated", "Updated: May 24, 2010, 3:23 PM ET\n\nAsh cloud grounds European flights\n\n" + body["volcano"]),
            ("headline", "Obama wins, November 4, 2008\n\n" + body["vote"]),
            # a scraped page's chrome, on too few pages to be found furniture: no word of it is in the prose
            ("chrome", "Jump to navigation\n\nSubscribe now for one euro a month\n\n"
                       "Carlsen retains world chess title in Dubai\n\n" + body["chess"]),
            # a notice printed twice is prose only to itself
            ("twice", f"{cookies}\n\n{cookies}\n\nKiptum breaks the marathon world record\n\n" + body["marathon"])]
    corpus = tmp_path / "untitled.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "lang": "en", "title": None, "text": x}) + "\n" for i, x in docs),
                      encoding="utf-8")
    assert run_cli("run", str(corpus), db=sqlite_url).returncode == 0
    labels = {a: e["label"] for e in cli_json("events", db=sqlite_url) for a in e["articles"]}
    assert labels["stamped"] == "Sixers fire coach Jim O'Brien after one season"
    assert labels["updated"] == "Ash cloud grounds European flights"  # "Updated", "PM ET" beside the stamp
    assert labels["headline"] == "Obama wins, November 4, 2008"  # two words beside the date: a headline
    assert labels["chrome"] == "Carlsen retains world chess title in Dubai"
    assert labels["twice"] == "Kiptum breaks the marathon world record"
    store = open_store(sqlite_url)
    try:  # the rule's premise: each first line holds a date the time stage took for the publication date
        with store.engine.connect() as conn:
            x = t.time_exprs.c
            stamped = set(conn.execute(select(x.article_id).where((x.role == "publication") & (x.start_char < 40)))
                          .scalars())
    finally:
        store.close()
    assert stamped == {"stamped", "updated", "headline"}


def test_an_edit_while_a_re_cluster_is_cut_short_is_still_noted(sqlite_url: str, tmp_path: Path,
                                                                 monkeypatch) -> None:
    folder, meta = _seeds(tmp_path, sqlite_url)
    trip = _event_of(VISIT, sqlite_url)
    _cut_short_recluster(sqlite_url, monkeypatch)
    # the visit's founding report, not placed again yet, now tells another story
    (folder / "001_d028cb3f7ff8034f.txt").write_text(
        "Carlos Alcaraz beat Daniil Medvedev in straight sets to win the Madrid Open final on Thursday.",
        encoding="utf-8")
    assert run_cli("run", str(folder), "--meta", str(meta), db=sqlite_url).returncode == 0
    assert _event_of(VISIT, sqlite_url) == trip != _event_of("001_d028cb3f7ff8034f", sqlite_url)


def test_a_typo_fixed_in_a_founding_report_renames_nothing(sqlite_url: str, tmp_path: Path) -> None:
    folder, meta = _seeds(tmp_path, sqlite_url)
    before = {e["id"]: (e["articles"], e["storyline"]) for e in cli_json("events", db=sqlite_url)}
    founder = folder / "001_d028cb3f7ff8034f.txt"  # founded the visit's event
    founder.write_text(founder.read_text(encoding="utf-8").replace("έφθασε", "έφτασε", 1), encoding="utf-8")
    letters = folder / f"{LETTERS}.txt"  # founded the storyline of all five
    letters.write_text(letters.read_text(encoding="utf-8") + " .", encoding="utf-8")
    assert run_cli("run", str(folder), "--meta", str(meta), db=sqlite_url).returncode == 0
    assert {e["id"]: (e["articles"], e["storyline"]) for e in cli_json("events", db=sqlite_url)} == before


def test_a_date_changed_while_a_re_cluster_is_cut_short_places_it_as_an_uncut_one_would(
        sqlite_url: str, tmp_path: Path, monkeypatch) -> None:
    later = tmp_path / "later.jsonl"  # the report of November 2024, not placed again yet, moves before all others
    reference = str(tmp_path / "reference.db")
    folder, meta = _seeds(tmp_path, sqlite_url)
    later.write_text(meta.read_text(encoding="utf-8").replace("2024-11-29", "2023-08-01"), encoding="utf-8")
    assert run_cli("run", str(folder), "--meta", str(meta), db=reference).returncode == 0
    assert run_cli("run", str(folder), "--meta", str(later), db=reference).returncode == 0
    _cut_short_recluster(sqlite_url, monkeypatch)
    assert run_cli("run", str(folder), "--meta", str(later), db=sqlite_url).returncode == 0
    placed = {e["id"]: e["articles"] for e in cli_json("events", db=sqlite_url)}
    assert placed == {e["id"]: e["articles"] for e in cli_json("events", db=reference)}
