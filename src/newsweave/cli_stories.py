"""Story commands of the ``newsweave`` CLI: cluster, events, storylines, explain, eval cluster."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from newsweave import jobs
from newsweave.cluster.online import MAX_GAP
from newsweave.cli import JsonFlag, _progress, _settings, app, counted, eval_app, out


@app.command()
def cluster(recluster: Annotated[bool, typer.Option("--recluster", help="Forget every assignment and cluster all articles again (after changing settings or models); old event ids keep resolving.")] = False,
            as_json: JsonFlag = False) -> None:
    """Assign new articles, in arrival order, to events and storylines (run also does this)."""
    with _progress("clustering", as_json) as tick:
        result = jobs.cluster(_settings(), recluster, tick)
    if as_json:
        out.print_json(json.dumps(result))
        return
    out.print(f"{counted(result['assigned'], 'articles')} assigned; {counted(result['events'], 'events')}, "
              f"{counted(result['storylines'], 'storylines')}")
    if result["pending_vectors"]:
        out.print(f"[yellow]{result['pending_vectors']} articles have no vector yet: run 'newsweave run' (without inputs it analyses what is stored)[/yellow]")


@app.command()
def events(storyline: Annotated[Optional[str], typer.Option("--storyline", help="Only this storyline's events.")] = None,
           as_json: JsonFlag = False) -> None:
    """List events: id, label, articles, languages, first and last date, top entities, storyline."""
    rows = jobs.events(_settings(), storyline)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=counted(len(rows), "events"), title_justify="left")
    cells = {"id": lambda r: r["id"], "dates": _dates, "articles": lambda r: str(len(r["articles"])),
             "languages": lambda r: ",".join(r["languages"]), "label": lambda r: r["label"],
             "top entities": lambda r: ", ".join(e["name"] for e in r["top_entities"][:3]),
             "storyline": lambda r: r["storyline"] or ""}
    shown = _fitting_columns(out.width)
    for col in shown:
        least, most = _EVENT_COLUMNS[col]
        table.add_column(col, no_wrap=True, overflow="ellipsis", min_width=least, max_width=most)
    for r in rows:
        table.add_row(*(cells[col](r) for col in shown))
    out.print(table)


# (least, most) width per column of the events table; ids stay whole (users copy them), counts always show
_EVENT_COLUMNS = {"id": (15, 15), "dates": (23, 23), "articles": (8, 8), "languages": (9, 16), "label": (12, 32),
                  "top entities": (12, 28), "storyline": (15, 15)}
_DROPPED_FIRST = ("top entities", "storyline", "languages")  # what a narrow terminal leaves out, in order


def _fitting_columns(width: int) -> list[str]:
    """The events table's columns whose least widths fit ``width`` (3 characters of border and padding
    each): a narrow terminal leaves out whole columns rather than squeezing one to nothing."""
    shown = list(_EVENT_COLUMNS)
    for col in _DROPPED_FIRST:
        if sum(_EVENT_COLUMNS[c][0] + 3 for c in shown) + 1 <= width:
            break
        shown.remove(col)
    return shown


@app.command()
def storylines(as_json: JsonFlag = False) -> None:
    """List storylines: events linked by shared actors and themes."""
    rows = jobs.storylines(_settings())
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=counted(len(rows), "storylines"), title_justify="left")
    for col in ("id", "dates", "events", "articles", "languages", "label"):  # ids and counts whole, the rest wraps
        whole = col in ("id", "events", "articles")
        table.add_column(col, no_wrap=whole, overflow="ellipsis", min_width=len(col) if whole else 10)
    for r in rows:
        table.add_row(r["id"], _dates(r), str(len(r["events"])), str(r["n_articles"]), ",".join(r["languages"]), r["label"])
    out.print(table)


@app.command()
def explain(article: Annotated[str, typer.Argument(help="Article id.")], as_json: JsonFlag = False) -> None:
    """Why an article sits in its event and storyline: each signal and how strong it was."""
    info = jobs.explain(_settings(), article)
    if as_json:
        out.print_json(json.dumps(info, ensure_ascii=False))
        return
    out.print(f"[bold]{info['article']}[/bold]: event {info['event']}, storyline {info['storyline']} (arrival #{info['arrival']})")
    for level in ("event", "storyline"):
        decision, now = info["decisions"][level], info["merged_into"][level]
        note = f"; that {level} has since merged into {now}" if now != decision["cluster"] else ""
        out.print(f"  {level}: {_decision(decision, level)}{note}", highlight=False)


_REASONS = {"first": "nothing was open yet",
            "too-far": f"every open candidate lies over {MAX_GAP['event']} days from its date",
            "no-candidate": "no open one is near by vector or shares an entity",
            "event": "with its event", "duplicate": "as a near-duplicate of an article in it"}


def _decision(d: dict[str, Any], level: str = "event") -> str:
    verb = "founded" if d["created"] else "joined"
    why = _REASONS.get(d["reason"], d["reason"])
    if d["reason"] == "scored":
        why = "no candidate likely enough" if d["created"] else "the most likely"
    text = f"{verb} {d['cluster']} ({why}, p={d['probability']:.2f})"
    if s := d.get("signals"):
        gap = "unknown" if s["gap_days"] is None else counted(s["gap_days"], "days")
        if s.get("older") and level == "event":  # storylines do not weigh these two
            gap += " (it names no year this recent)"
        if s.get("newlang") and level == "event":
            gap += "; its language is new to the event (similarity weighed up)"
        text += (f"; embedding {s['embedding']:.2f} (to the centre {s.get('centroid', 0):.2f}), "
                 f"entities {s['entities']:.2f}, people {s.get('people', 0):.2f}, "
                 f"main entities {s.get('salient', 0):.2f}, new people {s.get('newcomers', 0):.2f}, terms {s['terms']:.2f}, "
                 f"date gap {gap}; shared: {', '.join(s['shared_entities']) or 'none'}")
    if r := d.get("runner_up"):
        text += f"; {'best candidate' if d['created'] else 'runner-up'} {r['cluster']} p={r['probability']:.2f}"
    return text


def _dates(r: dict[str, Any]) -> str:
    first, last = r.get("first_date"), r.get("last_date")
    if not first:
        return "undated"
    return first if first == last else f"{first} … {last}"


@eval_app.command("cluster")
def eval_cluster(corpus: Annotated[Path, typer.Option("--corpus", help="JSONL corpus to cluster.", exists=True, dir_okay=False)],
                 gold: Annotated[Path, typer.Option("--gold", help="JSONL gold labels by id (event / topic fields).", exists=True, dir_okay=False)],
                 level: Annotated[str, typer.Option("--level", help="event: events vs gold 'event'; topic: storylines vs gold 'topic'.")] = "event",
                 as_json: JsonFlag = False) -> None:
    """Stream a corpus through a fresh store and score clusters with BCubed P/R/F1."""
    r = jobs.eval_cluster(corpus, gold, level)
    if as_json:
        out.print_json(json.dumps(r))
        return
    out.print(f"{level} level: BCubed F1 {r['bcubed_f1']:.3f} (P {r['bcubed_precision']:.3f}, R {r['bcubed_recall']:.3f}); "
              f"{r['clusters']} clusters for {r['gold_clusters']} gold, {r['articles']} articles, "
              f"{r['singleton_share']:.1%} alone")
