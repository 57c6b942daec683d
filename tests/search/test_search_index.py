"""Search over the seeds, after the real pipeline, on SQLite and PostgreSQL.

Each backend runs ``newsweave run`` on the five seeds once (module scope),
which indexes them through the ``search`` stage; the fixture then re-indexes
them directly, as the stage does.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from conftest import PG_SERVER, SEEDS, SEEDS_META, _pg_admin, run_cli
from newsweave.search import (
    bridge,
    create_search_tables,
    index_articles,
    pending_for_index,
    resolve_entity,
    search,
)
from newsweave.search import index as search_index
from newsweave.search.index import DOCS_TABLE, FTS_TABLE
from newsweave.store import Store, open_store
from newsweave.store import schema as t


def _indexed(url: str) -> Store:
    proc = run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=url)
    assert proc.returncode == 0, proc.stderr
    store = open_store(url)
    with store.engine.begin() as conn:
        create_search_tables(conn)  # idempotent: the schema migration has made them already
        create_search_tables(conn)
    index_articles(store, pending_for_index(store))  # none left where the pipeline runs the search stage
    assert pending_for_index(store) == []
    assert index_articles(store, [r["id"] for r in store.articles()]) == 5
    return store


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = _indexed(str(tmp_path_factory.mktemp("search") / "store.db"))
    yield store
    store.close()


@pytest.fixture(scope="module")
def pg_store() -> Iterator[Store]:
    schema = f"nwtest_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    store = None
    try:
        store = _indexed(f"{PG_SERVER}?options=-csearch_path%3D{schema}")
        yield store
    finally:
        if store is not None:
            store.close()
        with _pg_admin() as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue("sqlite_store" if request.param == "sqlite" else "pg_store")


def _seed(hit_id: str) -> str:
    return hit_id[:3]


def test_armoured_train_finds_the_italian_and_greek_seeds_first(store: Store) -> None:
    hits = search(store, "armoured train")
    assert {_seed(h.article_id) for h in hits[:2]} == {"000", "001"}, [(h.article_id, h.score) for h in hits]
    by_seed = {_seed(h.article_id): h for h in hits}
    assert "treno blindato" in by_seed["000"].passage
    assert "θωρακισμένο τρένο" in by_seed["001"].passage
    assert by_seed["000"].lang == "it" and by_seed["001"].lang == "el"


def test_passages_are_spans_of_the_article_text(store: Store) -> None:
    with store.engine.connect() as conn:
        texts = {r[0]: r[1] for r in conn.execute(select(t.articles.c.id, t.articles.c.text))}
    for query in ("armoured train", "Shoigu hypersonic missile"):
        for h in search(store, query):
            assert h.passage and texts[h.article_id][h.start : h.end] == h.passage
            assert h.fts_rank is not None or h.vector_rank is not None


@pytest.mark.parametrize("name", ["Vladimir Putin", "Moscow"])
def test_english_entity_filter_finds_mentions_in_every_script(store: Store, name: str) -> None:
    ids = resolve_entity(store, name)
    assert ids
    hits = search(store, "Kim", entity=name)
    assert {h.lang for h in hits} == {"it", "el", "en"}
    m = t.mentions.c
    with store.engine.connect() as conn:
        holders = set(conn.execute(select(m.article_id).where(m.entity_id.in_(ids))).scalars())
    assert {h.article_id for h in hits} == holders
    greek = next(h for h in hits if h.lang == "el")
    assert greek.article_id.startswith("001")


def test_entity_names_in_other_scripts_and_ids_resolve_alike(store: Store) -> None:
    moscow = resolve_entity(store, "Moscow")
    assert resolve_entity(store, "Μόσχα") == moscow == resolve_entity(store, "Mosca")
    assert resolve_entity(store, moscow[0]) == [moscow[0]]
    # scripts no seed is written in: places through the gazetteer, people by the surname of their id
    assert resolve_entity(store, "Москва") == moscow
    assert resolve_entity(store, "России") == resolve_entity(store, "Russia") == resolve_entity(store, "Россия")
    assert resolve_entity(store, "Путин") == resolve_entity(store, "Владимир Путин") == resolve_entity(store, "Putin")
    assert resolve_entity(store, "Путин") and resolve_entity(store, "Шойгу")
    assert resolve_entity(store, "no such entity anywhere") == []
    assert search(store, "Kim", entity="no such entity anywhere") == []


def test_language_date_and_article_filters(store: Store) -> None:
    assert {h.lang for h in search(store, "Kim Jong Un", lang="it")} == {"it"}
    assert len(search(store, "Kim Jong Un", lang="it")) == 3
    sept = search(store, "Kim Jong Un", date_from="2023-09-12", date_to="2023-09-16")
    assert {_seed(h.article_id) for h in sept} == {"001", "003"}
    some = [h.article_id for h in search(store, "Kim") if _seed(h.article_id) in {"002", "004"}]
    assert {h.article_id for h in search(store, "Kim", article_ids=some)} == set(some)
    assert search(store, "Kim", article_ids=[]) == []


def test_accents_fold_in_the_full_text_index(store: Store) -> None:
    plain = search(store, "θωρακισμενο τρενο", mode="fulltext")  # no tonos in the query
    assert plain and _seed(plain[0].article_id) == "001" and plain[0].fts_rank == 1
    assert "θωρακισμένο" in plain[0].passage
    assert _seed(search(store, "GIUBBOTTO antiproiettile", mode="fulltext")[0].article_id) == "000"


def test_modes_and_ranks(store: Store) -> None:
    full = search(store, "Shoigu", mode="fulltext")
    assert {_seed(h.article_id) for h in full} == {"003", "004"}  # the seeds that spell it so
    assert all(h.vector_rank is None and h.fts_rank for h in full)
    vec = search(store, "Shoigu", mode="vector", passage="none")
    assert len(vec) == 5 and all(h.fts_rank is None and h.vector_rank for h in vec)
    assert [h.vector_rank for h in vec] == sorted(h.vector_rank for h in vec)
    assert search(store, "   ") == []
    for odd in ('NEAR(Kim) OR "treno" AND * ^ -', "':*& | !Kim", "___"):  # query syntax is never interpreted
        search(store, odd, mode="fulltext")
    assert _seed(search(store, 'treno" OR "x', mode="fulltext")[0].article_id) == "000"
    with pytest.raises(ValueError):
        search(store, "Kim", mode="nonsense")


def test_words_no_article_holds_find_nothing_but_by_meaning(store: Store) -> None:
    # no seed holds these words or a translation of them: the vectors alone would list all five
    for nonsense in ("xqzvblorp", "banana smoothie recipe"):
        assert search(store, nonsense) == []
        assert len(search(store, nonsense, mode="vector", passage="none")) == 5
    assert _seed(search(store, "banana smoothie Shoigu")[0].article_id) in {"003", "004"}  # one word is enough


def test_a_name_in_another_script_finds_the_entitys_reports_in_every_language(store: Store) -> None:
    # Πεσκόφ is a mention of the Greek seed; the entity's English name reaches the English one, and Путин
    # (no Russian seed) the articles mentioning Putin through the surname key
    assert {_seed(h.article_id) for h in search(store, "Πεσκόφ", mode="fulltext")} == {"001", "003"}
    assert len(search(store, "Путин", mode="fulltext")) == 5
    assert search(store, "Ζζζζζζ", mode="fulltext") == []  # names nothing: no extra terms


def test_reindexing_is_idempotent(store: Store) -> None:
    before = [(h.article_id, h.score) for h in search(store, "armoured train", passage="none")]
    ids = [r["id"] for r in store.articles()]
    assert index_articles(store, ids) == 5
    assert index_articles(store, ids[:2] + ["no-such-article"]) == 2
    assert pending_for_index(store) == []
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(text(DOCS_TABLE))).scalar_one() == 5
        if store.dialect == "sqlite":
            assert conn.execute(text(f"SELECT count(*) FROM {FTS_TABLE}")).scalar_one() == 5
    assert [(h.article_id, h.score) for h in search(store, "armoured train", passage="none")] == before


def test_words_of_an_older_form_are_dropped_when_reindexing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # a store indexed before words went "open" holds "+bare" vectors of the same encoder: when its articles are
    # indexed again under the new version, the old rows go; another encoder's words stay
    current = bridge.term_encoder_id()
    name = current.rsplit("+", 1)[0]
    others = ["other-encoder@1+bare", f"{name.upper()}+bare"]
    c, s = t.search_terms.c, t.article_stages.c
    ids = [r["id"] for r in store.articles()]
    monkeypatch.setattr(search_index, "_WORDS_PRUNED", set())
    with store.engine.begin() as conn:
        conn.execute(t.search_terms.insert(), [{"term": "treno", "encoder": e, "data": b"\0\0"}
                                               for e in (f"{name}+bare", *others)])
    index_articles(store, ids[:1])  # indexed by this version already: the scan is skipped
    with store.engine.begin() as conn:
        assert conn.execute(select(func.count()).where((c.term == "treno") & (c.encoder == f"{name}+bare"))
                            ).scalar_one() == 1
        conn.execute(t.article_stages.update().where((s.stage == "search") & (s.article_id == ids[0]))
                     .values(version=f"older+{name}+bare"))
    index_articles(store, ids[:1])
    with store.engine.begin() as conn:
        left = set(conn.execute(select(c.encoder).where(c.term == "treno")).scalars())
        conn.execute(t.search_terms.delete().where(c.encoder.in_(others)))
    assert left == {current, *others}
    assert current.endswith("+open")
    assert pending_for_index(store) == []


def test_both_backends_rank_alike(sqlite_store: Store, pg_store: Store) -> None:
    for query in ("armoured train", "Shoigu hypersonic missile", "Putin Kim"):
        lite = [h.article_id for h in search(sqlite_store, query, passage="none")]
        pg = [h.article_id for h in search(pg_store, query, passage="none")]
        assert lite[:2] == pg[:2], query


def test_hits_serialise(sqlite_store: Store) -> None:
    hit = search(sqlite_store, "armoured train", limit=1)[0]
    row = json.loads(json.dumps(hit.as_dict(), ensure_ascii=False))
    assert set(row) >= {"article_id", "lang", "title", "score", "passage", "start", "end", "fts_rank", "vector_rank"}


def test_an_empty_store_finds_nothing_and_a_missing_index_is_named(tmp_path: Path) -> None:
    from newsweave.core.errors import StoreError

    store = open_store(str(tmp_path / "empty.db"))
    try:
        with store.engine.begin() as conn:
            create_search_tables(conn)
        assert search(store, "Kim") == []
        with store.engine.begin() as conn:
            conn.execute(text(f"DROP TABLE {DOCS_TABLE}"))
        with pytest.raises(StoreError, match="no search index"):
            search(store, "Kim")
    finally:
        store.close()


def test_vector_scan_is_chunked_without_changing_results(sqlite_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsweave.search import vectors

    whole = [h.article_id for h in search(sqlite_store, "Kim's armoured train", mode="vector", passage="none")]
    monkeypatch.setattr(vectors, "CHUNK", 2)
    assert [h.article_id for h in search(sqlite_store, "Kim's armoured train", mode="vector", passage="none")] == whole


def test_postgres_skips_words_too_common_to_rank(pg_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsweave.search import fulltext

    assert len(search(pg_store, "Kim treno", mode="fulltext")) == 5
    monkeypatch.setattr(fulltext, "_MIN_COMMON", 1)  # "Kim" is in all five seeds: too common now
    assert [_seed(h.article_id) for h in search(pg_store, "Kim treno", mode="fulltext")] == ["000"]


def test_relinking_refreshes_the_entity_names_the_index_holds(sqlite_store: Store) -> None:
    from newsweave.stages import LINK_VERSION
    from newsweave.store.entity_repo import replace_entities

    store = sqlite_store
    e, m = t.entities.c, t.mentions.c
    with store.engine.connect() as conn:
        original = [{**r._mapping, "languages": json.loads(r.languages), "aliases": json.loads(r.aliases)}
                    for r in conn.execute(select(e.id, e.name, e.type, e.languages, e.aliases, e.n_mentions, e.n_articles))]
        links = [tuple(r) for r in conn.execute(select(m.article_id, m.idx, m.entity_id).where(m.entity_id.is_not(None)))]
    moscow = resolve_entity(store, "Moscow")[0]
    holders = {a for a, _, eid in links if eid == moscow}
    assert holders and search(store, "Moskvagrad", mode="fulltext") == []
    renamed = [{**x, "name": "Moskvagrad"} if x["id"] == moscow else x for x in original]
    try:
        # an unchanged relink invalidates nothing; a renamed entity re-indexes exactly its articles
        assert replace_entities(store, original, links, LINK_VERSION, invalidate=("search",)) == []
        assert set(replace_entities(store, renamed, links, LINK_VERSION, invalidate=("search",))) == holders
        assert set(pending_for_index(store)) == holders
        index_articles(store, pending_for_index(store))
        assert {h.article_id for h in search(store, "Moskvagrad", mode="fulltext")} == holders
    finally:
        replace_entities(store, original, links, LINK_VERSION, invalidate=("search",))
        index_articles(store, pending_for_index(store))
    assert search(store, "Moskvagrad", mode="fulltext") == []
