"""Incremental linking: going on from the last run's linker must give what a full relink gives."""

from __future__ import annotations

import pickle
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import SEEDS, SHARED
from newsweave.link import Linker, Mention
from newsweave.link.incremental import _entity_row, link_store
from newsweave.stages import LINK_VERSION

MEANTIME = SHARED / "data" / "meantime"


def _meantime_articles() -> list[list[Mention]]:
    from newsweave.eval.link import _load

    mentions, _ = _load(MEANTIME)
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_article[m.article].append(m)
    return list(by_article.values())


@pytest.mark.skipif(not MEANTIME.exists(), reason="shared MEANTIME data not present")
def test_written_changes_of_a_restored_linker_equal_a_full_relink() -> None:
    """Half of MEANTIME (4 languages, 4,500 mentions) linked, saved as the checkpoint's JSON and restored, then the rest
    added: the rows an incremental run writes (touched entities upserted, moved ones redirected)
    turn the first half's rows into exactly the rows of one linker over everything."""
    articles = _meantime_articles()
    half = len(articles) // 2
    first = Linker(keep_mentions=False)  # as the link stage keeps it
    links: dict = {}
    for ms in articles[:half]:
        links.update(first.add(ms))
    first.take_touched()
    rows = {e.id: _entity_row(e) for e in first.entities()}
    links = {m: first.resolve(e) for m, e in links.items()}
    first.drop_unmatchable()  # as the link stage does before saving its checkpoint

    linker = _round_trip(first)
    assert _snapshot(linker) == _snapshot(first)
    for ms in articles[half:]:
        for m, eid in linker.add(ms):
            links[m] = eid
    touched = linker.take_touched()
    moved = {i: linker.resolve(i) for i in touched if not linker.has(i)}
    assert moved, "the second half merges or retypes some entities of the first"
    for i in touched:
        rows.pop(i, None)
        if linker.has(i):
            rows[i] = _entity_row(linker.entity(i))
    links = {m: linker.resolve(moved.get(e, e)) for m, e in links.items()}

    full = Linker()
    for ms in articles:
        full.add(ms)
    assert rows == {e.id: _entity_row(e) for e in full.entities()}
    assert links == {m: e.id for e in full.entities() for m in e.mentions}


def _snapshot(linker: Linker) -> dict:
    """Everything a linker holds, each container with its type, and in order where order can decide
    anything (an entity's Counters break ties between its names)."""
    def plain(x: object) -> object:
        if isinstance(x, dict):
            return type(x).__name__, [(k, plain(v)) for k, v in x.items()]
        return (type(x).__name__, sorted(x)) if isinstance(x, set) else x

    out = {k: plain(v) for k, v in vars(linker).items() if k != "_ents"}
    out = {k: (v[0], sorted(v[1])) if k.startswith(("_by_", "_surnames", "_pending", "_parent")) else v
           for k, v in out.items()}  # the indexes' own order decides nothing
    out["_ents"] = [(i, type(e).__name__, {f: plain(x) for f, x in vars(e).items()}) for i, e in linker._ents.items()]
    return out


def test_a_restored_linker_holds_every_field_it_had() -> None:
    """Every field of every entity, and every part of the linker, comes back from the checkpoint as it
    was: a field added later and not saved fails here."""
    from dataclasses import fields

    from newsweave.link.linker import _Ent

    linker = Linker(keep_mentions=False)
    articles = [[("Vladimir Putin", "PER", "en"), ("Russia", "LOC", "en")], [("Βλαντίμιρ Πούτιν", "PER", "el")], [("Putin", "PER", "it")],
                [("Smith", "PER", "en")], [("KCNA", "ORG", "en"), ("Korean Central News Agency", "ORG", "en")],
                [("Mosca", "LOC", "it")], [("Apple Computer", "ORG", "en"), ("Apple", "ORG", "en")],
                [("Acme", "LOC", "en")], [("Acme", "ORG", "en")], [("Acme", "ORG", "fr")],
                [("Muammar Gheddafi", "PER", "it")], [("Mouammar Kadhafi", "PER", "fr")], [("Muamar Gadafi", "PER", "es")]]
    for k, names in enumerate(articles):
        at = 0
        ms = []
        for text, etype, lang in names:
            ms.append(Mention(f"a{k}", text, etype, lang, at, at + len(text)))
            at += len(text) + 1
        linker.add(ms)
    restored = _round_trip(linker)
    assert _snapshot(restored) == _snapshot(linker)
    for f in fields(_Ent):  # the linkage above fills every field somewhere
        assert any(getattr(e, f.name) for e in linker._ents.values()), f.name
    fresh = vars(Linker(keep_mentions=False))
    assert set(vars(restored)) == set(fresh)
    assert [k for k, v in vars(linker).items()
            if v == fresh[k] and k not in ("_assigned", "reader_lang")] == [], "every part of the linker is exercised"


def _round_trip(linker: Linker) -> Linker:
    """The linker as the link stage saves and restores it."""
    from datetime import datetime

    from newsweave.link.incremental import _Checkpoint, _dump, _load

    cp = _load(_dump(_Checkpoint("v", linker, (datetime(2026, 1, 2, 3, 4), "a1"))), "v")
    assert cp is not None and cp.last == (datetime(2026, 1, 2, 3, 4), "a1")
    return cp.linker


def _ingest_and_link(url: str, batches: list[list[Path]]) -> list:
    from newsweave import jobs
    from newsweave.core.config import Settings
    from newsweave.store import entity_repo, open_store

    settings = Settings(db=url)
    reports = []
    for files in batches:
        jobs.ingest(settings, [str(f) for f in files])
        jobs.analyse(settings, only={"text", "entities"})
        store = open_store(url)
        try:
            reports.append(link_store(store, entity_repo.articles_to_link(store, LINK_VERSION), LINK_VERSION))
        finally:
            store.close()
    return reports


def _linked(url: str) -> tuple[list, list]:
    from newsweave.store import open_store
    from newsweave.store import schema as t

    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            ents = sorted(tuple(r) for r in conn.execute(select(t.entities)))
            links = sorted(tuple(r) for r in conn.execute(
                select(t.mentions.c.article_id, t.mentions.c.idx, t.mentions.c.entity_id)))
    finally:
        store.close()
    return ents, links


def test_new_articles_are_linked_on_from_the_checkpoint(db_url: str, tmp_path: Path) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    first, then = _ingest_and_link(db_url, [seeds[:3], seeds[3:]])
    assert (first.incremental, first.articles) == (False, 3)
    assert (then.incremental, then.articles) == (True, 2)
    at_once = str(tmp_path / "at_once.db")
    _ingest_and_link(at_once, [seeds[:3]])  # the same ingest order, one full relink over all five
    from newsweave.store import entity_repo, open_store

    store = open_store(at_once)
    try:
        from newsweave import jobs
        from newsweave.core.config import Settings

        jobs.ingest(Settings(db=at_once), [str(f) for f in seeds[3:]])
        jobs.analyse(Settings(db=at_once), only={"text", "entities"})
        from newsweave.store import schema as t

        with store.engine.begin() as conn:
            conn.execute(t.link_state.delete())
        assert not link_store(store, entity_repo.articles_to_link(store, LINK_VERSION), LINK_VERSION).incremental
    finally:
        store.close()
    assert _linked(db_url) == _linked(at_once)


def test_replaced_mentions_of_a_linked_article_mean_a_full_relink(sqlite_url: str, tmp_path: Path) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    edited = tmp_path / seeds[0].name
    edited.write_text(seeds[0].read_text(encoding="utf-8") + "\nVladimir Putin ha parlato a Mosca.\n",
                      encoding="utf-8")
    _, again = _ingest_and_link(sqlite_url, [seeds[:2], [edited]])
    assert not again.incremental  # its old mentions are in the checkpoint: everything is relinked
    ents, links = _linked(sqlite_url)
    assert all(e is not None for _, _, e in links)


def test_entities_do_not_depend_on_the_process_hash_seed() -> None:
    """Two bare "Mitterrand"s waiting for a full name once merged into it in a set's order, which
    differs between processes: the entity's aliases came out in another order on every run."""
    import os
    import subprocess
    import sys

    code = ("from newsweave.link import Mention, link_mentions\n"
            "ms = [Mention('a1', 'Mitterrand', 'PER', 'fr', 0, 10), Mention('a1', 'Miterrand', 'PER', 'fr', 20, 29),\n"
            "      Mention('a2', 'Mitterrand', 'PER', 'fr', 0, 10), Mention('a2', 'Mitterand', 'PER', 'fr', 20, 29),\n"
            "      Mention('a3', 'François Mitterrand', 'PER', 'fr', 0, 19)]\n"
            "print([(e.id, e.aliases) for e in link_mentions(ms)])")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in "123456"}
    assert outs == {"[('PER:frankois-miterand', {'fr': ['François Mitterrand', 'Mitterrand', 'Miterrand', "
                    "'Mitterand']})]\n"}


def test_a_checkpoint_dropped_during_a_run_is_not_written_back(sqlite_url: str, monkeypatch) -> None:
    """Another process replacing a linked article's mentions drops the checkpoint while a link run
    works from its copy: the run must not write that stale copy back, but relink instead."""
    from newsweave.link import incremental
    from newsweave.store import entity_repo, open_store
    from newsweave.store import schema as t

    seeds = sorted(SEEDS.glob("*.txt"))
    _ingest_and_link(sqlite_url, [seeds[:3]])
    store = open_store(sqlite_url)
    try:
        loaded = entity_repo.load_link_state(store)
        with store.engine.begin() as conn:
            conn.execute(t.link_state.delete())  # what replace_mentions does in the other process
        monkeypatch.setattr(incremental.entity_repo, "load_link_state", lambda _store: loaded)
        from newsweave import jobs
        from newsweave.core.config import Settings

        jobs.ingest(Settings(db=sqlite_url), [str(f) for f in seeds[3:]])
        jobs.analyse(Settings(db=sqlite_url), only={"text", "entities"})
        report = link_store(store, entity_repo.articles_to_link(store, LINK_VERSION), LINK_VERSION)
        assert not report.incremental and report.articles == 5
        with pytest.raises(entity_repo.StaleLinkState):
            entity_repo.update_entities(store, [], {}, [], LINK_VERSION, (), b"state", b"not the one")
    finally:
        store.close()


def test_a_checkpoint_of_another_format_is_relinked(sqlite_url: str) -> None:
    import json
    import zlib

    from newsweave.store import entity_repo, open_store
    from newsweave.store import schema as t

    seeds = sorted(SEEDS.glob("*.txt"))
    _ingest_and_link(sqlite_url, [seeds[:2]])
    store = open_store(sqlite_url)
    try:
        cp = json.loads(zlib.decompress(entity_repo.load_link_state(store)))
        cp["format"] -= 1  # as an older newsweave wrote it
        with store.engine.begin() as conn:
            conn.execute(t.link_state.update().values(value=zlib.compress(json.dumps(cp).encode())))
    finally:
        store.close()
    (again,) = _ingest_and_link(sqlite_url, [seeds[2:3]])
    assert not again.incremental


class _Boom:
    """Unpickling this runs code: what a hostile store could hold."""

    def __reduce__(self) -> tuple:
        return (exec, ("import builtins; builtins.newsweave_pickle_ran = True",))


@pytest.mark.parametrize("state", [pickle.dumps(_Boom()), b"{not json", b'{"format": 4, "version": []}', b"[1, 2]"])
def test_a_checkpoint_that_is_not_ours_is_never_run_and_is_relinked(sqlite_url: str, state: bytes) -> None:
    """A store must never execute what it reads back: a pickle (as newsweave once saved, or as someone
    planted), or anything else that is not a checkpoint, is relinked from the mentions without being run."""
    import builtins
    import zlib

    from newsweave.store import open_store
    from newsweave.store import schema as t

    seeds = sorted(SEEDS.glob("*.txt"))
    (first,) = _ingest_and_link(sqlite_url, [seeds[:2]])
    store = open_store(sqlite_url)
    try:
        with store.engine.begin() as conn:
            conn.execute(t.link_state.update().values(value=zlib.compress(state)))
    finally:
        store.close()
    (again,) = _ingest_and_link(sqlite_url, [seeds[2:3]])
    assert not again.incremental and again.articles == 3
    assert not hasattr(builtins, "newsweave_pickle_ran")
    (last,) = _ingest_and_link(sqlite_url, [seeds[3:]])
    assert last.incremental  # the relink saved a checkpoint of its own


def test_an_article_emptied_of_names_gets_its_entities_recounted(sqlite_url: str) -> None:
    """Its mentions go and nothing is left to link for it, but the entities it counted in must be
    relinked: without a checkpoint, every article is due for the link stage."""
    from newsweave.store import entity_repo, open_store

    seeds = sorted(SEEDS.glob("*.txt"))
    _ingest_and_link(sqlite_url, [seeds[:3]])
    store = open_store(sqlite_url)
    try:
        before = {e["id"]: e["n_articles"] for e in entity_repo.list_entities(store)}
        entity_repo.replace_mentions(store, seeds[0].stem, [], "test")  # the article now names nobody
        pending = entity_repo.articles_to_link(store, LINK_VERSION)
        assert sorted(pending) == sorted(f.stem for f in seeds[1:3])
        assert not link_store(store, pending, LINK_VERSION).incremental
        after = {e["id"]: e["n_articles"] for e in entity_repo.list_entities(store)}
        again = entity_repo.articles_to_link(store, LINK_VERSION)
    finally:
        store.close()
    assert before["LOC:russia"] == 3 and after["LOC:russia"] == 2
    assert again == []  # the relink saved a checkpoint


def _tampered(change: str) -> object:
    """A real checkpoint's JSON with one part changed as a damaged or hostile store might hold it."""
    import json
    import zlib
    from datetime import datetime

    from newsweave.link.incremental import _Checkpoint, _dump

    linker = Linker(keep_mentions=False)
    linker.add([Mention("a1", "Vladimir Putin", "PER", "en", 0, 14)])
    linker.add([Mention("a2", "Angela Merkel", "PER", "en", 0, 13), Mention("a2", "Berlin", "LOC", "en", 20, 26)])
    linker.add([Mention("a3", "Putin", "PER", "it", 0, 5)])
    d = json.loads(zlib.decompress(_dump(_Checkpoint("v", linker, (datetime(2026, 1, 1), "a3")))))
    lk, some = d["linker"], d["linker"]["ents"]["id"][0]
    if change == "cycle":
        lk["parent"] = {"PER:x": "PER:y", "PER:y": "PER:x"}
    elif change == "merged-but-alive":
        lk["parent"] = {some: some}
    elif change == "ghost":
        lk["_by_key"] = [[t, k, ["PER:ghost"]] for t, k, _ in lk["_by_key"]]
    elif change == "ghost-ref":
        lk["by_ref"] = [[t, r, "LOC:ghost"] for t, r, _ in lk["by_ref"]]
    elif change == "negative-row":
        lk["aliases"].append([-1, {"en": ["Injected"]}])
    elif change == "repeated-row":
        lk["aliases"].append(lk["aliases"][-1])
    elif change == "bool-row":
        lk["aliases"][0][0] = True
    elif change == "same-id":
        lk["ents"]["id"][1] = some
    elif change == "string-for-list":
        lk["ents"]["id"] = "abc"
    elif change == "number-in-key":
        lk["keys"] = [[i, [[1, 2]]] for i, _ in lk["keys"]]
    elif change == "empty-key":
        lk["_by_key"][0][1] = []
    elif change == "shape-of-words":
        lk["_by_shape"][0][1] = ["a", "b", "c"]
    elif change == "id-without-type":
        lk["ents"]["id"][0] = "vladimir-putin"
    elif change == "translit-1":
        lk["translit_seen"] = 1
    elif change == "mentions":
        lk["assigned"] = []
    elif change == "shown-by-no-form":
        lk["ents"]["shown"][0] = "Hacked"
    elif change == "deep":
        return b"[" * 100_000 + b"]" * 100_000
    return json.dumps(d).encode()


@pytest.mark.parametrize("change", ["cycle", "merged-but-alive", "ghost", "ghost-ref", "negative-row", "repeated-row",
                                    "bool-row", "same-id", "string-for-list", "number-in-key", "empty-key",
                                    "shape-of-words", "id-without-type", "translit-1", "mentions", "shown-by-no-form", "deep"])
def test_a_damaged_checkpoint_is_refused_whole_never_half_read(change: str) -> None:
    """What would hang the next run (a merge cycle), fail it (an id naming no entity) or link wrongly
    (a row written to another entity) is not a checkpoint: the stage relinks instead."""
    import zlib

    from newsweave.link.incremental import _load

    assert _load(zlib.compress(_tampered("none")), "v") is not None
    assert _load(zlib.compress(_tampered(change)), "v") is None


def test_a_marker_of_another_time_zone_kind_means_a_relink_not_an_error() -> None:
    from datetime import UTC, datetime
    from types import SimpleNamespace as Row

    from newsweave.link.incremental import _Checkpoint, _follows

    cp = _Checkpoint("v", Linker(keep_mentions=False), (datetime(2026, 1, 1, tzinfo=UTC), "a1"))
    assert not _follows(cp, Row(ingested_at=datetime(2026, 1, 2), article_id="a2"))
    assert _follows(cp, Row(ingested_at=datetime(2026, 1, 2, tzinfo=UTC), article_id="a2"))


def test_the_collector_comes_back_after_overlapping_pauses_and_errors() -> None:
    import gc

    from newsweave.link.incremental import gc_paused

    assert gc.isenabled()
    outer = gc_paused()
    outer.__enter__()  # as one thread's link run
    with pytest.raises(RuntimeError), gc_paused():  # another's, failing, ends first
        raise RuntimeError
    assert not gc.isenabled()  # the first is still running
    outer.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_checkpoint_that_passes_its_checks_but_fails_is_replaced_by_a_relink(sqlite_url: str, monkeypatch,
                                                                            caplog) -> None:
    """Should a checkpoint the checks let through still fail the linker, the run relinks (and saves a
    good checkpoint) instead of failing now and on every run after."""
    from newsweave.link import linker as linker_module

    seeds = sorted(SEEDS.glob("*.txt"))
    _ingest_and_link(sqlite_url, [seeds[:2]])
    calls = {"n": 0}
    real = linker_module.Linker.add

    def fails_once_restored(self, mentions):  # the first add of the run, on the restored linker
        calls["n"] += 1
        if calls["n"] == 1:
            raise TypeError("'int' object is not subscriptable")
        return real(self, mentions)

    monkeypatch.setattr(linker_module.Linker, "add", fails_once_restored)
    (again,) = _ingest_and_link(sqlite_url, [seeds[2:3]])
    assert not again.incremental and again.articles == 3
    assert "the linker checkpoint failed" in caplog.text
    monkeypatch.undo()
    (last,) = _ingest_and_link(sqlite_url, [seeds[3:]])
    assert last.incremental


def test_a_full_relink_reads_the_mentions_in_short_transactions(pg_url: str, monkeypatch) -> None:
    """A full relink at 100,000 articles reads millions of mentions over a minute of linking. Read in one
    transaction, the session sat idle in it between fetches, and a server that ends such sessions
    (``idle_in_transaction_session_timeout``, here half a second) broke the relink: each page of articles
    is now read in a transaction of its own. The articles come in ingest order, ties by id in code-point
    order (as the checkpoint's marker compares), whatever the database's collation."""
    import time
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import update

    from newsweave.store import entity_repo, open_store
    from newsweave.store import schema as t

    _ingest_and_link(pg_url, [sorted(SEEDS.glob("*.txt"))])
    store = open_store(pg_url)
    try:
        with store.engine.begin() as conn:
            ids = sorted(conn.execute(select(t.articles.c.id)).scalars())
            # the last id first, then the other four at one instant: neither id order nor insertion order
            for k, aid in enumerate(ids):
                at = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(hours=0 if k == len(ids) - 1 else 1)
                conn.execute(update(t.articles).where(t.articles.c.id == aid).values(ingested_at=at))
    finally:
        store.close()
    monkeypatch.setattr(entity_repo, "_ARTICLES_PER_READ", 2)  # five articles: three reads
    store = open_store(pg_url + "%20-cidle_in_transaction_session_timeout%3D500")
    try:
        arts = entity_repo.iter_mentions(store)
        first = next(arts)
        time.sleep(1.0)  # linking the first page takes this long
        read = [first, *arts]
    finally:
        store.close()
    assert [a.article_id for a in read] == [ids[-1], *ids[:-1]]
    assert all([r.idx for r in a.rows] == list(range(len(a.rows))) and a.rows for a in read)
    assert sum(len(a.rows) for a in read) == len(_linked(pg_url)[1])


def test_a_relink_reports_exactly_the_articles_whose_linked_names_changed(db_url: str) -> None:
    """A full relink compares each article's linked (entity, name) pairs before and after it (as digests: at
    100,000 articles the pairs took about 450 MiB each time): the same links change nothing, and an entity
    whose stored name differs from the one the relink gives marks exactly the articles that link to it."""
    from sqlalchemy import update

    from newsweave.store import entity_repo, open_store
    from newsweave.store import schema as t

    _ingest_and_link(db_url, [sorted(SEEDS.glob("*.txt"))])
    store = open_store(db_url)
    try:
        def relink() -> list[str]:
            with store.engine.begin() as conn:
                conn.execute(t.link_state.delete())
            report = link_store(store, entity_repo.articles_to_link(store, LINK_VERSION), LINK_VERSION)
            assert not report.incremental
            return report.changed

        assert relink() == []
        m = t.mentions.c
        with store.engine.begin() as conn:
            eid, = conn.execute(select(m.entity_id).where(m.entity_id.like("PER:%"))
                                .group_by(m.entity_id).order_by(func.count(m.article_id.distinct()).desc())).first()
            conn.execute(update(t.entities).where(t.entities.c.id == eid).values(name="An Older Name"))
            linking = sorted(conn.execute(select(m.article_id).where(m.entity_id == eid).distinct()).scalars())
        assert len(linking) >= 2
        assert relink() == linking
        assert relink() == []
    finally:
        store.close()


@pytest.mark.parametrize("run", ["relink, first page", "relink, later page", "incremental"])
def test_mentions_stored_anew_during_a_link_run_are_not_given_the_old_links(db_url: str, monkeypatch,
                                                                            run: str) -> None:
    """A link run reads the mentions in short transactions, so another process may store an article's
    mentions anew while it links. Its links made from the old mentions must not land on the new ones (they
    did, and the checkpoint then claimed the article: it stayed wrongly linked): a relink starts again, a
    run going on from the checkpoint relinks."""
    from newsweave.store import entity_repo, open_store
    from newsweave.store import schema as t

    seeds = sorted(SEEDS.glob("*.txt"))
    _ingest_and_link(db_url, [seeds] if run.startswith("relink") else [seeds[:3]])
    if run == "incremental":
        from newsweave import jobs
        from newsweave.core.config import Settings

        jobs.ingest(Settings(db=db_url), [str(f) for f in seeds[3:]])
        jobs.analyse(Settings(db=db_url), only={"text", "entities"})
    store = open_store(db_url)
    try:
        article = entity_repo._ingest_order(store, None)[0 if run == "relink, first page" else -1][1]
        monkeypatch.setattr(entity_repo, "_ARTICLES_PER_READ", 2)
        real, reads = entity_repo.iter_mentions, []

        def another_process_meanwhile(store_, ids=None):
            for k, art in enumerate(real(store_, ids)):
                yield art
                if k == 0 and not reads:  # on the first run's first read only
                    reads.append(art.article_id)
                    new = [{"start_char": 0, "end_char": 10, "text": "Zyxwv Qqqq", "type": "ORG", "lang": "en"}] * 2
                    entity_repo.replace_mentions(store_, article, new, "other")

        monkeypatch.setattr(entity_repo, "iter_mentions", another_process_meanwhile)
        if run.startswith("relink"):
            with store.engine.begin() as conn:
                conn.execute(t.link_state.delete())
        told: list[str] = []
        report = link_store(store, entity_repo.articles_to_link(store, LINK_VERSION), LINK_VERSION, told.append)
        assert not report.incremental and reads and report.articles == 5
        assert len(told) == len(set(told)) == 5  # the articles gone over again are not told twice
        m, e = t.mentions.c, t.entities.c
        with store.engine.connect() as conn:
            names = set(conn.execute(select(e.name).join(t.mentions, m.entity_id == e.id)
                                     .where(m.article_id == article)).scalars())
        assert names == {"Zyxwv Qqqq"}
        assert entity_repo.articles_to_link(store, LINK_VERSION) == []
        assert entity_repo.load_link_state(store) is not None
    finally:
        store.close()


def test_a_relink_that_never_sees_the_store_hold_still_fails_clearly_and_writes_nothing(sqlite_url: str,
                                                                                        monkeypatch) -> None:
    from datetime import UTC, datetime

    from newsweave.link.incremental import RELINK_TRIES, LinkRunError
    from newsweave.store import entity_repo, open_store
    from newsweave.store import schema as t

    _ingest_and_link(sqlite_url, [sorted(SEEDS.glob("*.txt"))])
    before = _linked(sqlite_url)
    store = open_store(sqlite_url)
    try:
        article = entity_repo._ingest_order(store, None)[-1][1]
        real, tries = entity_repo.iter_mentions, []

        def always_changing(store_, ids=None):
            tries.append(1)
            for art in real(store_, ids):
                yield art
            with store_.engine.begin() as conn:  # the entities stage marks the article done again
                conn.execute(t.article_stages.update().where((t.article_stages.c.article_id == article)
                                                             & (t.article_stages.c.stage == "entities"))
                             .values(done_at=datetime.now(UTC)))

        monkeypatch.setattr(entity_repo, "iter_mentions", always_changing)
        with store.engine.begin() as conn:
            conn.execute(t.link_state.delete())
        with pytest.raises(LinkRunError, match=f"on each of {RELINK_TRIES} tries: nothing was written"):
            link_store(store, [], LINK_VERSION)
        assert len(tries) == RELINK_TRIES
        assert entity_repo.load_link_state(store) is None
    finally:
        store.close()
    assert _linked(sqlite_url) == before


def test_mentions_stored_anew_while_a_run_writes_wait_for_it_and_are_relinked(db_url: str, monkeypatch) -> None:
    """Another process storing a pending article's mentions anew between the run's check and its writes
    (on SQLite the check used to run before the transaction took the write lock) waits for the run to
    commit; it then drops the checkpoint, so the next run relinks and the new mentions get their own links."""
    import threading
    import time

    from newsweave import jobs
    from newsweave.core.config import Settings
    from newsweave.store import entity_repo, open_store
    from newsweave.store import schema as t

    seeds = sorted(SEEDS.glob("*.txt"))
    _ingest_and_link(db_url, [seeds[:3]])
    jobs.ingest(Settings(db=db_url), [str(f) for f in seeds[3:]])
    jobs.analyse(Settings(db=db_url), only={"text", "entities"})
    store, other = open_store(db_url), open_store(db_url)
    try:
        article = entity_repo._ingest_order(store, None)[-1][1]
        real, threads = entity_repo._check_unchanged, []

        def check_then_another_process(conn, recognised):
            real(conn, recognised)
            new = [{"start_char": 0, "end_char": 10, "text": "Zyxwv Qqqq", "type": "ORG", "lang": "en"}] * 2
            threads.append(threading.Thread(target=entity_repo.replace_mentions, args=(other, article, new, "x")))
            threads[0].start()
            time.sleep(0.5)  # long enough for it to write, were it not made to wait

        monkeypatch.setattr(entity_repo, "_check_unchanged", check_then_another_process)
        assert link_store(store, entity_repo.articles_to_link(store, LINK_VERSION), LINK_VERSION).incremental
        threads[0].join(30)
        monkeypatch.setattr(entity_repo, "_check_unchanged", real)
        assert entity_repo.load_link_state(store) is None  # it replaced linked mentions: the next run relinks
        assert not link_store(store, entity_repo.articles_to_link(store, LINK_VERSION), LINK_VERSION).incremental
        m, e = t.mentions.c, t.entities.c
        with store.engine.connect() as conn:
            names = set(conn.execute(select(e.name).join(t.mentions, m.entity_id == e.id)
                                     .where(m.article_id == article)).scalars())
        assert names == {"Zyxwv Qqqq"}
    finally:
        store.close()
        other.close()
