"""Reader commands of the ``newsweave`` CLI: quotes, summary, search."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.markup import escape

from newsweave import jobs
from newsweave.cli import JsonFlag, _settings, app, counted, err, eval_app, iso_day, out, reader_language


class SearchMode(str, Enum):
    """What ``search`` ranks by (``newsweave.search.query.MODES``)."""

    hybrid = "hybrid"
    fulltext = "fulltext"
    vector = "vector"


@app.command()
def quotes(entity: Annotated[Optional[str], typer.Option("--entity", help="Only this speaker: a name in any language or script, or an entity id.")] = None,
           event: Annotated[Optional[str], typer.Option("--event", help="Only quotes from this event's articles.")] = None,
           as_json: JsonFlag = False) -> None:
    """Direct quotations and indirect speech, with the speaker resolved to a canonical entity."""
    rows = jobs.quotes(_settings(), entity, event)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    for q in rows:
        marks = ("“", "”") if q["kind"] == "direct" else ("[indirect] ", "")
        out.print(f"[bold]{escape(q['speaker'])}[/bold] [dim]({escape(q['verb'] or 'no verb')}; {escape(q['article'])}, {q['lang']})[/dim]: "
                  f"{escape(marks[0] + q['text'] + marks[1])}", highlight=False)
    out.print(counted(len(rows), "quotations"))


@app.command()
def summary(event: Annotated[Optional[str], typer.Option("--event", help="Event id.")] = None,
            storyline: Annotated[Optional[str], typer.Option("--storyline", help="Storyline id.")] = None,
            lang: Annotated[str, typer.Option("--lang", callback=reader_language, help="Reader's language (ISO 639-1).")] = "en",
            translator: Annotated[Optional[str], typer.Option("--translator", help="none (default) or apertium where installed.")] = None,
            sentences: Annotated[int, typer.Option("--sentences", min=1, help="Most sentences to keep.")] = 5,
            as_json: JsonFlag = False) -> None:
    """A few sentences covering who, what, where and when, each citing its source articles."""
    result = jobs.summary(_settings(), event, storyline, lang, translator, sentences)
    if as_json:
        out.print_json(json.dumps(result, ensure_ascii=False))
        return
    for s in result["sentences"]:
        tag = "" if s["lang"] == result["lang"] else f"[dim]({s['lang']}{', translated' if s['translated'] else ''})[/dim] "
        out.print(f"{tag}{escape(s['text'])} [dim]{escape('[' + ', '.join(s['citations']) + ']')}[/dim]", highlight=False)
    out.print(f"[dim]{result['method']}, encoder {result['encoder']}, translator {result['translator']}[/dim]")


@app.command()
def search(query: Annotated[str, typer.Argument(help="Words in any language; matches across languages too.")],
           lang: Annotated[Optional[str], typer.Option("--lang", help="Only articles in this language.")] = None,
           entity: Annotated[Optional[str], typer.Option("--entity", help="Only articles mentioning this entity (name in any script, or id).")] = None,
           date_from: Annotated[Optional[str], typer.Option("--from", callback=iso_day, help="Published on or after this day (YYYY-MM-DD).")] = None,
           date_to: Annotated[Optional[str], typer.Option("--to", callback=iso_day, help="Published on or before this day (YYYY-MM-DD).")] = None,
           event: Annotated[Optional[str], typer.Option("--event", help="Only this event's articles.")] = None,
           limit: Annotated[int, typer.Option("--limit", min=1, help="Most results.")] = 10,
           mode: Annotated[SearchMode, typer.Option("--mode", help="hybrid: words (as written or translated) and meaning; fulltext: words as written; vector: meaning alone, nearest first even when nothing is close.")] = SearchMode.hybrid,
           as_json: JsonFlag = False) -> None:
    """Hybrid full-text and vector search, fused by rank: article, language, best passage, event.

    A short query none of whose words (nor a translation of them) any article holds finds
    nothing in hybrid mode rather than the articles nearest in meaning; --mode vector lists those."""
    hits = jobs.search(_settings(), query, lang, entity, date_from, date_to, event, limit, mode.value)
    missing = jobs.unindexed(_settings())
    if missing:  # on stderr: --json output stays one document
        err.print(f"note: {missing} article{'s' if missing != 1 else ''} not in the search index yet "
                  "(`newsweave run` indexes them)")
    if as_json:
        out.print_json(json.dumps(hits, ensure_ascii=False))
        return
    for i, h in enumerate(hits, 1):
        out.print(f"{i:>2}. [bold]{escape(h['article_id'])}[/bold] ({h['lang']}, event {h['event'] or '-'}): {escape(h['passage'][:200])}",
                  highlight=False)
    if not hits:
        unfiltered = not any((lang, entity, date_from, date_to, event))  # else the filters may be why
        out.print("no results" + (" (no article holds these words or a translation of them; "
                                   "--mode vector lists the articles nearest in meaning)"
                                   if mode is SearchMode.hybrid and unfiltered else ""))


@eval_app.command("search")
def eval_search(data: Annotated[Path, typer.Option("--data", help="A corpus folder (itn, meantime, ecbplus) or the data root for all three.", exists=True, file_okay=False)] = Path("../shared/data"),
                sample: Annotated[int, typer.Option("--sample", help="Queries per corpus (0: all).")] = 60,
                query_chars: Annotated[int, typer.Option("--query-chars", help="Text after the title in each query (0: title only).")] = 300,
                query_words: Annotated[int, typer.Option("--query-words", min=0, help="Instead, queries of N words as people type them: the query article's N rarest words (0: off; --query-chars is then unused).")] = 0,
                as_json: JsonFlag = False) -> None:
    """Cross-lingual search: an event's article as the query, its other-language articles as relevant; recall@10, MRR."""
    result = jobs.eval_search(data, sample or None, query_chars, query_words)
    if as_json:
        out.print_json(json.dumps(result))
        return
    for r in (result["datasets"].values() if "datasets" in result else [result]):
        _print_search_eval(r)


def _print_search_eval(r: dict[str, Any]) -> None:
    modes = ", ".join(f"{m} {v['recall@10']:.3f}" for m, v in r.get("modes", {}).items())
    out.print(f"{r['dataset']}: recall@10 {r['recall@10']:.3f}, MRR {r['mrr']:.3f} over {r['n_queries']} queries "
              f"({r['n_articles']} articles); by mode: {modes}")
