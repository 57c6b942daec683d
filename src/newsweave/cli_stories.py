"""Story commands of the ``newsweave`` CLI: cluster, events, storylines, explain, eval cluster."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from newsweave import story_jobs
from newsweave.cluster.model import distinct_names
from newsweave.cluster.online import MAX_GAP
from newsweave.core.text import clipped
from newsweave.cli import (JsonFlag, _progress, _settings, app, counted, err, eval_app, iso_day, out, reader_language,
                           say_error)


@app.command()
def cluster(recluster: Annotated[bool, typer.Option("--recluster", help="Forget every assignment and cluster all articles again (after changing settings or models); old event ids keep resolving.")] = False,
            as_json: JsonFlag = False) -> None:
    """Assign new articles, in arrival order, to events and storylines (run also does this)."""
    with _progress("clustering", as_json) as tick:
        result = story_jobs.cluster(_settings(), recluster, tick)
    if as_json:
        out.print_json(json.dumps(result))
        return
    out.print(f"{counted(result['assigned'], 'articles')} assigned; {counted(result['events'], 'events')}, "
              f"{counted(result['storylines'], 'storylines')}")
    if result["pending_vectors"]:
        out.print(f"[yellow]{result['pending_vectors']} articles have no vector yet: run 'newsweave run' (without inputs it analyses what is stored)[/yellow]")


DateFrom = Annotated[Optional[str], typer.Option("--from", callback=iso_day, help="Only those still going on this day or later (YYYY-MM-DD); undated ones are left out.")]
DateTo = Annotated[Optional[str], typer.Option("--to", callback=iso_day, help="Only those begun on this day or earlier (YYYY-MM-DD); undated ones are left out.")]
Entity = Annotated[Optional[str], typer.Option("--entity", help="Only those with an article mentioning this entity (name in any script, or id).")]
MinArticles = Annotated[int, typer.Option("--min-articles", min=1, help="Only those with at least this many articles.")]


@app.command()
def events(storyline: Annotated[Optional[str], typer.Option("--storyline", help="Only this storyline's events.")] = None,
           lang: Annotated[Optional[str], typer.Option("--lang", callback=reader_language, help="Label each event by a report in this language where it has one (e.g. en), and name its entities as articles in this language write them.")] = None,
           date_from: DateFrom = None, date_to: DateTo = None, entity: Entity = None, min_articles: MinArticles = 1,
           as_json: JsonFlag = False) -> None:
    """List events: id, label, articles, languages, first and last date, top entities, storyline."""
    rows = story_jobs.events(_settings(), storyline, lang, story_jobs.Within(date_from, date_to, entity, min_articles))
    _note_unclustered()
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    cells = {"id": lambda r: r["id"], "dates": _dates, "articles": lambda r: str(len(r["articles"])),
             "languages": lambda r: ",".join(r["languages"]), "label": lambda r: r["label"],
             "top entities": lambda r: ", ".join(distinct_names(r["top_entities"], 3)),
             "storyline": lambda r: r["storyline"] or ""}
    table = _table(counted(len(rows), "events"), _EVENT_COLUMNS, ("top entities", "storyline", "languages"), cells, rows)
    out.print(table)


def _note_unclustered() -> None:
    """Say on stderr (--json output stays one document) how many stored articles no event holds yet."""
    if waiting := story_jobs.unclustered(_settings()):
        err.print(f"note: {counted(waiting, 'articles')} not clustered yet (`newsweave run` clusters them)")


# (least, most) width per column; ids stay whole (users copy them), counts always show
_EVENT_COLUMNS = {"id": (15, 15), "dates": (23, 23), "articles": (8, 8), "languages": (9, 16), "label": (12, 40),
                  "top entities": (12, 36), "storyline": (15, 15)}
_STORY_COLUMNS = {"id": (15, 15), "dates": (23, 23), "events": (6, 6), "articles": (8, 8), "languages": (9, 24),
                  "label": (12, 60)}
Cell = Callable[[dict[str, Any]], str]


def _table(title: str, columns: dict[str, tuple[int, int]], dropped_first: tuple[str, ...], cells: dict[str, Cell],
           rows: list[dict[str, Any]]) -> Table:
    """One line per row, every cell cut with … to its column: in a narrow terminal whole columns are left out
    (``dropped_first``, in order) rather than one squeezed to nothing."""
    table = Table(title=title, title_justify="left")
    shown = _fitting_columns(columns, dropped_first, out.width)
    widest = _widest(columns, shown, out.width)
    for col in shown:
        table.add_column(col, no_wrap=True, overflow="ellipsis", min_width=columns[col][0], max_width=widest[col])
    for r in rows:
        table.add_row(*(Text(cells[col](r)) for col in shown))  # stored text: "[VIDEO]" is not markup
    return table


def _widest(columns: dict[str, tuple[int, int]], shown: list[str], width: int) -> dict[str, int]:
    """Each shown column's most width, lowered so that together they fit ``width``: Rich would otherwise
    shrink the table by squeezing columns below their least width, down to nothing."""
    room = width - 3 * len(shown) - 1 - sum(columns[c][0] for c in shown)  # beyond the least widths
    slack = {c: columns[c][1] - columns[c][0] for c in shown}
    total = sum(slack.values())
    if total <= room:
        return {c: columns[c][1] for c in shown}
    return {c: columns[c][0] + max(room, 0) * slack[c] // total for c in shown}


def _fitting_columns(columns: dict[str, tuple[int, int]], dropped_first: tuple[str, ...], width: int) -> list[str]:
    """The columns whose least widths fit ``width`` (3 characters of border and padding each)."""
    shown = list(columns)
    for col in dropped_first:
        if sum(columns[c][0] + 3 for c in shown) + 1 <= width:
            break
        shown.remove(col)
    return shown


@app.command()
def storylines(date_from: DateFrom = None, date_to: DateTo = None, entity: Entity = None,
               min_articles: MinArticles = 1,
               lang: Annotated[Optional[str], typer.Option("--lang", callback=reader_language, help="Name the storylines' entities as articles in this language write them, where any does (e.g. it: Mosca).")] = None,
               as_json: JsonFlag = False) -> None:
    """List storylines: events linked by shared actors and themes."""
    rows = story_jobs.storylines(_settings(), story_jobs.Within(date_from, date_to, entity, min_articles), lang)
    _note_unclustered()
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    cells = {"id": lambda r: r["id"], "dates": _dates, "events": lambda r: str(len(r["events"])),
             "articles": lambda r: str(r["n_articles"]), "languages": lambda r: ",".join(r["languages"]),
             "label": lambda r: r["label"]}
    table = _table(counted(len(rows), "storylines"), _STORY_COLUMNS, ("languages",), cells, rows)
    out.print(table)


@app.command()
def explain(article: Annotated[str, typer.Argument(help="Article id.")], as_json: JsonFlag = False) -> None:
    """Why an article sits in its event and storyline: each signal and how strong it was."""
    info = story_jobs.explain(_settings(), article)
    if as_json:
        out.print_json(json.dumps(info, ensure_ascii=False))
        return
    labels = info.get("labels", {})
    out.print(f"[bold]{escape(info['article'])}[/bold]: event {escape(_named(info['event'], labels))}, "
              f"storyline {escape(_named(info['storyline'], labels))} (arrival #{info['arrival']})", highlight=False)
    for level in ("event", "storyline"):
        decision, now = info["decisions"][level], info["merged_into"][level]
        # named, not "that event": the decision text ends with its runner-up, which it could be read as
        note = f"; {decision['cluster']} has since merged into {now}" if now != decision["cluster"] else ""
        out.print(f"  {level}: {escape(_decision(decision, level, labels) + note)}", highlight=False)


def _named(cluster: str | None, labels: dict[str, str]) -> str:
    """A cluster id with its label, as the listings show it: ev-… «Kim arrives in Russia»."""
    label = labels.get(cluster or "")
    if not label:
        return str(cluster)
    return f"{cluster} «{clipped(label, 60)}»"


_REASONS = {"first": "nothing was open yet",
            "too-far": f"every open candidate lies over {MAX_GAP['event']} days from its date",
            "unrelated": "every open candidate shares no more than places with it and reads unalike",
            "no-candidate": "no open one is near by vector or shares an entity",
            "event": "with its event", "duplicate": "as a near-duplicate of an article in it"}


def _decision(d: dict[str, Any], level: str = "event", labels: dict[str, str] | None = None) -> str:
    verb = "founded" if d["created"] else "joined"
    why = _REASONS.get(d["reason"], d["reason"])
    if d["reason"] == "scored":
        why = "no candidate likely enough" if d["created"] else "the most likely"
    elif d["reason"] == "rejoined":  # its event's storyline and another were one, on this article's evidence
        r = d.get("rejoined") or {}
        why = (f"rejoined: with its event, whose storyline {r.get('from', '?')} this article showed to be one with "
               f"{r.get('with', '?')}, the younger merged into the older")
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
                 f"date gap {gap}; shared: {', '.join(s.get('shared_names') or s['shared_entities']) or 'none'}")
    if r := d.get("runner_up"):
        text += (f"; {'best candidate' if d['created'] else 'runner-up'} {_named(r['cluster'], labels or {})} "
                 f"p={r['probability']:.2f}")
    if d.get("merged"):  # runners-up it was as sure of: one with the cluster it joined
        text += f"; merged {', '.join(d['merged'])} into it"
    if d.get("adopted"):  # lone events whose article, placed again, now joins the grown event
        took = ", ".join(f"{a['cluster']} (its article now p={a['probability']:.2f})" for a in d["adopted"])
        text += f"; took in the lone event{'s' if len(d['adopted']) > 1 else ''} {took}"
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
    r = story_jobs.eval_cluster(corpus, gold, level)
    for message in r["errors"]:
        say_error(message)
    if as_json:
        out.print_json(json.dumps(r))
    else:
        out.print(f"{level} level: BCubed F1 {r['bcubed_f1']:.3f} (P {r['bcubed_precision']:.3f}, "
                  f"R {r['bcubed_recall']:.3f}); {r['clusters']} clusters for {r['gold_clusters']} gold, "
                  f"{r['articles']} articles, {r['singleton_share']:.1%} alone")
        for key, what in (("unlabelled", "clustered articles have no gold label and were not scored"),
                          ("not_clustered", "gold labels name articles that were not clustered")):
            if r[key]:
                err.print(f"[yellow]note[/yellow]: {r[key]} {what}", highlight=False)
    if r["errors"]:  # scored on what could be read, but the corpus was not read whole
        raise typer.Exit(1)
