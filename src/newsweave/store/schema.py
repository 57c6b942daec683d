"""The current data model. Later stages add their tables through migrations.

Every derived product carries the component version that made it
(``article_stages.version``, ``vectors.encoder``), so a newer component
re-does only what it changed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    delete,
)

SCHEMA_VERSION = 9  # v9: edited_articles (v8: article_lines, furniture_days, furniture_keys: page furniture)

metadata = MetaData()

schema_version = Table(
    "nw_schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("source", String(255)),
    Column("url", Text),
    Column("path", Text),
    Column("origin", Text, nullable=False),  # where it was read from, for messages
    Column("lang", String(16)),
    Column("lang_confidence", Float),
    Column("lang_declared", String(16)),  # what the metadata claimed, if anything
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("published", String(40)),  # ISO 8601 date or datetime, as precise as known
    Column("published_source", String(20)),  # sidecar | jsonl | json | html-meta | feed | dateline
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("duplicate_of", String(255), ForeignKey("articles.id", ondelete="SET NULL")),
    Column("duplicate_score", Float),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)
Index("ix_articles_published", articles.c.published)


def chunks(ids: list[str], size: int = 500) -> list[list[str]]:
    """``ids`` in slices short enough for one ``IN (...)`` list; none for no ids (an empty ``IN`` is a query
    that can only find nothing)."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def insert_rows(conn: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (each naming the same columns, the rest left to their server defaults) into ``table``.

    On PostgreSQL a COPY in the connection's transaction: an executemany still sends, converts and checks each
    row on its own, and an article's sentences, paragraphs, line keys and LSH bands are some 340 rows, which
    made PostgreSQL ingest twice as slow as SQLite's (``bench/ingest_throughput.py``)."""
    if not rows:
        return
    if conn.dialect.name != "postgresql" or conn.dialect.driver != "psycopg":
        conn.execute(table.insert(), rows)
        return
    import psycopg
    from psycopg import sql
    from sqlalchemy.exc import DBAPIError

    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns)))
    try:
        with conn.connection.driver_connection.cursor() as cur, cur.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    except psycopg.Error as exc:  # as SQLAlchemy's own statements fail: the callers catch its errors
        raise DBAPIError.instance(f"COPY {table.name}", None, exc, psycopg.Error, dialect=conn.dialect) from exc


def replace_article_rows(conn: Any, table: Table, article_id: str, rows: list[dict[str, Any]], **fixed: Any) -> None:
    """Swap the rows ``table`` holds for one article (its ``article_id``) for ``rows``, numbered by ``idx`` in
    their order, each with the ``fixed`` columns too."""
    conn.execute(delete(table).where(table.c.article_id == article_id))
    if rows:
        conn.execute(table.insert(), [{"article_id": article_id, "idx": i, **fixed, **r} for i, r in enumerate(rows)])


def insert_or_skip(conn: Any, table: Table) -> Any:
    """An INSERT on ``table`` that skips rows whose key is taken (ON CONFLICT DO NOTHING, per dialect)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()


def arrival_order() -> tuple[Any, ...]:
    """ORDER BY terms for arrival order: publication date (undated last), then ingest time."""
    return articles.c.published.is_(None), articles.c.published, articles.c.ingested_at
Index("ix_articles_lang", articles.c.lang)

paragraphs = Table(
    "paragraphs",
    metadata,
    Column("article_id", String(255), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("lang", String(16)),
    Column("lang_confidence", Float),
)

sentences = Table(
    "sentences",
    metadata,
    Column("article_id", String(255), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
)

minhashes = Table(
    "minhashes",
    metadata,
    Column("article_id", String(255), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
)

minhash_bands = Table(
    "minhash_bands",
    metadata,
    Column("band", SmallInteger, primary_key=True),
    Column("key", BigInteger, primary_key=True),
    Column("article_id", String(255), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)

# Each distinct line of an article's analysed prefix, hashed (``analyse.furniture``): lines that articles of
# many days share are page furniture, which the analysers skip.
article_lines = Table(
    "article_lines",
    metadata,
    Column("key", BigInteger, primary_key=True),
    Column("article_id", String(255), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)
Index("ix_article_lines_article", article_lines.c.article_id)

# The evidence: the publication days (date ordinals) of the articles holding a line not yet found to be furniture,
# near-copies left out. A key leaves it when it reaches ``FURNITURE_DAYS`` days, so counting costs no more than that.
furniture_days = Table(
    "furniture_days",
    metadata,
    Column("key", BigInteger, primary_key=True),
    Column("day", Integer, primary_key=True),
)

# The line keys found to be furniture. Once furniture, always: readers look keys up here. ``reread`` is 1 until the
# articles that held the line before are marked to be read again (at the start of the next analysis run).
furniture_keys = Table(
    "furniture_keys",
    metadata,
    Column("key", BigInteger, primary_key=True),
    Column("reread", SmallInteger, nullable=False, default=1),
)

# One vector per (content, encoder): re-runs and re-ingests never re-embed.
vectors = Table(
    "vectors",
    metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("encoder", String(80), primary_key=True),
    Column("dim", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# A stage's version with this after it records a failed try (``Store.mark_failed``): no stage has that version,
# so the article stays pending for it. FAILED_KEPT: the try failed over the output of an earlier one, which
# stays (and the article was placed with it).
FAILED = "!failed"
FAILED_KEPT = FAILED + "+kept"

article_stages = Table(
    "article_stages",
    metadata,
    Column("article_id", String(255), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("stage", String(40), primary_key=True),
    Column("version", String(80), nullable=False),
    Column("done_at", DateTime(timezone=True), nullable=False),
)

# v2: time expressions, resolved against the publication date.
time_exprs = Table(
    "time_exprs",
    metadata,
    Column("article_id", String(255), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("value", String(40)),  # ISO day, month, year, week or interval; None if unresolved
    Column("granularity", String(12), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("role", String(16), nullable=False),  # publication | reported_event | background
)
Index("ix_time_exprs_value", time_exprs.c.value)

# v3: entity mentions (from the recogniser) and the canonical entities they link to.
mentions = Table(
    "mentions",
    metadata,
    Column("article_id", String(255), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("type", String(8), nullable=False),  # PER | ORG | LOC | MISC
    Column("lang", String(16)),
    Column("entity_id", String(255)),  # set by the link stage
)
Index("ix_mentions_entity", mentions.c.entity_id)

entities = Table(
    "entities",
    metadata,
    Column("id", String(255), primary_key=True),  # derived from type + canonical key: stable
    Column("name", Text, nullable=False),  # display name in English
    Column("type", String(8), nullable=False),
    Column("languages", Text, nullable=False),  # JSON list
    Column("aliases", Text, nullable=False),  # JSON {lang: [forms]}
    Column("n_mentions", Integer, nullable=False),
    Column("n_articles", Integer, nullable=False),
    Column("linker", String(80), nullable=False),
)


# v4: events and storylines from online clustering. Ids derive from the founding
# article and never change; a merged cluster keeps its row with ``merged_into``.
def _cluster_table(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("id", String(40), primary_key=True),
        Column("label", Text, nullable=False),
        Column("storyline_id", String(40)),  # events only
        Column("n_articles", Integer, nullable=False),
        Column("first_date", String(10)),
        Column("last_date", String(10)),
        Column("languages", Text, nullable=False),  # JSON {lang: articles}
        Column("top_entities", Text, nullable=False),  # JSON [{id, name, articles}]
        Column("founded_by", String(255), nullable=False),
        Column("is_open", Integer, nullable=False),  # 1 while inside the time window
        Column("merged_into", String(40)),
        Column("vector", LargeBinary),  # running aggregate, for open clusters
        Column("aggregate", Text),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )


events = _cluster_table("events")
Index("ix_events_open", events.c.is_open)
Index("ix_events_storyline", events.c.storyline_id)
storylines = _cluster_table("storylines")
Index("ix_storylines_open", storylines.c.is_open)

event_articles = Table(
    "event_articles",
    metadata,
    Column("article_id", String(255), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", String(40), nullable=False),
    Column("seq", Integer, nullable=False),  # arrival number in the stream
    Column("probability", Float, nullable=False),
    Column("explanation", Text, nullable=False),  # JSON: signals of the event and storyline decisions
    Column("clusterer", String(80), nullable=False),
)
Index("ix_event_articles_event", event_articles.c.event_id)

cluster_log = Table(
    "cluster_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("level", String(12), nullable=False),  # event | storyline
    Column("kind", String(12), nullable=False),  # merge | split | recluster
    Column("source", String(40), nullable=False),
    Column("target", String(40), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# Set when a clustered article's text, date or title changed: its events' running sums still hold what it was,
# so the next cluster stage re-clusters the store (cluster.stream.cluster_pending).
STALE_KEY = "stale"
# Before v9, the articles whose text changed since they were placed, as one JSON list (now ``edited_articles``).
EDITED_KEY = "edited"
BEFORE_KEY = "before"  # the memberships a re-cluster started from, until its redirects are recorded
FOUNDERS_KEY = "founders"  # beside BEFORE_KEY: the founding article of each cluster it names
cluster_state = Table(
    "cluster_state",
    metadata,
    Column("key", String(20), primary_key=True),  # meta | sums | df | encoder | *_KEY above
    Column("value", LargeBinary, nullable=False),
)


# v5: quotations with their speakers, and summaries of events and storylines.
quotes = Table(
    "quotes",
    metadata,
    Column("article_id", String(255), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("kind", String(10), nullable=False),  # direct | indirect
    Column("speaker_text", Text),
    Column("speaker_start", Integer),
    Column("speaker_end", Integer),
    Column("speaker_entity", String(255)),
    Column("speaker_name", Text),
    Column("speaker_kind", String(14), nullable=False),  # person | organisation | unattributed
    Column("verb", Text),
)
Index("ix_quotes_speaker", quotes.c.speaker_entity)

summaries = Table(
    "summaries",
    metadata,
    Column("cluster_id", String(40), primary_key=True),  # an event or storyline id
    Column("lang", String(16), primary_key=True),
    Column("translator", String(80), primary_key=True),
    Column("fingerprint", String(64), nullable=False),  # of the inputs: rebuilt only when they change
    Column("method", String(40), nullable=False),
    Column("encoder", String(80), nullable=False),
    Column("body", Text, nullable=False),  # JSON of the summary
    Column("made_at", DateTime(timezone=True), nullable=False),
)


# v6: the search index. Its full-text tables are dialect-specific DDL (newsweave.search.index); the word
# bridge's vectors are a plain table: one float16 unit vector per (word, encoder), embedded once.
SEARCH_TERM_CHARS = 40  # longer "words" are unsegmented scripts or junk
search_terms = Table(
    "search_terms",
    metadata,
    Column("term", String(SEARCH_TERM_CHARS * 4), primary_key=True),
    Column("encoder", String(80), primary_key=True),
    Column("data", LargeBinary, nullable=False),  # float16, unit norm
)


# The articles whose text changed since they were placed, until the re-cluster that follows is recorded: an
# edited article does not hand its old event's id to its new text (cluster.online.Heritage). A row each: the
# JSON list under EDITED_KEY that held them was read and written whole on every edit, 50 ms an edit once
# 100,000 were listed (a re-ingest of a corpus whose extraction changed edits every article).
edited_articles = Table(
    "edited_articles",
    metadata,
    Column("article_id", String(255), primary_key=True),  # no foreign key: an id, as the memberships keep it
)

# v7: the entity linker's state after its last run (newsweave.link.incremental), saved in the transaction that
# wrote its entities, so the next run links only the new articles' mentions instead of every stored one.
link_state = Table(
    "link_state",
    metadata,
    Column("key", String(20), primary_key=True),  # "checkpoint"
    Column("value", LargeBinary, nullable=False),  # zlib-compressed JSON (link.state), never a pickle
)
