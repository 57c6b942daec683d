"""The store: one object over SQLite or PostgreSQL, opened by URL or path."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, Row, and_, create_engine, delete, event, func, or_, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, SQLAlchemyError

from newsweave.analyse.furniture import Line, blank, keys_of, line_keys, without
from newsweave.core.config import ANALYSE_CHARS
from newsweave.core.errors import StoreError
from newsweave.core.records import AnalysedText, Fingerprint, RawDocument
from newsweave.store import schema as t
from newsweave.store.changes import as_read, locked_in_order, unplace
from newsweave.store.furniture_repo import day_of, furniture_spans, store_lines
from newsweave.store.migrations import current_version, migrate


def resolve_url(db: str) -> str:
    """A path means SQLite; ``postgresql://`` URLs get the psycopg 3 driver."""
    if "://" not in db:
        path = Path(db).expanduser().resolve()
        if not path.parent.is_dir():
            raise StoreError(f"{db}: folder {path.parent} does not exist")
        return f"sqlite:///{path}"
    for plain in ("postgresql://", "postgres://"):
        if db.startswith(plain):
            return "postgresql+psycopg://" + db[len(plain) :]
    return db


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers run while a run writes; NORMAL sync is safe with WAL.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


class Store:
    """Reads and writes every record; each article is written in one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def url(self) -> str:
        """The store's URL with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # -- ingest-time lookups -------------------------------------------------
    # Each takes the connection of the caller's other lookups where it has one: on PostgreSQL every checkout
    # costs round trips of its own (the pool's ping, the reset on return), more than the query it serves.

    @contextmanager
    def _reading(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
            return
        with self.engine.connect() as own:
            yield own

    def id_for_hash(self, content_hash: str, conn: Connection | None = None) -> str | None:
        """The article already holding exactly this content, if any."""
        with self._reading(conn) as c:
            q = select(t.articles.c.id).where(t.articles.c.content_hash == content_hash)
            return c.execute(q).scalar_one_or_none()

    def origin_of(self, article_id: str, conn: Connection | None = None) -> str | None:
        """Where a stored article was read from, or None if the id is free."""
        with self._reading(conn) as c:
            return c.execute(select(t.articles.c.origin).where(t.articles.c.id == article_id)).scalar_one_or_none()

    def minhash_candidates(self, fp: Fingerprint, exclude: str,
                           conn: Connection | None = None) -> list[tuple[str, bytes]]:
        """Stored articles sharing an LSH band with ``fp``: (original id, signature).

        A candidate that is itself a near-copy is reported under its original,
        so copies of copies link to the first article.
        """
        b = t.minhash_bands.c
        # one (band = ? AND key = ?) per band, not a row-value IN: SQLite scans the whole table for that (measured:
        # ingest time per article grew with the store), and searches the key for each of these
        bands = or_(*(and_(b.band == band, b.key == key) for band, key in enumerate(fp.bands)))
        q = (
            select(t.minhashes.c.article_id, t.minhashes.c.signature, t.articles.c.duplicate_of)
            .join(t.minhash_bands, t.minhash_bands.c.article_id == t.minhashes.c.article_id)
            .join(t.articles, t.articles.c.id == t.minhashes.c.article_id)
            .where(bands)
            .where(t.minhashes.c.article_id != exclude)
            .distinct()
        )
        with self._reading(conn) as c:
            return [(dup_of or aid, sig) for aid, sig, dup_of in c.execute(q)]

    # -- writes --------------------------------------------------------------

    def save_article(
        self,
        doc: RawDocument,
        content_hash: str,
        analysed: AnalysedText,
        fp: Fingerprint | None,
        duplicate: tuple[str, float] | None,
        stage_version: str,
        lines: list[Line] | None = None,
    ) -> None:
        """Insert or replace one article and everything derived from it, atomically. ``lines``: its text's
        ``keyed_lines``, when the caller has them already."""
        now = datetime.now(UTC)
        row = {
            "id": doc.id, "source": doc.source, "url": doc.url, "path": doc.path, "origin": doc.origin,
            "lang": analysed.lang, "lang_confidence": analysed.lang_confidence,
            "lang_declared": doc.lang_declared, "title": doc.title, "text": doc.text,
            "published": doc.published, "published_source": doc.published_source,
            "content_hash": content_hash, "duplicate_of": duplicate[0] if duplicate else None,
            "duplicate_score": duplicate[1] if duplicate else None, "ingested_at": now,
        }
        a = t.articles.c
        with self.engine.begin() as conn:
            exists, copies = self._lock_with_copies(conn, doc.id)
            if exists and exists.published_source == "sidecar" and doc.published_source != "sidecar":
                # new text, but no sidecar this time: the date the user gave still holds
                row["published"], row["published_source"] = exists.published, exists.published_source
            if exists:
                for table in (t.paragraphs, t.sentences, t.minhashes, t.minhash_bands, t.article_stages, t.article_lines):
                    conn.execute(delete(table).where(table.c.article_id == doc.id))
                unplace(conn, doc.id, edited=True)
                # what nearly copied its old text copies nothing now: scored on its own at the re-cluster
                if copies:
                    conn.execute(t.articles.update().where(a.id.in_(copies)).values(duplicate_of=None,
                                                                                   duplicate_score=None))
                for copy in copies:
                    unplace(conn, copy)
                # the first ingest time stays: it orders linking and arrival, and ids must not move with edits
                conn.execute(t.articles.update().where(t.articles.c.id == doc.id).values(
                    **{k: v for k, v in row.items() if k != "ingested_at"}))
            else:
                conn.execute(t.articles.insert().values(**row))
            self._insert_text_analysis(conn, doc.id, analysed, stage_version, now)
            if fp is not None:
                conn.execute(t.minhashes.insert().values(article_id=doc.id, signature=fp.signature))
                t.insert_rows(conn, t.minhash_bands, [
                    {"band": b, "key": k, "article_id": doc.id} for b, k in enumerate(fp.bands)
                ])
            # a near-copy's day is no evidence (a wire story that outlets reprint on three days is not furniture),
            # nor is a new version's: one article edited on three days does not make its own lines furniture
            keys = keys_of(lines) if lines is not None else line_keys(doc.text)
            store_lines(conn, doc.id, keys, None if duplicate or exists else day_of(row["published"]))

    @staticmethod
    def _lock_with_copies(conn: Connection, article_id: str) -> tuple[Row[Any] | None, list[str]]:
        """The stored article (its date and the date's source; None if new) and the ids of its near-copies,
        all locked in one statement (``changes.locked_in_order``): a stage saving for a copy and the article
        locks them in the same order, and so does a re-ingest of the copy. A copy made meanwhile, not locked,
        keeps pointing at it."""
        a = t.articles.c
        if conn.execute(select(a.id).where(a.id == article_id)).first() is None:
            return None, []
        copies = set(conn.execute(select(a.id).where(a.duplicate_of == article_id)).scalars())
        rows = locked_in_order(conn, select(a.id, a.published, a.published_source, a.duplicate_of)
                               .where(a.id.in_([article_id, *copies])))
        held = next((r for r in rows if r.id == article_id), None)
        return held, [r.id for r in rows if r.id in copies and r.duplicate_of == article_id] if held else []

    def update_metadata(self, article_id: str, given: dict[str, str], given_by: str = "sidecar") -> bool:
        """Give a stored article whose text is unchanged the sidecar's ``published``, ``title``, ``source``
        and ``url`` where they differ; True if any did. Only values a user stated are applied: a sidecar's, or
        a JSON or JSONL record's date (``given_by="json"``, ``"jsonl"``), which a sidecar's still wins over; extracted ones
        a plain re-ingest must not bring back. A new date redoes its dates; a new date or title its search
        entry and, if it was clustered, its placement (both weigh in it)."""
        a = t.articles.c
        with self.engine.begin() as conn:
            row = conn.execute(select(a.published, a.published_source, a.title, a.source, a.url)
                               .where(a.id == article_id)).mappings().one()
            changes = {k: v for k in ("published", "title", "source", "url") if (v := given.get(k)) and v != row[k]}
            if given_by != "sidecar" and row["published_source"] == "sidecar":
                changes.pop("published", None)
            # the same date, now the user's: a record won't move it (not a change the caller reports)
            confirmed = given_by == "sidecar" and given.get("published") == row["published"] \
                and row["published_source"] != "sidecar"
            if "published" in changes or confirmed:
                changes["published_source"] = given_by
            if changes:
                conn.execute(t.articles.update().where(a.id == article_id).values(**changes))
            if set(changes) <= {"published_source"}:
                return False
            redo = ("time", "search") if "published" in changes else ("search",) if "title" in changes else ()
            s = t.article_stages.c
            conn.execute(delete(t.article_stages).where((s.article_id == article_id) & s.stage.in_(redo)))
            if redo:
                unplace(conn, article_id)
        return True

    def replace_text_analysis(self, article_id: str, analysed: AnalysedText, stage_version: str,
                              seen: Mapping[str, Any] | None = None) -> bool:
        """Swap one article's language, paragraphs and sentences for a newer analysis; False, and nothing
        written, if the article no longer is as ``seen`` (``changes.still_as_read``; None: no check)."""
        with self.engine.begin() as conn:
            if not as_read(conn, article_id, seen):
                return False
            for table in (t.paragraphs, t.sentences):
                conn.execute(delete(table).where(table.c.article_id == article_id))
            _forget_stage(conn, article_id, "text", stage_version)
            conn.execute(t.articles.update().where(t.articles.c.id == article_id).values(
                lang=analysed.lang, lang_confidence=analysed.lang_confidence))
            self._insert_text_analysis(conn, article_id, analysed, stage_version, datetime.now(UTC))
        return True

    def stale_articles(self, stage: str, version: str) -> list[str]:
        """Articles whose ``stage`` output is missing or made by another version."""
        s = t.article_stages.c
        done = select(s.article_id).where((s.stage == stage) & (s.version == version))
        q = select(t.articles.c.id).where(t.articles.c.id.not_in(done)).order_by(t.articles.c.id)
        with self.engine.connect() as conn:
            return list(conn.execute(q).scalars())

    @staticmethod
    def _insert_text_analysis(conn: Any, aid: str, analysed: AnalysedText, stage_version: str, now: datetime) -> None:
        if analysed.paragraphs:
            t.insert_rows(conn, t.paragraphs, [
                {"article_id": aid, "idx": i, "start_char": p.start, "end_char": p.end,
                 "lang": p.lang, "lang_confidence": p.lang_confidence}
                for i, p in enumerate(analysed.paragraphs)
            ])
        if analysed.sentences:
            t.insert_rows(conn, t.sentences, [
                {"article_id": aid, "idx": i, "start_char": s.start, "end_char": s.end}
                for i, s in enumerate(analysed.sentences)
            ])
        conn.execute(t.article_stages.insert().values(article_id=aid, stage="text", version=stage_version, done_at=now))

    # -- time ----------------------------------------------------------------

    def articles_for_analysis(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Text, title, language (found and declared), publication date and sentence spans of the given articles, by id, as every
        reader of text sees them: page furniture blanked (``analyse.furniture``; offsets hold in the stored
        text) and its sentences left out. Three queries per 500 ids; unknown ids are left out."""
        a, s = t.articles.c, t.sentences.c
        out: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for chunk in t.chunks(ids):
                found: dict[str, dict[str, Any]] = {}
                for r in conn.execute(select(a.id, a.title, a.text, a.lang, a.lang_declared, a.published,
                                             a.published_source, a.content_hash).where(a.id.in_(chunk))):
                    found[r.id] = {**r._asdict(), "sentences": []}
                for r in conn.execute(select(s.article_id, s.start_char, s.end_char)
                                      .where(s.article_id.in_(chunk)).order_by(s.article_id, s.idx)):
                    found[r.article_id]["sentences"].append((r.start_char, r.end_char))
                furniture = furniture_spans(conn, {aid: art["text"] for aid, art in found.items()})
                out.update((aid, _without_furniture(art, furniture[aid])) for aid, art in found.items())
        return out

    def replace_time_exprs(self, article_id: str, rows: list[dict[str, Any]], version: str,
                           published: tuple[str, str] | None = None, seen: Mapping[str, Any] | None = None) -> bool:
        """Swap an article's time expressions; ``published`` sets a date found in its dateline. False, and
        nothing written, if the article no longer is as ``seen`` (``changes.still_as_read``; None: no check)."""
        with self.engine.begin() as conn:
            if not as_read(conn, article_id, seen):
                return False
            t.replace_article_rows(conn, t.time_exprs, article_id, rows)
            if published:
                conn.execute(t.articles.update().where(t.articles.c.id == article_id)
                             .values(published=published[0], published_source=published[1]))
            self._mark_done(conn, article_id, "time", version)
        return True

    def time_exprs(self, article_id: str | None = None, article_ids: list[str] | None = None) -> list[dict[str, Any]]:
        """Stored time expressions, by article and position: of one article, of ``article_ids``, or all."""
        c = t.time_exprs.c
        q = select(c.article_id.label("article"), c.text, c.start_char.label("start"), c.end_char.label("end"),
                   c.value, c.granularity, c.kind, c.role).order_by(c.article_id, c.idx)
        if article_id is not None:
            q = q.where(c.article_id == article_id)
        with self.engine.connect() as conn:
            if article_ids is None:
                return [dict(r._mapping) for r in conn.execute(q)]
            return [dict(r._mapping) for chunk in t.chunks(article_ids)
                    for r in conn.execute(q.where(c.article_id.in_(chunk)))]

    @staticmethod
    def _mark_done(conn: Any, article_id: str, stage: str, version: str) -> None:
        s = t.article_stages
        version = _forget_stage(conn, article_id, stage, version)
        conn.execute(s.insert().values(article_id=article_id, stage=stage, version=version, done_at=datetime.now(UTC)))

    def mark_failed(self, article_id: str, stage: str, version: str, seen: Mapping[str, Any] | None = None) -> bool:
        """Record that ``stage`` at ``version`` failed on the article. Its earlier output, if any, stays; the
        version recorded (``version`` + ``schema.FAILED``, or ``FAILED_KEPT`` over earlier output: ``_forget_stage``)
        is no version, so the stage keeps it pending and tries it again on the next run (a fixed component
        succeeds; the same one reports it again). Nothing is recorded if the article no longer is as ``seen``
        (the failure was its old text's): False."""
        with self.engine.begin() as conn:
            if not as_read(conn, article_id, seen):
                return False
            self._mark_done(conn, article_id, stage, version + t.FAILED)
        return True

    def failed_stages(self) -> dict[str, int]:
        """Articles whose last try of each stage failed (``mark_failed``), per stage."""
        s = t.article_stages.c
        q = select(s.stage, func.count()).where(s.version.contains(t.FAILED)).group_by(s.stage).order_by(s.stage)
        with self.engine.connect() as conn:
            return {stage: n for stage, n in conn.execute(q)}

    # -- vectors -------------------------------------------------------------

    def articles_without_vector(self, encoder: str) -> list[tuple[str, str]]:
        """``(article id, content hash)`` of articles with no vector from ``encoder``."""
        a, v = t.articles.c, t.vectors.c
        have = select(v.content_hash).where(v.encoder == encoder)
        q = select(a.id, a.content_hash).where(a.content_hash.not_in(have)).order_by(a.published, a.ingested_at, a.id)
        with self.engine.connect() as conn:
            return [(r[0], r[1]) for r in conn.execute(q)]

    def article_leads(self, ids: list[str], chars: int) -> list[tuple[str, str, str]]:
        """``(id, content hash, lead)`` of the given articles: the first ``chars`` characters of the text once
        page furniture is left out (``analyse.furniture``), in one pass of reads."""
        a = t.articles.c
        # one character past the analysed prefix: whether its last line goes on (``keyed_lines``)
        q = select(a.id, a.content_hash, func.substr(a.text, 1, ANALYSE_CHARS + 1)).where(a.id.in_(ids)).order_by(a.id)
        with self.engine.connect() as conn:
            rows = [(r[0], r[1], r[2]) for r in conn.execute(q)]
            furniture = furniture_spans(conn, {aid: text for aid, _, text in rows})
        return [(aid, digest, without(text, furniture[aid])[:chars]) for aid, digest, text in rows]

    def put_vectors(self, encoder: str, rows: list[tuple[str, np.ndarray]]) -> None:
        """Store one float32 vector per content hash (skipping hashes already stored)."""
        if not rows:
            return
        with self.engine.begin() as conn:
            have = set(conn.execute(select(t.vectors.c.content_hash).where(
                (t.vectors.c.encoder == encoder) & t.vectors.c.content_hash.in_([h for h, _ in rows]))).scalars())
            fresh = [{"content_hash": h, "encoder": encoder, "dim": int(vec.shape[0]),
                      "data": np.asarray(vec, dtype="<f4").tobytes()} for h, vec in rows if h not in have]
            if fresh:
                conn.execute(t.vectors.insert(), fresh)

    def vectors(self, encoder: str, article_ids: list[str]) -> dict[str, np.ndarray]:
        """Vectors of the given articles under ``encoder`` (missing ones are absent)."""
        a, v = t.articles.c, t.vectors.c
        q = (select(a.id, v.data).join(t.vectors, (v.content_hash == a.content_hash) & (v.encoder == encoder))
             .where(a.id.in_(article_ids)))
        with self.engine.connect() as conn:
            return {aid: np.frombuffer(data, dtype="<f4") for aid, data in conn.execute(q)}

    # -- reads ---------------------------------------------------------------

    def articles(self, ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Article summaries in arrival order (publication date, then ingest time)."""
        n_sent = (
            select(t.sentences.c.article_id, func.count().label("n"))
            .group_by(t.sentences.c.article_id)
            .subquery()
        )
        a = t.articles.c
        q = (
            select(a.id, a.lang, a.lang_confidence, a.lang_declared, a.published, a.published_source,
                   a.title, a.source, a.url, a.path, a.duplicate_of, a.duplicate_score, a.ingested_at,
                   func.coalesce(n_sent.c.n, 0).label("n_sentences"), func.length(a.text).label("n_chars"),
                   func.substr(a.text, 1, 80).label("snippet"))
            .outerjoin(n_sent, n_sent.c.article_id == a.id)
            .order_by(*t.arrival_order(), a.id)
        )
        if ids is not None:
            q = q.where(a.id.in_(list(ids)))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def paragraph_languages(self) -> dict[str, list[tuple[int, int, str | None]]]:
        """Per article, its paragraphs as ``(start, end, lang)``."""
        p = t.paragraphs.c
        out: dict[str, list[tuple[int, int, str | None]]] = {}
        with self.engine.connect() as conn:
            for aid, start, end, lang in conn.execute(
                select(p.article_id, p.start_char, p.end_char, p.lang).order_by(p.article_id, p.idx)
            ):
                out.setdefault(aid, []).append((start, end, lang))
        return out

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables."""
        with self.engine.connect() as conn:
            result = {
                name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in (("articles", t.articles), ("sentences", t.sentences),
                                    ("paragraphs", t.paragraphs), ("vectors", t.vectors),
                                    ("furniture_lines", t.furniture_keys))
            }
            result["near_duplicates"] = conn.execute(
                select(func.count()).select_from(t.articles).where(t.articles.c.duplicate_of.is_not(None))
            ).scalar_one()
        return result

    def vector_encoders(self) -> dict[str, int]:
        """Stored vectors per encoder id (``<encoder>+lead<chars>``), most first."""
        c = t.vectors.c
        q = select(c.encoder, func.count()).group_by(c.encoder).order_by(func.count().desc(), c.encoder)
        with self.engine.connect() as conn:
            return {enc: n for enc, n in conn.execute(q)}

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return current_version(conn) or 0

    def languages(self) -> dict[str, int]:
        """Number of articles per detected language."""
        q = select(t.articles.c.lang, func.count()).group_by(t.articles.c.lang).order_by(func.count().desc())
        with self.engine.connect() as conn:
            return {lang or "und": n for lang, n in conn.execute(q)}


def open_store(db: str, create: bool = True) -> Store:
    """Open (creating and migrating as needed) the store at a path or URL. ``create=False``: an SQLite file that
    does not exist is an error, not a new empty store (a mistyped ``--db`` for a command that only reads)."""
    url = resolve_url(db)
    try:
        parsed = make_url(url)
        if not create and parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
                and not parsed.database.startswith("file:") and not Path(parsed.database).exists():
            raise StoreError(f"no store at {parsed.database} (`newsweave ingest` or `newsweave run` makes one)")
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if parsed.get_backend_name() == "sqlite":
            # how long a write waits for another process's: a full relink of 100,000 articles writes for
            # about 27 s in one transaction, so 30 s left little room (bench/relink_store.py)
            kwargs["connect_args"] = {"timeout": 120}
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, SQLAlchemyError, ImportError) as exc:
        raise StoreError(f"cannot use database URL {db!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        if create and engine.dialect.name == "postgresql":
            _ensure_schema(engine)
        migrate(engine, create)
    except StoreError:
        engine.dispose()
        raise
    except DatabaseError as exc:  # unreachable server, locked or foreign file ("file is not a database")
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(f"cannot open store {engine.url.render_as_string(hide_password=True)}: {reason}") from exc
    return Store(engine)


# Stages whose output the clusterer reads (language, dates, entities): an article placed while one of them
# had failed on it, with no earlier output kept, was placed without that output, and is placed again once the
# stage succeeds (a re-cluster, rare as component failures are).
_PLACING_STAGES = ("text", "time", "entities")


def _forget_stage(conn: Connection, article_id: str, stage: str, version: str) -> str:
    """Drop the article's record of ``stage``, before ``version`` is recorded in its place, and return what to
    record: a failed try (``schema.FAILED``) over earlier output (a success, or a failure over one) is recorded
    as ``schema.FAILED_KEPT``. A success over a failure that kept nothing has the article placed again
    (``changes.unplace``)."""
    s = t.article_stages.c
    gone = conn.execute(delete(t.article_stages).where((s.article_id == article_id) & (s.stage == stage))
                        .returning(s.version)).scalars().all()
    kept = any(not v.endswith(t.FAILED) for v in gone)  # FAILED_KEPT does not end with FAILED
    if version.endswith(t.FAILED):
        return version[: -len(t.FAILED)] + t.FAILED_KEPT if kept else version
    if stage in _PLACING_STAGES and any(v.endswith(t.FAILED) for v in gone):
        unplace(conn, article_id)
    return version


def _without_furniture(art: dict[str, Any], spans: list[tuple[int, int]]) -> dict[str, Any]:
    """An article as ``articles_for_analysis`` reads it, furniture ``spans`` blanked and their sentences dropped."""
    if not spans:
        return art
    spans = sorted(spans)
    starts = [start for start, _ in spans]

    def inside(start: int, end: int) -> bool:
        i = bisect_right(starts, start) - 1
        return i >= 0 and end <= spans[i][1]

    return {**art, "text": blank(art["text"], spans), "sentences": [x for x in art["sentences"] if not inside(*x)]}


def _ensure_schema(engine: Engine) -> None:
    """Create the PostgreSQL schema a URL's search path names (``?options=-csearch_path%3DNAME``) when it does
    not exist yet, as a new SQLite store creates its file; PostgreSQL would otherwise refuse every table with
    "no schema has been selected to create in"."""
    from sqlalchemy import text

    with engine.begin() as conn:
        first = str(conn.execute(text("SHOW search_path")).scalar() or "").split(",")[0].strip()
        # as PostgreSQL reads the path: a quoted name exactly, any other folded to lower case
        name = first[1:-1].replace('""', '"') if first.startswith('"') and first.endswith('"') else first.lower()
        if not name or name == "$user":
            return
        # the first schema of the path, even where a later one exists ("myschema,public"): tables go there
        if conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :n"), {"n": name}).first() is None:
            conn.execute(text('CREATE SCHEMA IF NOT EXISTS "' + name.replace('"', '""') + '"'))
