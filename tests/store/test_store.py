"""Storage against the real SQLite and PostgreSQL: migrations, atomic writes, reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from conftest import SEEDS
from newsweave import jobs
from newsweave.analyse.furniture import keyed_lines
from newsweave.analyse.text import analyse_text
from newsweave.core.config import Settings
from newsweave.core.errors import StoreError
from newsweave.core.records import RawDocument
from newsweave.ingest.dedup import content_hash, fingerprint
from newsweave.store import open_store
from newsweave.store import schema as t
from newsweave.store.schema import SCHEMA_VERSION

TEXT = (SEEDS / "003_6aabda63093ad488.txt").read_text(encoding="utf-8")


def _count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_open_is_idempotent_and_stamped(db_url: str) -> None:
    for _ in range(2):
        store = open_store(db_url)
        assert store.schema_version() == SCHEMA_VERSION
        store.close()


def test_newer_schema_is_refused(db_url: str) -> None:
    store = open_store(db_url)
    with store.engine.begin() as conn:
        conn.execute(t.schema_version.insert().values(version=SCHEMA_VERSION + 1, applied_at=datetime.now(UTC)))
    store.close()
    with pytest.raises(StoreError, match="newer than this newsweave"):
        open_store(db_url)


def test_failed_write_leaves_nothing_half_written(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(db_url)
    doc = RawDocument(id="a1", text=TEXT, origin="mem")
    analysed = analyse_text(TEXT)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(store), "_insert_text_analysis", staticmethod(boom))
    with pytest.raises(RuntimeError):
        store.save_article(doc, content_hash(TEXT), analysed, fingerprint(TEXT), None, "text@1")
    assert _count(store, t.articles) == 0 and _count(store, t.sentences) == 0
    monkeypatch.undo()
    store.save_article(doc, content_hash(TEXT), analysed, fingerprint(TEXT), None, "text@1")
    assert _count(store, t.articles) == 1
    assert _count(store, t.sentences) == len(analysed.sentences)
    assert _count(store, t.minhash_bands) == 16
    store.close()


def test_stale_stage_output_is_redone_by_analyse(db_url: str) -> None:
    settings = Settings(db=db_url)
    jobs.ingest(settings, [str(SEEDS / "003_6aabda63093ad488.txt")])
    store = open_store(db_url)
    assert jobs.analyse(settings)["text"] == 0  # ingest already ran the text stage
    with store.engine.begin() as conn:
        conn.execute(t.article_stages.update().where(t.article_stages.c.stage == "text").values(version="text@0"))
    assert store.stale_articles("text", "text@1") == ["003_6aabda63093ad488"]
    store.close()
    assert jobs.analyse(settings)["text"] == 1
    assert set(jobs.status(settings)["pending"].values()) == {0}
    assert jobs.articles(settings)[0]["n_sentences"] == len(analyse_text(TEXT).sentences)


def test_vectors_are_stored_once_per_content_and_encoder(db_url: str) -> None:
    import numpy as np

    settings = Settings(db=db_url)
    jobs.ingest(settings, [str(SEEDS)])
    store = open_store(db_url)
    missing = store.articles_without_vector("enc@1")
    assert len(missing) == 5
    vecs = {h: np.random.RandomState(i).rand(384).astype("float32") for i, (_, h) in enumerate(missing)}
    store.put_vectors("enc@1", list(vecs.items())[:3])
    store.put_vectors("enc@1", list(vecs.items()))  # the first three are not written twice
    assert store.articles_without_vector("enc@1") == []
    assert len(store.articles_without_vector("enc@2")) == 5
    got = store.vectors("enc@1", [aid for aid, _ in missing])
    for aid, h in missing:
        assert np.array_equal(got[aid], vecs[h])
    assert _count(store, t.vectors) == 5
    store.close()


def test_a_version_1_store_is_migrated_on_open(db_url: str) -> None:
    from sqlalchemy import delete, inspect

    settings = Settings(db=db_url)
    jobs.ingest(settings, [str(SEEDS / "004_5507d903b077be36.txt")])
    store = open_store(db_url)
    with store.engine.begin() as conn:  # turn it back into what newsweave 0.1 (schema v1) wrote
        for table in (t.time_exprs, t.mentions, t.entities, t.events, t.storylines, t.event_articles,
                      t.cluster_log, t.cluster_state, t.quotes, t.summaries, t.link_state, t.article_lines,
                      t.furniture_keys, t.furniture_days, t.edited_articles):
            table.drop(conn)
        for name in ("search_fts", "search_docs", "search_terms"):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        conn.execute(delete(t.schema_version))
        conn.execute(t.schema_version.insert().values(version=1, applied_at=datetime.now(UTC)))
    store.close()
    store = open_store(db_url)
    assert store.schema_version() == SCHEMA_VERSION
    with store.engine.connect() as conn:
        assert inspect(conn).has_table("time_exprs") and inspect(conn).has_table("events")
        # v8 keyed the stored article's lines (page furniture is counted over them)
        stored = conn.execute(select(t.articles.c.text)).scalar_one()
        assert conn.execute(select(func.count()).select_from(t.article_lines)).scalar_one() == \
            len({key for _, _, key in keyed_lines(stored)}) > 5
    store.close()
    assert jobs.analyse(settings)["time"] == 1
    assert any(r["value"] == "2023-08-16" for r in jobs.dates(settings))


def test_a_version_8_store_keeps_its_edited_articles_as_rows(db_url: str) -> None:
    import json

    from sqlalchemy import delete

    from newsweave.store import event_repo

    jobs.ingest(Settings(db=db_url), [str(SEEDS / "004_5507d903b077be36.txt")])
    store = open_store(db_url)
    with store.engine.begin() as conn:  # as v8 left a store with two edits awaiting their re-cluster
        t.edited_articles.drop(conn)
        conn.execute(delete(t.schema_version))
        conn.execute(t.schema_version.insert().values(version=8, applied_at=datetime.now(UTC)))
        conn.execute(t.cluster_state.insert().values(key=t.EDITED_KEY, value=json.dumps(["a1", "b2"]).encode()))
    store.close()
    store = open_store(db_url)
    assert store.schema_version() == SCHEMA_VERSION
    assert event_repo._edited(store) == {"a1", "b2"}
    assert event_repo.state_values(store, (t.EDITED_KEY,)) == {}
    store.close()


def test_bulk_rows_that_break_a_constraint_fail_as_the_store_s_other_writes_do(db_url: str) -> None:
    from sqlalchemy.exc import IntegrityError

    store = open_store(db_url)
    try:  # on PostgreSQL a COPY: its error comes as SQLAlchemy's, which ingest and the CLI catch
        with pytest.raises(IntegrityError), store.engine.begin() as conn:
            t.insert_rows(conn, t.sentences, [{"article_id": "nosuch", "idx": 0, "start_char": 0, "end_char": 1}])
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(t.sentences)).scalar_one() == 0
    finally:
        store.close()


def test_a_postgresql_schema_named_by_the_url_is_made_by_the_first_write_not_by_a_read() -> None:
    import uuid

    from conftest import PG_SERVER, _pg_admin

    schema = f"nwtest_new_{uuid.uuid4().hex[:8]}"
    url = f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    try:
        with pytest.raises(StoreError, match="no newsweave store"):
            open_store(url, create=False)
        store = open_store(url)  # as a new SQLite file: PostgreSQL had refused with "no schema has been selected"
        try:
            assert store.counts()["articles"] == 0
        finally:
            store.close()
    finally:
        with _pg_admin() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    mixed = f"NwTest_Mixed_{uuid.uuid4().hex[:8]}"  # PostgreSQL reads an unquoted name in lower case
    try:
        open_store(f"{PG_SERVER}?options=-csearch_path%3D{mixed}").close()
        with _pg_admin() as conn:
            made = [r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE lower(nspname) = %s",
                                               (mixed.lower(),))]
        assert made == [mixed.lower()]
    finally:
        with _pg_admin() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{mixed.lower()}" CASCADE')
            conn.execute(f'DROP SCHEMA IF EXISTS "{mixed}" CASCADE')
