"""Gather raw documents from everything a run asks for: configured sources, folders, URLs and feeds."""

from collections.abc import Iterator
from pathlib import Path

import httpx

from config.settings import Settings
from sources.documents import Failure, RawDocument
from sources.feeds import read_feed
from sources.http import fetch_page, http_client
from sources.local import iter_folder


class UnknownSource(ValueError):
    """A source name that is not configured; the message lists the configured ones."""


def collect_documents(
    settings: Settings,
    sources: list[str],
    paths: list[str],
    urls: list[str],
    feeds: list[str],
) -> Iterator[RawDocument | Failure]:
    """Every document (or failure) of the run, source by source. Unknown source names fail the whole run,
    before anything is fetched, since they are a configuration error rather than bad input."""
    for name in sources:
        if name not in settings.sources:
            known = ", ".join(sorted(settings.sources)) or "none"
            raise UnknownSource(f"unknown source '{name}' (configured: {known})")
    with http_client(settings.fetch) as client:
        for name in sources:
            source = settings.sources[name]
            if source.kind == "folder":
                yield from iter_folder(settings.source_path(name), name)
            elif source.kind == "urls":
                for url in source.urls:
                    yield fetch_page(client, url, settings.fetch, name)
            elif source.kind == "feed":
                for feed_url in source.urls:
                    yield from pages_of_feed(client, feed_url, settings, name)
        for path in paths:
            yield from iter_folder(Path(path), path)
        for url in urls:
            yield fetch_page(client, url, settings.fetch, url)
        for feed_url in feeds:
            yield from pages_of_feed(client, feed_url, settings, feed_url)


def pages_of_feed(
    client: httpx.Client, feed_url: str, settings: Settings, source: str
) -> Iterator[RawDocument | Failure]:
    entries = read_feed(client, feed_url, settings.fetch, source)
    if isinstance(entries, Failure):
        yield entries
        return
    for entry in entries:
        yield fetch_page(client, entry.url, settings.fetch, source)
