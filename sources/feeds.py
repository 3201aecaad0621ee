"""RSS/Atom feeds, parsed with feedparser (tolerant of malformed XML; Python's expat refuses entity bombs)."""

from dataclasses import dataclass
from datetime import date

import feedparser


class FeedError(ValueError):
    """A feed with no usable entries: not XML, not a feed, or too broken to read."""


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
        raise FeedError(f"malformed feed ({parsed.get('bozo_exception')})")
    return entries
