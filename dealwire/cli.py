"""The `dealwire` command line: extract, ingest, eval.

Errors are one line on stderr saying what to do, and the exit status says what happened:
0 success, 1 some inputs failed (the rest were processed), 2 the command could not run at all.
"""

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from config.settings import get_settings
from dealwire.output import deals_table, print_json

# Telemetry off before Prefect is imported anywhere (see docs/platform-notes in shared/).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="dealwire: corporate deals from business news.")
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
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True, disable=not console.is_terminal)


@app.command()
def extract(
    inputs: Annotated[list[str], typer.Argument(help="HTML or .txt files, http(s) URLs, or - for stdin.")],
    output_format: Annotated[ExtractFormat, typer.Option("--format", "-f", help="Output format.")] = ExtractFormat.table,
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
    source: Annotated[list[str] | None, typer.Option("--source", "-s", help="A configured source name.")] = None,
    path: Annotated[list[Path] | None, typer.Option("--path", help="A folder of .html/.txt articles.")] = None,
    url: Annotated[list[str] | None, typer.Option("--url", help="An article URL.")] = None,
    feed: Annotated[list[str] | None, typer.Option("--feed", help="An RSS/Atom feed URL.")] = None,
    reprocess: Annotated[bool, typer.Option(help="Re-extract articles that are already stored.")] = False,
    output_format: Annotated[SummaryFormat, typer.Option("--format", "-f")] = SummaryFormat.table,
) -> None:
    """Run the ingest flow: fetch, parse, extract and store deals in the database."""
    if not (source or path or url or feed):
        raise fail("nothing to ingest: give --source NAME, --path DIR, --url URL or --feed URL")
    from extractors.pipeline import ModelNotInstalled
    from flows.ingest import ingest as ingest_flow
    from sources.collect import UnknownSource

    try:
        summary = ingest_flow(
            sources=source or [], paths=[str(p) for p in path or []], urls=url or [], feeds=feed or [],
            reprocess=reprocess,
        )
    except (ModelNotInstalled, UnknownSource) as exc:
        raise fail(str(exc)) from None
    deals = summary.pop("deals")
    if output_format is SummaryFormat.json:
        print_json(out, summary)
    else:
        out.print(deals_table([(d["source"], d) for d in deals], f"{len(deals)} deal(s) found"))
        out.print(
            f"articles: {summary['articles_new']} new, {summary['articles_duplicate']} duplicate, "
            f"{len(summary['failed'])} failed · deals: {summary['deals_new']} new, "
            f"{summary['deals_updated']} updated · stored in {summary['database']}", highlight=False,
        )
        for failure in summary["failed"]:
            err.print(f"[red]failed[/] {failure['url']}: {failure['reason']}", highlight=False)
    if summary["failed"]:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
