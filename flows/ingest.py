"""The ingest flow: sources → fetch → parse → deduplicate → extract → store.

Tasks work on whole batches (collect once, then prepare and extract-and-store per chunk of `nlp.chunk_size`
documents, never per article) because a Prefect task run costs hundreds of milliseconds. Results go to the deal
database, not to Prefect's result storage.
"""

import ctypes
import logging
import os
import time
from collections import deque
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import dask
from prefect import Flow, flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

from config.settings import Settings, get_settings
from extractors.article import Article, parse_document
from extractors.extract import EXTRACTOR_VERSION, extract_articles
from extractors.pipeline import shared_pipeline
from models.db import create_schema, display_url, make_engine, session_scope
from models.store import (
    ExtractedArticle,
    StoreSummary,
    content_hash,
    load_validators,
    record_failures,
    record_run,
    save_validators,
    store_extractions,
    stored_hashes,
    touch_sources,
)
from models.tables import utcnow
from sources.collect import Collection, Request, check_sources, collect_documents, dated_by_page
from sources.documents import Failure, RawDocument
from sources.fetch import Validators
from sources.sitemaps import in_range


def chunk_logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """The task run's logger (its lines reach the Prefect UI), or a plain one when a step is called as a
    function outside a run (benchmarks, tests)."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("dealwire.ingest")


def return_freed_memory() -> None:
    """Hand the heap memory a finished chunk freed back to the operating system (glibc's malloc_trim, what
    Dask's documentation suggests for long-lived workers); elsewhere a no-op. Without it a worker process keeps
    the high-water mark of its largest chunk for the whole run."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def failure_dict(failure: Failure) -> dict[str, str]:
    return {"url": failure.url, "source": failure.source, "reason": failure.reason}


# Bad input is a recorded failure, not an exception; retries are for the unexpected (a database restart).
@task(name="collect", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def collect(settings: Settings, request: Request) -> Collection:
    """Documents of the run; feeds and sitemaps are fetched conditionally against the stored validators."""
    engine = make_engine(settings.database_url)
    create_schema(engine)
    with session_scope(engine) as session:
        known = {url: Validators(*pair) for url, pair in load_validators(session).items()}
    collection = collect_documents(settings, request, known)
    with session_scope(engine) as session:
        save_validators(session, {url: (v.etag, v.last_modified) for url, v in collection.validators.items()})
    return collection


def per_source(
    documents: list[RawDocument], duplicates: list[str], out_of_range: list[str], failures: list[Failure]
) -> dict[str, dict[str, Any]]:
    """Per source: documents fetched, duplicates skipped, articles outside the date range, failures with their
    reasons."""
    report: dict[str, dict[str, Any]] = {}

    def entry(name: str) -> dict[str, Any]:
        return report.setdefault(
            name, {"fetched": 0, "duplicate": 0, "out_of_range": 0, "failed": 0, "reasons": []}
        )

    for document in documents:
        entry(document.source)["fetched"] += 1
    for name in duplicates:
        entry(name)["duplicate"] += 1
    for name in out_of_range:
        entry(name)["out_of_range"] += 1
    for failure in failures:
        row = entry(failure.source)
        row["failed"] += 1
        row["reasons"].append(f"{failure.url}: {failure.reason}")
    return report


def sources_read(settings: Settings, request: Request) -> dict[str, tuple[str, str | None]]:
    """Name → (kind, settings JSON) of every source a run reads, configured or given on the command line."""
    read: dict[str, tuple[str, str | None]] = {
        name: (settings.sources[name].kind, settings.sources[name].model_dump_json())
        for name in request.sources
    }
    read |= {path: ("path", None) for path in request.paths}
    read |= {url: ("url", None) for url in request.urls}
    read |= {feed: ("feed", None) for feed in request.feeds}
    return read


@dataclass
class Prepared:
    """One chunk of documents after parsing and deduplication."""

    fresh: list[Article] = field(default_factory=list)  # to extract
    failures: list[Failure] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # the source of each duplicate, for the report
    out_of_range: list[str] = field(default_factory=list)  # the source of each article outside the dates
    hashes: set[str] = field(default_factory=set)  # content hashes of `fresh`


@task(name="prepare", cache_policy=NO_CACHE)
def prepare(
    settings: Settings,
    documents: list[RawDocument],
    request: Request,
    dated_by_page: set[str],
    seen: set[str],
    reprocess: bool,
) -> Prepared:
    """Parse a chunk of documents; drop articles outside the date range and articles whose content is already
    stored (under this URL or another) or `seen` earlier in the run. An article stored before whose content
    changed is extracted again.

    Feeds, sitemaps and WARC files were filtered by their listing dates when collected; the sources in
    `dated_by_page` (folders, listed URLs) are filtered here by the article's own published date."""
    prepared = Prepared()
    articles: list[Article] = []
    for document in documents:
        result = parse_document(document)
        if isinstance(result, Failure):
            prepared.failures.append(result)
        elif result.source in dated_by_page and not in_range(result.published, request.start, request.end):
            prepared.out_of_range.append(result.source)
        else:
            articles.append(result)
    hashes = [content_hash(article.text) for article in articles]
    engine = make_engine(settings.database_url)
    with session_scope(engine) as session:
        known = stored_hashes(session, hashes)
    for article, digest in zip(articles, hashes, strict=True):
        if digest in seen or digest in prepared.hashes or (digest in known and not reprocess):
            prepared.duplicates.append(article.source)
        else:
            prepared.hashes.add(digest)
            prepared.fresh.append(article)
    return prepared


@task(name="extract-and-store", cache_policy=NO_CACHE)
def extract_and_store(
    settings: Settings, articles: list[Article]
) -> tuple[list[dict[str, Any]], StoreSummary]:
    """Extract one chunk of articles and store it in its own transaction, so a run that dies part-way keeps the
    chunks it finished and a re-run only does the rest. Returns the deals found (each with its article's URL
    as `source`) and what storing changed; the texts stay here, which matters when the chunk ran on a Dask
    worker."""
    # The process id tells in the logs which Dask worker (or this process) took the chunk.
    logger = chunk_logger()
    logger.info("extracting %d articles in process %d", len(articles), os.getpid())
    started = time.perf_counter()
    nlp = shared_pipeline(settings.nlp.model)
    extracted = [
        ExtractedArticle(a.url, a.source, a.title, a.published, a.language, a.text, extraction)
        for a, extraction in extract_articles(nlp, articles, settings.nlp.batch_size, settings.nlp.n_process)
    ]
    extracted_at = time.perf_counter()
    engine = make_engine(settings.database_url)
    with session_scope(engine) as session:
        summary = store_extractions(session, extracted, EXTRACTOR_VERSION)
    logger.info(
        "%d articles extracted in %.1f s and stored in %.1f s",
        len(articles),
        extracted_at - started,
        time.perf_counter() - extracted_at,
    )
    return_freed_memory()
    return [{"source": item.url, **deal} for item in extracted for deal in item.extraction["deals"]], summary


@task(name="finish", cache_policy=NO_CACHE)
def finish(settings: Settings, summary: StoreSummary, failures: list[Failure], run: dict[str, Any]) -> None:
    """Record the run's failures, its own row and the sources it read."""
    with session_scope(make_engine(settings.database_url)) as session:
        record_failures(session, [failure_dict(f) for f in failures])
        record_run(session, run["parameters"], summary, run["started"])
        touch_sources(session, run["sources"])


def chunk_runner(settings: Settings) -> TaskRunner[Any]:
    """Where the extract-and-store chunks run: on Dask worker processes (a running cluster, or a local one on
    loopback) when `dask.enabled`, else one after another in the flow's process."""
    if not settings.dask.enabled:
        return ThreadPoolTaskRunner(max_workers=1)
    if settings.dask.address:
        return DaskTaskRunner(address=settings.dask.address)
    return DaskTaskRunner(cluster_kwargs=local_cluster_options(settings))


def local_cluster_options(settings: Settings) -> dict[str, Any]:
    """Arguments of the local Dask cluster (distributed.LocalCluster) that extracts a run's chunks."""
    # Dask's nanny gives its workers MALLOC_TRIM_THRESHOLD_, which switches off glibc's adaptive malloc
    # thresholds: spaCy ran 20-25% slower in such workers (bench/e2e.py). The other variables stay.
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    dask.config.set({"distributed.nanny.pre-spawn-environ": environ})
    return {
        "n_workers": settings.dask.workers,
        "threads_per_worker": 1,  # spaCy holds the GIL: parallelism comes from processes
        "processes": True,
        "host": settings.dask.host,
        "dashboard_address": None,
    }


def most_chunks_in_flight(settings: Settings) -> int:
    """How many submitted chunks a run waits for before it prepares the next: one per extractor plus one
    queued keeps the extractors busy and bounds the memory a long backfill holds."""
    return (settings.dask.workers if settings.dask.enabled else 1) + 1


def configured_ingest(settings: Settings) -> Flow[..., dict[str, Any]]:
    """The ingest flow with the chunk runner the settings ask for."""
    return ingest.with_options(task_runner=chunk_runner(settings))


# One chunk at a time unless configured_ingest chooses Dask; spaCy's own nlp.n_process still applies.
@flow(name="ingest", log_prints=False, task_runner=ThreadPoolTaskRunner(max_workers=1))  # type: ignore[arg-type]
def ingest(
    sources: list[str] | None = None,
    paths: list[str] | None = None,
    urls: list[str] | None = None,
    feeds: list[str] | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    reprocess: bool = False,
) -> dict[str, Any]:
    """Ingest articles from configured sources, folders, URLs and feeds into the deal database.

    With a date range, feeds, sitemaps and WARC files yield the articles of that range (a backfill); without one,
    feeds and sitemaps are fetched conditionally and yield what is new. Returns the run summary: new and
    duplicate articles, failures with reasons, new and updated deals, and the database location. Re-running the
    same inputs adds nothing."""
    started = utcnow()
    settings = get_settings()
    logger = get_run_logger()
    request = Request(sources or [], paths or [], urls or [], feeds or [], start_date, end_date)
    check_sources(settings, request.sources)  # before the retried task: a typo is not worth retrying

    collection = collect(settings, request)
    # Chunk by chunk: a chunk is parsed and deduplicated here while the chunks before it are extracted (on Dask
    # workers, or in this process's chunk thread).
    summary = StoreSummary()
    deals: list[dict[str, Any]] = []
    seen: set[str] = set()
    failures, duplicates, out_of_range = list(collection.failures), [], []
    in_flight: deque[PrefectFuture[tuple[list[dict[str, Any]], StoreSummary]]] = deque()
    most_in_flight = most_chunks_in_flight(settings)

    def settle_oldest() -> None:
        chunk_deals, chunk = in_flight.popleft().result()
        deals.extend(chunk_deals)
        summary.articles_new += chunk.articles_new
        summary.deals_new += chunk.deals_new
        summary.deals_updated += chunk.deals_updated

    page_dated = dated_by_page(settings, request)
    size = settings.nlp.chunk_size
    for start in range(0, len(collection.documents), size):
        documents = collection.documents[start : start + size]
        prepared = prepare(settings, documents, request, page_dated, seen, reprocess)
        seen |= prepared.hashes
        failures += prepared.failures
        duplicates += prepared.duplicates
        out_of_range += prepared.out_of_range
        if prepared.fresh:
            in_flight.append(extract_and_store.submit(settings, prepared.fresh))
        while len(in_flight) >= most_in_flight:
            settle_oldest()
    while in_flight:
        settle_oldest()
    run = {
        "started": started,
        "parameters": {
            "sources": sources,
            "paths": paths,
            "urls": urls,
            "feeds": feeds,
            "start_date": start_date,
            "end_date": end_date,
            "reprocess": reprocess,
        },
    }
    run["sources"] = sources_read(settings, request)
    summary.failed = [{"url": f.url, "reason": f.reason} for f in failures]
    summary.articles_duplicate = len(duplicates)
    finish(settings, summary, failures, run)
    result = asdict(summary) | {
        "articles_out_of_range": len(out_of_range),
        "database": display_url(make_engine(settings.database_url)),
    }
    result["deals"] = deals
    result["per_source"] = per_source(collection.documents, duplicates, out_of_range, failures)
    logger.info(
        "ingest: %d new articles, %d duplicates, %d failed, %d new deals, %d updated deals",
        summary.articles_new,
        len(duplicates),
        len(summary.failed),
        summary.deals_new,
        summary.deals_updated,
    )
    return result
