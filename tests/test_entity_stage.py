"""Entities through the whole pipeline on the seeds: recognised in every article, linked across scripts."""

from __future__ import annotations

import json

from conftest import SEEDS, SEEDS_META, SHARED, cli_json, run_cli

GOLD = json.loads((SHARED / "corpus" / "seeds.gold.json").read_text(encoding="utf-8"))["entities"]


def _holder(entities: list[dict], article: str, surface: str) -> set[str]:
    """Ids of the entities with a mention of ``surface`` in ``article``."""
    return {e["id"] for e in entities for m in e["mentions"]
            if m["article"][:3] == article and m["text"].casefold() == surface.casefold()}


def test_gold_entities_are_single_canonical_entities(sqlite_url: str) -> None:
    assert run_cli("run", str(SEEDS), "--meta", str(SEEDS_META), db=sqlite_url).returncode == 0
    entities = cli_json("entities", db=sqlite_url)
    owner: dict[str, str] = {}
    for g in GOLD:
        ids: set[str] = set()
        for article, surfaces in g["mentions"].items():
            found = set().union(*(_holder(entities, article, s) for s in surfaces))
            assert found, (g["name"], article, surfaces)
            ids |= found
        assert len(ids) == 1, (g["name"], ids)
        (eid,) = ids
        assert owner.setdefault(eid, g["name"]) == g["name"], f"{eid} merges {owner[eid]} and {g['name']}"
        ent = next(e for e in entities if e["id"] == eid)
        assert ent["type"] == g["type"]
    info = cli_json("status", db=sqlite_url)
    assert all(n == 0 for n in info["pending"].values())


def test_entity_filters(sqlite_url: str) -> None:
    assert run_cli("run", str(SEEDS / "001_d028cb3f7ff8034f.txt"), db=sqlite_url).returncode == 0
    people = cli_json("entities", "--type", "PER", db=sqlite_url)
    assert people and all(e["type"] == "PER" for e in people)
    assert any(e["name"] == "Vladimir Putin" and "el" in e["languages"] for e in people)
    for e in people:
        assert e["n_mentions"] == len(e["mentions"])
        for m in e["mentions"]:
            assert {"article", "text", "lang", "start", "end"} <= set(m)


def test_names_in_the_readers_language(sqlite_url: str) -> None:
    assert run_cli("run", str(SEEDS / "000_03ec97206aa0476c.txt"), str(SEEDS / "001_d028cb3f7ff8034f.txt"),
                   db=sqlite_url).returncode == 0
    english = {e["id"]: e["name"] for e in cli_json("entities", "--type", "LOC", db=sqlite_url)}
    italian = {e["id"]: e for e in cli_json("entities", "--type", "LOC", "--lang", "it", db=sqlite_url)}
    greek = {e["id"]: e for e in cli_json("entities", "--type", "LOC", "--lang", "el", db=sqlite_url)}
    moscow = next(eid for eid, name in english.items() if name == "Moscow")
    assert italian[moscow]["name"] == "Mosca" and italian[moscow]["name_en"] == "Moscow"
    assert greek[moscow]["name"] == "Μόσχα"
