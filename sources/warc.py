"""WARC archives (the format of Common Crawl's CC-NEWS), read with warcio: response records become documents."""

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from sources.documents import Failure, RawDocument
from sources.sitemaps import in_range


def record_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def iter_warc(
    path: Path, source: str, start: date | None = None, end: date | None = None
) -> Iterator[RawDocument | Failure]:
    """HTML and text responses of a WARC file whose WARC-Date falls in [start, end]."""
    if not path.is_file():
        yield Failure(source, str(path), f"file: no such WARC file: {path}")
        return
    records = 0
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                # warcio reads any text as ARC records; only real WARC records (with an ID) count.
                if record.format != "warc" or not record.rec_headers.get_header("WARC-Record-ID"):
                    continue
                records += 1
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                if not in_range(record_date(record.rec_headers.get_header("WARC-Date")), start, end):
                    continue
                status = record.http_headers.get_statuscode()
                content_type = (
                    (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
                )
                if status != "200" or not content_type.startswith(
                    ("text/html", "application/xhtml", "text/plain")
                ):
                    continue
                kind = "text/plain" if content_type == "text/plain" else "text/html"
                yield RawDocument(
                    source=source, url=url, content=record.content_stream().read(), content_type=kind
                )
    except ArchiveLoadFailed as exc:
        yield Failure(source, str(path), f"parse: not a readable WARC file ({exc})")
        return
    if records == 0:
        yield Failure(source, str(path), "parse: no WARC records found")
