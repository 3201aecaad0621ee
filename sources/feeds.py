"""RSS/Atom feeds: fetched with httpx, parsed with feedparser (which copes with malformed XML)."""

from dataclasses import dataclass
from datetime import date

import feedparser
import httpx

from config.settings import FetchSettings
from sources.documents import Failure
from sources.http import FEED_TYPES, PAGE_TYPES, FetchError, fetch_bytes


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None
    published: date | None


def parse_feed(body: bytes) -> list[FeedEntry]:
    """Entries with a link; feedparser's `bozo` flag is tolerated when it still found entries."""
    parsed = feedparser.parse(body)
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday) if stamp else None
        entries.append(FeedEntry(url=link, title=entry.get("title"), published=published))
    if not entries and parsed.get("bozo"):
        raise FetchError(f"malformed feed: {parsed.get('bozo_exception')}")
    return entries


def read_feed(
    client: httpx.Client, url: str, settings: FetchSettings, source: str
) -> list[FeedEntry] | Failure:
    """The entries of one feed URL, or a Failure saying why there are none."""
    try:
        # Many servers label feeds text/html or text/plain, so those are accepted too.
        body, _, _, _ = fetch_bytes(client, url, settings, FEED_TYPES + PAGE_TYPES)
        return parse_feed(body)
    except FetchError as exc:
        return Failure(source, url, str(exc))
