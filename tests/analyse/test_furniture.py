"""Page furniture: lines that pages of many days share are skipped by every reader of text, in real stores."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from newsweave import jobs
from newsweave.analyse.furniture import blank, furniture_of, keyed_lines, line_key, without
from newsweave.core.config import Settings
from newsweave.stages import EMBED_CHARS
from newsweave.store import open_store
from newsweave.store import schema as t
from newsweave.store.cluster_repo import load_signals
from newsweave.store.furniture_repo import read_lead_without_furniture, read_without_furniture

MENU = ["Más Leídas Hoy", "Fase de alarma por intensas lluvias en Villa Clara y Sancti Spíritus",
        "Aeropuerto Internacional José Martí de La Habana reiniciará operaciones"]
STORIES = [
    ("Los rebeldes libios entraron en Trípoli y Muamar Gadafi huyó de la capital.", "2011-08-22"),
    ("La OTAN bombardeó Sirte mientras Mustafá Abdel Yalil pedía calma en Bengasi.", "2011-09-15"),
    ("El Consejo Nacional de Transición anunció la muerte de Gadafi en Sirte.", "2011-10-20"),
    ("Mahmud Yibril dimitió como primer ministro del Consejo Nacional de Transición.", "2011-10-23"),
]
WIRE = "Chargers' Jackson arrested on suspicion of DUI"


def _corpus(path: Path) -> Path:
    rows = [{"id": f"site-{i}", "lang": None, "title": None, "published": day,
             "text": "\n\n".join([MENU[0], story, MENU[1], MENU[2]])} for i, (story, day) in enumerate(STORIES)]
    # one story's headline that outlets reuse the same day (ECB+) is the story, not furniture
    rows += [{"id": f"wire-{i}", "lang": "en", "title": None, "published": "2009-01-01",
              "text": f"{WIRE}\n\n{who} said Vincent Jackson was stopped early on Sunday in San Diego."}
             for i, who in enumerate(["Police", "The team", "A spokesman", "His lawyer"])]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_line_helpers_keep_offsets_and_never_empty_an_article() -> None:
    text = "Menu\n\nThe story itself.\n\n  Menu  "
    lines = keyed_lines(text)
    assert [text[s:e] for s, e, _ in lines] == ["Menu", "The story itself.", "Menu"]
    assert line_key("MENU ") == line_key("menu") != line_key("story")
    spans = furniture_of(lines, {line_key("menu")})
    assert len(blank(text, spans)) == len(text) and blank(text, spans).strip() == "The story itself."
    assert without(text, spans) == "The story itself."
    assert furniture_of(keyed_lines("Menu\n\nMenu"), {line_key("menu")}) == []  # all furniture: read whole
    assert keyed_lines("12:30\n\n***") == []  # no letter: not a line worth keying


def test_furniture_is_skipped_by_entities_dates_vectors_and_terms(db_url: str, tmp_path: Path) -> None:
    settings = Settings(db=db_url)
    report, _ = jobs.run(settings, [str(_corpus(tmp_path / "pages.jsonl"))])
    assert report.ok and len(report.added) == 8
    assert jobs.status(settings)["counts"]["furniture_lines"] == len(MENU)
    store = open_store(db_url)
    try:
        with store.engine.connect() as conn:
            texts = dict(conn.execute(select(t.articles.c.id, t.articles.c.text)).all())
            m = t.mentions.c
            mentions = conn.execute(select(m.article_id, m.start_char, m.text)).all()
        for aid, start, surface in mentions:
            line = texts[aid][texts[aid].rfind("\n", 0, start) + 1:].split("\n", 1)[0]
            if aid.startswith("site-"):
                assert line not in MENU, (aid, surface)  # no "Villa Clara" from the menu
        assert not {s for _, _, s in mentions} & {"Villa Clara", "Sancti Spíritus", "José Martí", "La Habana"}
        # the wire headline is the story: its name is found in every copy
        assert {aid for aid, start, _ in mentions if aid.startswith("wire-") and start < len(WIRE)} == \
            {f"wire-{i}" for i in range(4)}
        # every reader of text (dates, entities, quotes, timelines, summaries) gets the menus blanked, and no
        # sentence in them, though the first pages' sentences were split before the menus were known
        read = store.articles_for_analysis(sorted(texts))
        for i, (story, _) in enumerate(STORIES):
            art = read[f"site-{i}"]
            assert len(art["text"]) == len(texts[f"site-{i}"]) and art["text"].split() == story.split()
            assert [art["text"][a:b] for a, b in art["sentences"]] == [story]
        assert read["wire-0"]["text"] == texts["wire-0"]
        leads = {aid: lead for aid, _, lead in store.article_leads(sorted(texts), EMBED_CHARS)}
        assert leads["site-0"] == STORIES[0][0]
        assert leads["wire-0"].startswith(WIRE)
        from newsweave.stages import embed_id

        terms = {s.id: set(s.term_text.values()) for s in load_signals(store, sorted(texts), embed_id())}
        assert "clara" not in terms["site-1"] and "trípoli" not in terms["site-1"] and "sirte" in terms["site-1"]
        assert "jackson" in terms["wire-2"]
        _lead_reads_as_the_whole_text(store)
    finally:
        store.close()


def _lead_reads_as_the_whole_text(store) -> None:
    """An event label reads a long page's head only, blanked as the whole text is: menus out, and a head that is
    all menu read with the rest (where a page of nothing but menus is read whole)."""
    story = [f"Paragraph {i} of the report on the council in Benghazi." for i in range(120)]
    pages = {"menus first": "\n".join([*MENU, *story, *MENU]), "menus only at first": "\n".join(MENU * 80 + story),
             "all menu": "\n".join(MENU * 100)}
    with store.engine.connect() as conn:
        for name, text in pages.items():
            assert len(text) > 4000, name
            whole = read_without_furniture(conn, "x", text)
            lead = read_lead_without_furniture(conn, "x", text, 5)
            assert whole.startswith(lead), name
            assert sum(1 for line in lead.split("\n") if line.strip()) >= 5, name
            assert not set(lead.split("\n")) & set(MENU) or name == "all menu", name


def test_an_older_store_keys_its_lines_and_finds_its_furniture_on_upgrade(db_url: str, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import delete

    settings = Settings(db=db_url)
    jobs.ingest(settings, [str(_corpus(tmp_path / "pages.jsonl"))])
    store = open_store(db_url)
    with store.engine.connect() as conn:
        before = set(conn.execute(select(t.furniture_keys.c.key)).scalars())
        evidence = set(conn.execute(select(t.furniture_days.c.key, t.furniture_days.c.day)).all())
    assert before == {line_key(line) for line in MENU}
    assert not {k for k, _ in evidence} & before  # furniture leaves the evidence
    with store.engine.begin() as conn:  # as schema v7 left it
        for table in (t.furniture_keys, t.furniture_days, t.article_lines, t.edited_articles):
            table.drop(conn)
        conn.execute(delete(t.schema_version))
        conn.execute(t.schema_version.insert().values(version=7, applied_at=datetime.now(UTC)))
    store.close()
    store = open_store(db_url)
    try:
        with store.engine.connect() as conn:
            assert set(conn.execute(select(t.furniture_keys.c.key)).scalars()) == before
            assert set(conn.execute(select(t.furniture_days.c.key, t.furniture_days.c.day)).all()) == evidence
            assert conn.execute(select(t.article_lines.c.key)).first() is not None
    finally:
        store.close()


def test_pages_read_before_their_menus_were_known_are_read_again(db_url: str, tmp_path: Path) -> None:
    """A live feed: one page a day, each run analysing it. The third day makes the menus furniture; that run has
    the pages of the first days read again (language, sentences, dates, quotes, vector, event names) but not
    their entities (a changed article's mentions would send the linker back over the whole store); the fourth
    page's language and sentences are read without the menus at ingest."""
    settings = Settings(db=db_url)
    corpus = _corpus(tmp_path / "pages.jsonl").read_text(encoding="utf-8").splitlines()
    runs = []
    for i, line in enumerate(corpus[:4]):
        day = tmp_path / f"day{i}.jsonl"
        day.write_text(line + "\n", encoding="utf-8")
        report, done = jobs.run(settings, [str(day)])
        assert report.ok
        runs.append(done)
    assert runs[2]["furniture"] == 3 and runs[2]["text"] == 3 and runs[2]["time"] == 3 and runs[2]["embed"] == 3 and runs[2]["link"] == 1
    assert runs[3]["text"] == 0 and runs[3]["link"] == 1  # read without the menus at ingest
    assert set(jobs.status(settings)["pending"].values()) == {0}
    store = open_store(db_url)
    try:
        with store.engine.connect() as conn:
            texts = dict(conn.execute(select(t.articles.c.id, t.articles.c.text)).all())
            m = t.mentions.c
            late = set(conn.execute(select(m.text).where(m.article_id.in_(["site-2", "site-3"]))).scalars())
            for table in (t.paragraphs, t.sentences):
                c = table.c
                for aid, start, end in conn.execute(select(c.article_id, c.start_char, c.end_char)):
                    assert texts[aid][start:end] not in MENU, (table.name, aid)
        assert not late & {"Villa Clara", "Sancti Spíritus", "José Martí", "La Habana"}
        from newsweave.analyse.encoder import get_encoder
        from newsweave.stages import embed_id

        stored = store.vectors(embed_id(), ["site-0"])["site-0"]
        assert float(stored @ get_encoder().encode_passages([STORIES[0][0]])[0]) > 0.999
        labels = {e["label"] for e in jobs.events(settings)}
        assert not labels & set(MENU)  # an untitled page's event is named by its story, not its menu
    finally:
        store.close()


def test_a_story_reprinted_on_three_days_is_not_furniture(sqlite_url: str, tmp_path: Path) -> None:
    body = ("The harbour authority in Valletta said on Monday that the tanker Ocean Star had run aground "
            "near the breakwater, and that divers from the Armed Forces of Malta were inspecting its hull. ") * 3
    rows = [{"id": f"copy-{i}", "lang": "en", "title": None, "published": f"2021-03-0{i + 1}",
             "text": f"{body}\n\nReprinted by outlet {i}."} for i in range(3)]
    path = tmp_path / "copies.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    settings = Settings(db=sqlite_url)
    report, _ = jobs.run(settings, [str(path)])
    assert report.ok and len(report.near_duplicates) == 2  # the later copies nearly copy the first
    assert jobs.status(settings)["counts"]["furniture_lines"] == 0


def test_a_line_cut_by_the_analysed_limit_is_not_keyed() -> None:
    from newsweave.core.config import ANALYSE_CHARS

    filler = "x" * (ANALYSE_CHARS - 20)
    for tail in ("Read more about the inquiry the minister opened.", "Read more  about it"):
        text = f"Read more\n\n{filler}\n\n{tail}"
        assert [text[s:e] for s, e, _ in keyed_lines(text)] == ["Read more", filler]
        assert [text[s:e] for s, e, _ in keyed_lines(text[: ANALYSE_CHARS + 1])] == ["Read more", filler]
    ended = f"Read more\n\n{'x' * (ANALYSE_CHARS - 11)}\nmore"  # the last line ends right at the limit
    assert len(keyed_lines(ended)) == 2
