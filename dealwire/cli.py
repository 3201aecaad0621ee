"""The `dealwire` command line: extract, ingest, eval.

Errors are one line on stderr saying what to do, and the exit status says what happened:
0 success, 1 some inputs failed (the rest were processed), 2 the command could not run at all.
"""

import os
from contextlib import AbstractContextManager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from config.settings import get_settings
from dealwire.output import csv_text, deals_table, print_json

# Telemetry off before Prefect is imported anywhere (see docs/platform-notes in shared/).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="dealwire: corporate deals from business news.",
)
out = Console()
err = Console(stderr=True)


class ExtractFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


class SummaryFormat(StrEnum):
    table = "table"
    json = "json"


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


@app.command()
def extract(
    inputs: Annotated[list[str], typer.Argument(help="HTML or .txt files, http(s) URLs, or - for stdin.")],
    output_format: Annotated[
        ExtractFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ExtractFormat.table,
) -> None:
    """Extract companies, money and deals from articles, without a database."""
    from extractors.article import Article, parse_document
    from extractors.extract import extract_articles
    from extractors.pipeline import ModelNotInstalled, load_pipeline
    from sources.documents import Failure
    from sources.inputs import read_inputs

    settings = get_settings()
    try:
        nlp = load_pipeline(settings.nlp.model)
    except ModelNotInstalled as exc:
        raise fail(str(exc)) from None
    results: list[dict[str, Any] | None] = [None] * len(inputs)
    articles: list[tuple[int, Article]] = []
    for index, item in enumerate(read_inputs(inputs, settings.fetch)):
        parsed = item if isinstance(item, Failure) else parse_document(item)
        if isinstance(parsed, Failure):
            results[index] = {"source": inputs[index], "error": parsed.reason}
        else:
            articles.append((index, parsed))
    with progress(err) as bar:
        task = bar.add_task("extracting", total=len(articles))
        extracted = extract_articles(nlp, [a for _, a in articles], settings.nlp.batch_size)
        for (index, _), (_, record) in zip(articles, extracted, strict=True):
            results[index] = {"source": inputs[index], **record}
            bar.advance(task)
    final = [r for r in results if r is not None]
    if output_format is ExtractFormat.jsonl:
        for record in final:
            print_json(out, record)
    elif output_format is ExtractFormat.json:
        print_json(out, final[0] if len(final) == 1 else final)
    else:
        rows = [(r["source"], deal) for r in final if "deals" in r for deal in r["deals"]]
        out.print(deals_table(rows, f"{len(rows)} deal(s) in {len(articles)} article(s)"))
        for record in final:
            if "error" in record:
                err.print(f"[red]failed[/] {record['source']}: {record['error']}", highlight=False)
    if any("error" in r for r in final):
        raise typer.Exit(1)


@app.command()
def ingest(
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="A configured source name.")
    ] = None,
    path: Annotated[
        list[Path] | None, typer.Option("--path", help="A folder of .html/.txt articles.")
    ] = None,
    url: Annotated[list[str] | None, typer.Option("--url", help="An article URL.")] = None,
    feed: Annotated[list[str] | None, typer.Option("--feed", help="An RSS/Atom feed URL.")] = None,
    since: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Backfill: articles dated from this day.")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Backfill: articles dated up to this day.")
    ] = None,
    reprocess: Annotated[bool, typer.Option(help="Re-extract articles that are already stored.")] = False,
    output_format: Annotated[SummaryFormat, typer.Option("--format", "-f")] = SummaryFormat.table,
) -> None:
    """Run the ingest flow: fetch, parse, extract and store deals in the database."""
    if not (source or path or url or feed):
        raise fail("nothing to ingest: give --source NAME, --path DIR, --url URL or --feed URL")
    from extractors.pipeline import ModelNotInstalled
    from flows.ingest import configured_ingest
    from models.db import SchemaError
    from sources.collect import UnknownSource

    with database_session():  # an unreachable or outdated database is one line here, before Prefect starts
        pass
    try:
        summary = configured_ingest(get_settings())(
            sources=source or [],
            paths=[str(p) for p in path or []],
            urls=url or [],
            feeds=feed or [],
            start_date=since.date() if since else None,
            end_date=until.date() if until else None,
            reprocess=reprocess,
        )
    except (ModelNotInstalled, UnknownSource, SchemaError) as exc:
        raise fail(str(exc)) from None
    except OperationalError as exc:
        from models.db import make_engine

        raise fail(unreachable(make_engine(get_settings().database_url), exc)) from None

    deals = summary.pop("deals")
    summary.pop("per_source")
    if output_format is SummaryFormat.json:
        print_json(out, summary)
    else:
        out.print(deals_table([(d["source"], d) for d in deals], f"{len(deals)} deal(s) found"))
        out.print(
            f"articles: {summary['articles_new']} new, {summary['articles_duplicate']} duplicate, "
            f"{summary['articles_out_of_range']} outside the dates, "
            f"{len(summary['failed'])} failed · deals: {summary['deals_new']} new, "
            f"{summary['deals_updated']} updated · stored in {summary['database']}",
            highlight=False,
        )
        for failure in summary["failed"]:
            err.print(f"[red]failed[/] {failure['url']}: {failure['reason']}", highlight=False)
    if summary["failed"]:
        raise typer.Exit(1)


DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "tests" / "eval" / "corpus"
FLOORS_FILE = Path(__file__).resolve().parents[1] / "tests" / "eval" / "floors.json"


@app.command(name="eval")
def evaluate_command(
    corpus: Annotated[
        Path, typer.Argument(help="Folder of <id>.txt articles with <id>.json labels.")
    ] = DEFAULT_CORPUS,
    output_format: Annotated[SummaryFormat, typer.Option("--format", "-f")] = SummaryFormat.table,
    errors: Annotated[int, typer.Option(help="Also list this many wrong, missed or spurious deals.")] = 0,
    check: Annotated[
        bool, typer.Option(help="Exit 1 when a metric is below its floor in tests/eval/floors.json.")
    ] = False,
) -> None:
    """Score the extractor on a labeled corpus: precision, recall and F1 per slot."""
    import json

    from rich.table import Table

    from dealwire.evaluation import check_floors, corpus_articles, evaluate, load_corpus
    from extractors.extract import extract_articles
    from extractors.pipeline import ModelNotInstalled, load_pipeline

    if not corpus.is_dir():
        raise fail(f"no corpus folder at {corpus}")
    labeled = load_corpus(corpus)
    if not labeled:
        raise fail(f"no labeled articles (<id>.txt + <id>.json) in {corpus}")
    settings = get_settings()
    try:
        nlp = load_pipeline(settings.nlp.model)
    except ModelNotInstalled as exc:
        raise fail(str(exc)) from None
    articles = corpus_articles(labeled)
    extractions = []
    with progress(err) as bar:
        task = bar.add_task("extracting", total=len(articles))
        for _, record in extract_articles(nlp, articles, settings.nlp.batch_size):
            extractions.append(record)
            bar.advance(task)
    result = evaluate(labeled, extractions)
    metrics = result.metrics()
    # Floors belong to the corpus they were measured on.
    pinned = FLOORS_FILE.exists() and corpus.resolve() == DEFAULT_CORPUS.resolve()
    floors = json.loads(FLOORS_FILE.read_text())["floors"] if pinned else {}

    if output_format is SummaryFormat.json:
        print_json(out, {"articles": result.articles, "metrics": metrics, "floors": floors})
    else:
        table = Table(
            title=f"dealwire eval: {result.articles} articles, {result.detection.gold} labeled deals"
        )
        for column in ("metric", "value", "floor"):
            table.add_column(column)
        for name, value in metrics.items():
            table.add_row(name, f"{value:g}", f"{floors[name]:g}" if name in floors else "")
        out.print(table)
    for error in result.errors[:errors]:
        err.print(
            f"{error['article']} {error['kind']}: predicted {error.get('predicted', '-')} | "
            f"gold {error.get('gold', '-')}",
            highlight=False,
            markup=False,
        )
    problems = check_floors(metrics, floors)
    for problem in problems:
        err.print(f"[red]below floor[/] {problem}", highlight=False)
    if check and problems:
        raise typer.Exit(1)


db_app = typer.Typer(no_args_is_help=True, help="The deal database: schema migrations.")
app.add_typer(db_app, name="db")


class QueryFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


def database_session() -> "AbstractContextManager[Session]":
    """A session on the configured database, after checking its schema (one clear line when it is outdated)."""
    from models.db import SchemaError, create_schema, make_engine, session_scope

    engine = make_engine(get_settings().database_url)
    try:
        create_schema(engine)
    except SchemaError as exc:
        raise fail(str(exc)) from None
    except OperationalError as exc:
        raise fail(unreachable(engine, exc)) from None
    return session_scope(engine)


def unreachable(engine: Any, exc: Exception) -> str:
    from models.db import display_url

    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    return f"cannot open the database {display_url(engine)} ({reason}): check DEALWIRE_DATABASE_URL"


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the deal database or bring its schema up to date (Alembic migrations)."""
    from models.db import SchemaError, display_url, make_engine, upgrade

    engine = make_engine(get_settings().database_url)
    try:
        revision = upgrade(engine)
    except SchemaError as exc:
        raise fail(str(exc)) from None
    except OperationalError as exc:
        raise fail(unreachable(engine, exc)) from None

    out.print(f"{display_url(engine)} is at schema revision {revision}", highlight=False)


@app.command()
def deals(
    company: Annotated[str | None, typer.Option(help="Company name, alias or ticker.")] = None,
    deal_type: Annotated[str | None, typer.Option("--type", help="acquisition, merger, …")] = None,
    status: Annotated[str | None, typer.Option(help="rumored, announced, completed or terminated.")] = None,
    since: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Seen on or after this day.")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Seen on or before this day.")
    ] = None,
    min_usd: Annotated[float | None, typer.Option(help="Smallest amount in USD.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many deals.")] = 50,
    output_format: Annotated[QueryFormat, typer.Option("--format", "-f")] = QueryFormat.table,
) -> None:
    """List deals from the database, newest first."""
    from models.queries import find_deals, flat_rows

    with database_session() as session:
        rows = find_deals(
            session,
            company,
            deal_type,
            status,
            since.date() if since else None,
            until.date() if until else None,
            min_usd,
            limit,
        )
    if output_format is QueryFormat.json:
        print_json(out, rows)
    elif output_format is QueryFormat.csv:
        out.file.write(csv_text(flat_rows(rows)))
    else:
        table = deals_table([(str(r["id"]), r) for r in rows], f"{len(rows)} deal(s)")
        table.columns[0].header = "id"
        out.print(table)


@app.command()
def deal(
    deal_id: Annotated[int, typer.Argument(help="The deal's id (see `dealwire deals`).")],
    output_format: Annotated[SummaryFormat, typer.Option("--format", "-f")] = SummaryFormat.table,
) -> None:
    """Show one deal with its parties, status history and the sentences that report it."""
    from models.queries import deal_detail

    with database_session() as session:
        detail = deal_detail(session, deal_id)
    if detail is None:
        raise fail(f"no deal with id {deal_id}: list them with `dealwire deals`", 1)
    if output_format is SummaryFormat.json:
        print_json(out, detail)
        return
    out.print(deals_table([(str(detail["id"]), detail)], f"deal {deal_id}"))
    for change in detail["history"]:
        out.print(f"  {change['at'][:10]}  {change['status']:<10} {change['note'] or ''}", highlight=False)
    for mention in detail["mentions"]:
        out.print(
            f"\n[bold]{mention['title'] or mention['url']}[/] ({mention['published'] or 'undated'})\n"
            f"  {mention['url']}\n  “{mention['evidence']}”",
            highlight=False,
        )


@app.command()
def companies(
    search: Annotated[str | None, typer.Option(help="Name, alias or ticker (case-insensitive).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many companies.")] = 50,
    output_format: Annotated[QueryFormat, typer.Option("--format", "-f")] = QueryFormat.table,
) -> None:
    """List companies in the database with their number of deals."""
    from rich.table import Table

    from models.queries import search_companies

    with database_session() as session:
        rows = search_companies(session, search, limit)
    if output_format is QueryFormat.json:
        print_json(out, rows)
    elif output_format is QueryFormat.csv:
        out.file.write(csv_text(rows))
    else:
        table = Table(title=f"{len(rows)} compan{'y' if len(rows) == 1 else 'ies'}")
        for column in ("id", "name", "ticker", "cik", "deals"):
            table.add_column(column)
        for row in rows:
            table.add_row(
                *(str(row[c]) if row[c] is not None else "" for c in ("id", "name", "ticker", "cik", "deals"))
            )
        out.print(table)


@app.command()
def export(
    output_format: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.csv,
    out_path: Annotated[Path, typer.Option("--out", help="File to write.")] = Path("deals.csv"),
) -> None:
    """Export every deal (with parties and amounts) to CSV, JSON Lines or Parquet."""
    import json

    from models.queries import find_deals, flat_rows

    with database_session() as session:
        rows = find_deals(session, limit=10_000_000)
    if output_format is ExportFormat.csv:
        out_path.write_text(csv_text(flat_rows(rows)), encoding="utf-8")
    elif output_format is ExportFormat.parquet:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(flat_rows(rows)), out_path)
    else:
        out_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out.print(f"{len(rows)} deal(s) written to {out_path}", highlight=False)


@app.command()
def reprocess(
    since: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Only articles published since.")
    ] = None,
    output_format: Annotated[SummaryFormat, typer.Option("--format", "-f")] = SummaryFormat.table,
) -> None:
    """Re-extract stored articles with the current extractor, replacing older mentions (runs the reprocess flow)."""
    from extractors.pipeline import ModelNotInstalled
    from flows.reprocess import reprocess as reprocess_flow
    from models.db import SchemaError

    try:
        summary = reprocess_flow(since=since.date() if since else None)
    except (ModelNotInstalled, SchemaError) as exc:
        raise fail(str(exc)) from None
    if output_format is SummaryFormat.json:
        print_json(out, summary)
    else:
        out.print(
            f"re-extracted {summary['articles']} article(s) with extractor {summary['extractor_version']}: "
            f"{summary['deals_new']} new deal(s), {summary['deals_updated']} updated · {summary['database']}",
            highlight=False,
        )


@app.command()
def serve() -> None:
    """Register the nightly, backfill and reprocess deployments with the Prefect server at PREFECT_API_URL and
    run their flow runs in this process (Ctrl-C stops it; the nightly schedule stays active)."""
    if not os.environ.get("PREFECT_API_URL"):
        raise fail(
            "dealwire serve needs a Prefect server: run `prefect server start --host 127.0.0.1 --background` "
            "and export PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    from prefect import serve as prefect_serve
    from prefect.deployments.runner import RunnerDeployment
    from prefect.schedules import Cron

    from flows.operations import backfill, nightly_ingest
    from flows.reprocess import reprocess as reprocess_flow

    schedule = get_settings().schedule
    # to_deployment is sync here (no running event loop); the cast tells mypy, which sees a sync-or-async union.
    deployments = [
        nightly_ingest.to_deployment(
            name="nightly", schedule=Cron(schedule.cron, timezone=schedule.timezone)
        ),
        backfill.to_deployment(name="backfill"),
        reprocess_flow.to_deployment(name="reprocess"),
    ]
    prefect_serve(*(cast(RunnerDeployment, d) for d in deployments), pause_on_shutdown=False)


if __name__ == "__main__":
    app()
