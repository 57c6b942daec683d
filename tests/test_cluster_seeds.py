"""Events and storylines on the seeds, through the real pipeline and CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SEEDS, SEEDS_META, SHARED, cli_json, run_cli

GOLD = json.loads((SHARED / "corpus" / "seeds.gold.json").read_text(encoding="utf-8"))
GOLD_EVENTS = sorted(sorted(e["articles"]) for e in GOLD["events"])


def _events_by_prefix(db: str) -> list[list[str]]:
    return sorted(sorted(a[:3] for a in e["articles"]) for e in cli_json("events", db=db))


@pytest.mark.parametrize("with_meta", [True, False], ids=["sidecar", "no-sidecar"])
def test_seeds_form_the_gold_events_and_one_storyline(db_url: str, with_meta: bool) -> None:
    args = ["run", str(SEEDS)] + (["--meta", str(SEEDS_META)] if with_meta else [])
    assert run_cli(*args, db=db_url).returncode == 0
    assert _events_by_prefix(db_url) == GOLD_EVENTS
    stories = cli_json("storylines", db=db_url)
    assert len(stories) == 1 and stories[0]["n_articles"] == 5
    assert {"el", "en", "it"} <= set(stories[0]["languages"])
    events = cli_json("events", db=db_url)
    assert all(e["storyline"] == stories[0]["id"] for e in events)
    for e in events:
        assert e["label"] and e["top_entities"] and e["languages"]
    assert cli_json("status", db=db_url)["pending"]["cluster"] == 0


UNRELATED = [  # inside the seeds' dates, sharing no one and nothing with them
    {"id": "tennis", "lang": "en", "published": "2023-09-14",
     "text": "Carlos Alcaraz beat Daniil Medvedev in straight sets to win the Madrid Open final on Thursday, "
             "lifting the trophy in front of a home crowd at the Caja Magica. The Spaniard broke serve twice in "
             "the first set and never faced a break point in the second. 'It is a dream to win here again,' "
             "Alcaraz told reporters, thanking his coach Juan Carlos Ferrero and the fans."},
    {"id": "bakery", "lang": "fr", "published": "2024-03-02",
     "text": "Une boulangerie de Lyon a remporté samedi le concours de la meilleure baguette de la région "
             "Auvergne-Rhône-Alpes. Le jury a salué une croûte dorée et une mie alvéolée. Le boulanger, installé "
             "dans le quartier de la Croix-Rousse depuis quinze ans, fournira l'Élysée pendant un an."},
]


def test_an_unrelated_story_in_the_seeds_dates_founds_its_own_storyline(sqlite_url: str, tmp_path: Path) -> None:
    assert run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=sqlite_url).returncode == 0
    extra = tmp_path / "unrelated.jsonl"
    extra.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in UNRELATED), encoding="utf-8")
    assert run_cli("run", str(extra), db=sqlite_url).returncode == 0
    stories = {s["id"]: s for s in cli_json("storylines", db=sqlite_url)}
    assert len(stories) == 3 and sorted(s["n_articles"] for s in stories.values()) == [1, 1, 5]
    for row in UNRELATED:
        decision = cli_json("explain", row["id"], db=sqlite_url)["decisions"]["storyline"]
        assert decision["created"] and decision["probability"] < 0.3, decision


def test_events_and_storylines_are_listed_by_dates_size_and_entity(sqlite_url: str, tmp_path: Path) -> None:
    assert run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=sqlite_url).returncode == 0
    extra = tmp_path / "unrelated.jsonl"
    extra.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in UNRELATED), encoding="utf-8")
    assert run_cli("run", str(extra), db=sqlite_url).returncode == 0
    every = cli_json("events", db=sqlite_url)

    def listed(*args: str, kind: str = "events") -> list[dict]:
        return cli_json(kind, *args, db=sqlite_url)

    in_september = listed("--from", "2023-09-01", "--to", "2023-09-30")
    assert in_september and all(e["first_date"] <= "2023-09-30" and e["last_date"] >= "2023-09-01" for e in in_september)
    assert len(in_september) < len(every)
    assert [e["id"] for e in listed("--min-articles", "3")] == [e["id"] for e in every if len(e["articles"]) >= 3]
    kim = listed("--entity", "Κιμ Γιονγκ Ουν")  # any script: the Greek name finds the seeds' Kim Jong-un
    assert sorted(a for e in kim for a in e["articles"]) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert [s["n_articles"] for s in listed("--entity", "Alcaraz", kind="storylines")] == [1]
    unknown = run_cli("storylines", "--entity", "Nobody Atall", db=sqlite_url)
    assert unknown.returncode == 1 and "no entity matches 'Nobody Atall'" in unknown.stderr
    assert run_cli("events", "--from", "2023-13-01", db=sqlite_url).returncode == 2
    # for a reader: entities named as articles in their language write them, in full where they do
    greek = next(s for s in listed("--lang", "el", kind="storylines") if s["n_articles"] == 5)
    assert "Κιμ Γιονγκ Ουν" in greek["label"], greek["label"]
    italian = {x["name"] for e in listed("--lang", "it") for x in e["top_entities"]}
    assert {"Mosca", "Corea del Nord"} <= italian and "Kim" not in italian, italian


def test_explain_names_the_shared_entities_and_the_clusters(sqlite_url: str) -> None:
    assert run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=sqlite_url).returncode == 0
    english = "003_6aabda63093ad488"  # joins the Greek report of Kim's arrival
    signals = cli_json("explain", english, db=sqlite_url)["decisions"]["event"]["signals"]
    assert len(signals["shared_names"]) == len(signals["shared_entities"])
    named = dict(zip(signals["shared_entities"], signals["shared_names"]))
    assert "Kim Jong-un" in named.values() and all(not n.startswith(("PER:", "LOC:")) for n in named.values()), named
    shown = run_cli("explain", english, db=sqlite_url).stdout
    assert "Kim Jong-un" in shown and "PER:" not in shown
    # the event and storyline it sits in, by their labels as the listings show them
    placed = cli_json("explain", english, db=sqlite_url)
    event = next(e for e in cli_json("events", db=sqlite_url) if e["id"] == placed["event"])
    story = next(s for s in cli_json("storylines", db=sqlite_url) if s["id"] == placed["storyline"])
    assert placed["labels"][event["id"]] == event["label"] and placed["labels"][story["id"]] == story["label"]
    assert f"«{story['label']}»" in " ".join(shown.split())


def test_an_older_article_ingested_later_renames_no_entity(sqlite_url: str, tmp_path: Path) -> None:
    assert run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=sqlite_url).returncode == 0
    before = {e["id"] for e in cli_json("entities", db=sqlite_url)}
    assert "PER:vladimir-putin" in before
    older = tmp_path / "older.jsonl"
    older.write_text(json.dumps({
        "id": "icc", "lang": "ru", "published": "2023-03-18", "title": "Ордер на арест Владимира Путина",
        "text": "Международный уголовный суд выдал ордер на арест российского президента Владимира Путина по "
                "подозрению в незаконной депортации детей с оккупированных территорий Украины в Россию."},
        ensure_ascii=False) + "\n", encoding="utf-8")
    assert run_cli("run", str(older), db=sqlite_url).returncode == 0  # published before every seed
    after = {e["id"]: e for e in cli_json("entities", db=sqlite_url)}
    assert before <= set(after)
    assert "icc" in {m["article"] for m in after["PER:vladimir-putin"]["mentions"]}


def test_an_article_whose_text_changed_is_clustered_again(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    assert run_cli("run", str(folder), "--meta", str(SEEDS_META), db=db_url).returncode == 0
    visit = next(e for e in cli_json("events", db=db_url) if len(e["articles"]) == 3)
    changed = next(a for a in visit["articles"] if a.startswith("000"))
    (folder / f"{changed}.txt").write_text(UNRELATED[1]["text"], encoding="utf-8")  # the page now tells another story
    proc = run_cli("run", str(folder), "--meta", str(SEEDS_META), db=db_url)
    assert proc.returncode == 0 and "1 updated" in proc.stdout
    assert set(cli_json("status", db=db_url)["pending"].values()) == {0}
    events = {e["id"]: e for e in cli_json("events", db=db_url)}
    assert changed not in events[visit["id"]]["articles"] and len(events[visit["id"]]["articles"]) == 2
    # re-clustered, not just unlisted: the event's running counts no longer include the old text
    assert max(e["articles"] for e in events[visit["id"]]["top_entities"]) == 2
    assert set(events[visit["id"]]["languages"]) == {"el", "en"}
    placed = cli_json("explain", changed, db=db_url)
    assert placed["event"] != visit["id"] and "LOC:pyongyang" not in str(placed["decisions"])


def test_adding_articles_never_renames_events(sqlite_url: str, tmp_path: Path) -> None:
    first = tmp_path / "first"
    first.mkdir()
    for name in ("001_d028cb3f7ff8034f.txt", "004_5507d903b077be36.txt"):
        shutil.copy(SEEDS / name, first / name)
    assert run_cli("run", str(first), "--meta", str(SEEDS_META), db=sqlite_url).returncode == 0
    before = {e["id"]: e["articles"] for e in cli_json("events", db=sqlite_url)}
    assert len(before) == 2
    assert run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=sqlite_url).returncode == 0
    after = {e["id"]: e["articles"] for e in cli_json("events", db=sqlite_url)}
    for eid, members in before.items():
        assert set(members) <= set(after[eid])  # same id, still holding its articles
    assert len(after) == 3


def test_explain_shows_every_signal(sqlite_url: str) -> None:
    assert run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=sqlite_url).returncode == 0
    joined = next(e for e in cli_json("events", db=sqlite_url) if len(e["articles"]) == 3)
    info = cli_json("explain", joined["articles"][-1], db=sqlite_url)
    decision = info["decisions"]["event"]
    assert info["event"] == joined["id"] and not decision["created"]
    assert set(decision["signals"]) >= {"embedding", "entities", "people", "salient", "newcomers", "terms", "gap_days",
                                        "shared_entities"}
    assert "PER:kim-iong-un" in decision["signals"]["shared_entities"] or decision["signals"]["shared_entities"]
    assert info["merged_into"] == {"event": info["event"], "storyline": info["storyline"]}  # nothing merged since
    text = run_cli("explain", joined["articles"][-1], db=sqlite_url).stdout
    assert "embedding" in text and "date gap" in text and "since merged" not in text
    reasons = {a["id"][:3]: cli_json("explain", a["id"], db=sqlite_url)["decisions"]["event"]["reason"]
               for a in cli_json("articles", db=sqlite_url)}
    assert reasons["004"] == "first" and reasons["002"] == "too-far"  # 15 months after the last seed
    assert "over 14 days" in run_cli("explain", next(a["id"] for a in cli_json("articles", db=sqlite_url)
                                                     if a["id"].startswith("002")), db=sqlite_url).stdout
    bad = run_cli("explain", "no-such-article", db=sqlite_url)
    assert bad.returncode == 1 and "no-such-article" in bad.stderr


def test_recluster_keeps_ids_and_timeline_by_event(sqlite_url: str) -> None:
    assert run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=sqlite_url).returncode == 0
    before = {e["id"]: sorted(e["articles"]) for e in cli_json("events", db=sqlite_url)}
    result = cli_json("cluster", "--recluster", db=sqlite_url)
    assert result["assigned"] == 5 and result["events"] == 3
    after = {e["id"]: sorted(e["articles"]) for e in cli_json("events", db=sqlite_url)}
    assert after == before  # same settings, same stream: same events under the same ids
    visit = next(eid for eid, arts in after.items() if len(arts) == 3)
    entries = cli_json("timeline", "--event", visit, db=sqlite_url)
    assert entries and all(set(x["articles"]) <= set(after[visit]) for x in entries)
    assert any(x["date"].startswith("2023-09") for x in entries)


def _seeds_then_older_reports(db: str, tmp_path: Path) -> str:
    """The seeds, then ITN reports on Putin and Korea published before every seed (a re-cluster founds
    the seeds' storyline anew from one of them); the storyline's id before."""
    assert run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=db).returncode == 0
    old = cli_json("storylines", db=db)[0]["id"]
    rows = [json.loads(line) for line in (SHARED / "data" / "itn" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    picked = [r for r in rows if any(k in r["text"] for k in ("Korea", "Corea", "Κορέα", "Корея", "Путин", "Putin"))][:8]
    extra = tmp_path / "older.jsonl"
    extra.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in picked), encoding="utf-8")
    assert run_cli("run", str(extra), db=db).returncode == 0
    return old


def test_a_recluster_cut_short_still_redirects_old_ids(sqlite_url: str, tmp_path: Path) -> None:
    from newsweave.store import event_repo, open_store

    old = _seeds_then_older_reports(sqlite_url, tmp_path)
    store = open_store(sqlite_url)
    try:
        event_repo.clear(store, keep_memberships=True)  # what a re-cluster does first; then the process dies
    finally:
        store.close()
    assert cli_json("status", db=sqlite_url)["pending"]["cluster"] == 13
    assert cli_json("cluster", db=sqlite_url)["assigned"] == 13  # the next run finishes it
    assert old not in {s["id"] for s in cli_json("storylines", db=sqlite_url)}
    assert cli_json("events", "--storyline", old, db=sqlite_url)


def test_a_recluster_cut_short_twice_or_before_its_redirects_keeps_the_first_memberships(
        sqlite_url: str, tmp_path: Path) -> None:
    from newsweave.cluster import stream
    from newsweave.stages import embed_id
    from newsweave.store import event_repo, open_store

    old = _seeds_then_older_reports(sqlite_url, tmp_path)
    store = open_store(sqlite_url)
    try:
        event_repo.clear(store, keep_memberships=True)
        stream.BATCH, batch = 4, stream.BATCH
        try:  # place one batch of four, then die
            pending = event_repo.pending_articles(store, embed_id())[:4]
            clusterer = stream.resume(store, 384, embed_id())
            signals = stream.load_signals(store, pending, embed_id())
            rows = [stream._assignment(a.id, 0, *clusterer.assign(a)) for a in signals]
            stream._flush(store, clusterer, [dict(r, seq=i + 1) for i, r in enumerate(rows)], {}, embed_id(),
                          {a.id: a.seen for a in signals})
        finally:
            stream.BATCH = batch
        event_repo.clear(store, keep_memberships=True)  # a second re-cluster starts over the partial one
        placed, moved = stream._place_pending(store, embed_id(), None)
        assert placed == 13 and moved is not None and not event_repo.recluster_under_way(store)
    finally:
        store.close()
    assert cli_json("events", "--storyline", old, db=sqlite_url)  # the first memberships were kept


def test_a_recluster_that_died_before_its_redirects_is_finished_by_run(
        sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsweave.cluster import stream
    from newsweave.stages import embed_id
    from newsweave.store import event_repo, open_store

    old = _seeds_then_older_reports(sqlite_url, tmp_path)

    def killed(store: object) -> None:
        raise RuntimeError("killed between the last flush and the redirects")

    store = open_store(sqlite_url)
    try:
        event_repo.clear(store, keep_memberships=True)
        monkeypatch.setattr(event_repo, "finish_recluster", killed)
        with pytest.raises(RuntimeError):
            stream._place_pending(store, embed_id(), None)
    finally:
        store.close()
    assert cli_json("status", db=sqlite_url)["pending"]["cluster"] > 0  # the stage still has work
    assert run_cli("run", db=sqlite_url).returncode == 0
    assert cli_json("events", "--storyline", old, db=sqlite_url)
    assert cli_json("status", db=sqlite_url)["pending"]["cluster"] == 0

def test_after_a_recluster_an_old_storyline_id_still_resolves(db_url: str, tmp_path: Path) -> None:
    old = _seeds_then_older_reports(db_url, tmp_path)
    assert cli_json("cluster", "--recluster", db=db_url)["assigned"] == 13
    live = {s["id"]: s for s in cli_json("storylines", db=db_url)}
    assert old not in live  # the precondition: the storyline's founder changed
    events = cli_json("events", "--storyline", old, db=db_url)
    assert events and len({e["storyline"] for e in events}) == 1 and events[0]["storyline"] in live
    assert run_cli("timeline", "--storyline", old, db=db_url).returncode == 0


def test_switching_the_encoder_reclusters_with_the_new_vectors(sqlite_url: str) -> None:
    from newsweave.analyse.encoder import DEFAULT
    from newsweave.store import event_repo, open_store

    assert run_cli("--encoder", "numpy", "run", str(SEEDS), "--meta", str(SEEDS_META), db=sqlite_url).returncode == 0
    assert run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=sqlite_url).returncode == 0
    assert _events_by_prefix(sqlite_url) == GOLD_EVENTS
    assert cli_json("status", db=sqlite_url)["pending"]["cluster"] == 0
    store = open_store(sqlite_url)
    try:
        made_with = event_repo.state_values(store, ("encoder",))["encoder"].decode()
    finally:
        store.close()
    assert made_with == f"{DEFAULT}+lead800"


def test_an_undated_report_naming_only_older_years_stays_out_of_a_later_event(db_url: str, tmp_path: Path) -> None:
    # ECB+ topic 27: Microsoft's emergency Internet Explorer patches of December 2008 (undated articles) and of
    # September 2013 (dated by their datelines). The 2008 report names 2000, 2003 and 2008 and nothing later.
    rows = {json.loads(line)["id"]: json.loads(line) for line in
            (SHARED / "data" / "ecbplus" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()}
    later = ["ecbplus-3b825b6845a1", "ecbplus-46b02103e02d", "ecbplus-5450f6f28aed", "ecbplus-7f3476a36b6c"]
    corpus = tmp_path / "patches.jsonl"
    corpus.write_text("".join(json.dumps(rows[i]) + "\n" for i in [*later, "ecbplus-ddaa8e84ec2f"]), encoding="utf-8")
    assert run_cli("run", str(corpus), db=db_url).returncode == 0
    events = {a: e["id"] for e in cli_json("events", db=db_url) for a in e["articles"]}
    assert len({events[i] for i in later}) == 1 and events["ecbplus-ddaa8e84ec2f"] != events[later[0]]
    decision = cli_json("explain", "ecbplus-ddaa8e84ec2f", db=db_url)["decisions"]["event"]
    assert decision["created"] and decision["signals"]["older"] == 1.0, decision
    from newsweave.cluster.scoring import Signals, load_calibration

    sig, cal = decision["signals"], load_calibration("event")
    alike = Signals(sig["embedding"], sig["entities"], sig["terms"], sig["gap_days"], [], sig["people"],
                    sig["salient"], sig["newcomers"], sig["centroid"], older=0.0)
    assert cal.probability(alike) >= cal.threshold  # without "older" it would have joined the 2013 event
