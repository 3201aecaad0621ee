"""Gather raw documents from everything a run asks for: configured sources, folders, URLs, feeds, sitemaps and
WARC files, for a date range (backfill) or for what is new (nightly, with conditional GETs)."""

import asyncio
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

from config.settings import Settings, SourceSettings
from sources.documents import Failure, RawDocument
from sources.feeds import FeedError, parse_feed
from sources.fetch import PAGE_TYPES, XML_TYPES, Fetcher, FetchResult, Validators
from sources.local import iter_folder
from sources.sitemaps import SitemapError, in_range, parse_sitemap
from sources.urls import canonical_url
from sources.warc import iter_warc

MAX_SITEMAP_DEPTH = 3


class UnknownSource(ValueError):
    """A source name that is not configured; the message lists the configured ones."""


@dataclass
class Collection:
    """What a run collected: documents to parse, failures to record, and what feeds and sitemaps said."""

    documents: list[RawDocument] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    validators: dict[str, Validators] = field(default_factory=dict)  # of feeds and sitemaps fetched
    unchanged: list[str] = field(default_factory=list)  # feeds and sitemaps that answered 304


@dataclass(frozen=True)
class Request:
    """What to collect. With no dates, feeds and sitemaps are fetched conditionally (only what is new)."""

    sources: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    start: date | None = None
    end: date | None = None

    @property
    def incremental(self) -> bool:
        return self.start is None and self.end is None


def check_sources(settings: Settings, names: list[str]) -> None:
    """Raise UnknownSource for a name that is not configured (a configuration error: the run stops)."""
    for name in names:
        if name not in settings.sources:
            known = ", ".join(sorted(settings.sources)) or "none"
            raise UnknownSource(f"unknown source '{name}' (configured: {known})")


def dated_by_page(settings: Settings, request: Request) -> set[str]:
    """The sources of a request whose documents have no listing date (folders, listed URLs), so that a date
    range applies to them through each article's own published date."""
    names = {name for name in request.sources if settings.sources[name].kind in ("folder", "urls")}
    return names | set(request.paths) | set(request.urls)


def document_of(result: FetchResult, source: str) -> RawDocument | Failure:
    if not result.ok:
        return Failure(source, result.url, result.error or "unknown error")
    kind = "text/plain" if result.content_type == "text/plain" else "text/html"
    return RawDocument(
        source=source, url=result.final_url, content=result.content, content_type=kind, charset=result.charset
    )


def collect_documents(
    settings: Settings, request: Request, validators: dict[str, Validators] | None = None
) -> Collection:
    """Every document (or failure) of the run. Unknown source names fail the whole run before anything is
    fetched, since they are a configuration error rather than bad input."""
    check_sources(settings, request.sources)
    collection = Collection()
    for name in request.sources:
        source = settings.sources[name]
        if source.kind == "folder":
            add_local(collection, iter_folder(settings.source_path(name), name))
        elif source.kind == "warc":
            add_local(collection, iter_warc(settings.source_path(name), name, request.start, request.end))
    for path in request.paths:
        add_local(collection, iter_folder(Path(path), path))
    if (
        any(settings.sources[n].kind in ("urls", "feed", "sitemap") for n in request.sources)
        or request.urls
        or request.feeds
    ):
        asyncio.run(collect_remote(settings, request, validators or {}, collection))
    return collection


def add_local(collection: Collection, items: object) -> None:
    for item in items:  # type: ignore[attr-defined]
        (collection.failures if isinstance(item, Failure) else collection.documents).append(item)


async def collect_remote(
    settings: Settings, request: Request, validators: dict[str, Validators], collection: Collection
) -> None:
    """Feeds and sitemaps first (to learn the article URLs), then all article pages, with one fetcher so that
    per-host limits and robots.txt hold across the whole run. Sources are read concurrently; the fetcher's
    per-host limits keep that polite."""
    pages: dict[str, str] = {}  # canonical URL → source name
    for url in request.urls:
        pages.setdefault(canonical_url(url), url)
    async with Fetcher(settings.fetch, validators) as fetcher:
        listings = await asyncio.gather(
            *(
                read_source(fetcher, name, settings.sources[name], request, collection)
                for name in request.sources
            ),
            read_feeds(fetcher, request.feeds, None, None, request, collection),
        )
        for found in listings:  # in request order, so a page listed by two sources belongs to the first
            for url, name in found.items():
                pages.setdefault(url, name)
        results = await fetcher.fetch_many(list(pages), PAGE_TYPES)
    for result, source_name in zip(results, pages.values(), strict=True):
        item = document_of(result, source_name)
        (collection.failures if isinstance(item, Failure) else collection.documents).append(item)  # type: ignore[arg-type]


async def read_source(
    fetcher: Fetcher, name: str, source: SourceSettings, request: Request, collection: Collection
) -> dict[str, str]:
    """The article pages (canonical URL → source name) a remote source lists for the request."""
    if source.kind == "feed":
        return await read_feeds(fetcher, source.urls, name, source, request, collection)
    if source.kind == "sitemap":
        return await read_sitemaps(fetcher, source.urls, name, source, request, collection)
    if source.kind == "urls":
        return {canonical_url(url): name for url in source.urls}
    return {}  # folder and warc sources are read locally


def wanted(url: str, source: SourceSettings | None) -> bool:
    return source is None or source.url_filter is None or re.search(source.url_filter, url) is not None


async def fetch_listing(
    fetcher: Fetcher, urls: list[str], name: str | None, request: Request, collection: Collection
) -> list[tuple[str, bytes]]:
    """Fetch feeds or sitemaps (conditionally on nightly runs); keep their validators; record failures."""
    results = await fetcher.fetch_many(urls, XML_TYPES + PAGE_TYPES, conditional=request.incremental)
    bodies = []
    for result in results:
        if not result.ok:
            collection.failures.append(
                Failure(name or result.url, result.url, result.error or "unknown error")
            )
            continue
        collection.validators[result.url] = result.validators
        if result.not_modified:
            collection.unchanged.append(result.url)
        else:
            bodies.append((result.url, result.content))
    return bodies


async def read_feeds(
    fetcher: Fetcher,
    urls: list[str],
    name: str | None,
    source: SourceSettings | None,
    request: Request,
    collection: Collection,
) -> dict[str, str]:
    pages: dict[str, str] = {}
    for url, body in await fetch_listing(fetcher, urls, name, request, collection):
        try:
            entries = parse_feed(body)
        except FeedError as exc:
            collection.failures.append(Failure(name or url, url, f"parse: {exc}"))
            continue
        for entry in entries:
            link = urljoin(url, entry.url)  # relative links are relative to the feed
            if in_range(entry.published, request.start, request.end) and wanted(link, source):
                pages.setdefault(canonical_url(link), name or url)
    return pages


async def read_sitemaps(
    fetcher: Fetcher,
    urls: list[str],
    name: str,
    source: SourceSettings,
    request: Request,
    collection: Collection,
    depth: int = 0,
) -> dict[str, str]:
    """Article URLs of sitemaps in the date range; sitemap indexes are followed (only their sitemaps modified
    since the range's start)."""
    pages: dict[str, str] = {}
    nested: list[str] = []
    for url, body in await fetch_listing(fetcher, urls, name, request, collection):
        try:
            entries = parse_sitemap(body)
        except SitemapError as exc:
            collection.failures.append(Failure(name, url, f"parse: {exc}"))
            continue
        for entry in entries:
            if entry.is_index:
                if entry.modified is None or request.start is None or entry.modified >= request.start:
                    nested.append(entry.url)
            elif in_range(entry.modified, request.start, request.end) and wanted(entry.url, source):
                pages.setdefault(canonical_url(entry.url), name)
    if nested and depth < MAX_SITEMAP_DEPTH:
        deeper = await read_sitemaps(fetcher, nested, name, source, request, collection, depth + 1)
        for url, owner in deeper.items():
            pages.setdefault(url, owner)
    return pages
