"""WARC archives (CC-NEWS format) as a source: response records in a date range become documents."""

from datetime import date
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sources.documents import Failure, RawDocument
from sources.warc import iter_warc


def write_warc(path: Path, records: list[tuple[str, str, str, bytes]]) -> None:
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, day, content_type, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": f"{day}T10:00:00Z"},
            )
            writer.write_record(record)


def test_records_in_range_become_documents(tmp_path: Path) -> None:
    path = tmp_path / "news.warc.gz"
    write_warc(
        path,
        [
            (
                "https://news.example.com/a",
                "2024-05-01",
                "text/html; charset=utf-8",
                b"<html><p>A</p></html>",
            ),
            ("https://news.example.com/b", "2024-06-01", "text/html", b"<html><p>B</p></html>"),
            ("https://news.example.com/c.pdf", "2024-05-02", "application/pdf", b"%PDF"),
        ],
    )
    documents = list(iter_warc(path, "cc-news", date(2024, 5, 1), date(2024, 5, 31)))
    assert [d.url for d in documents if isinstance(d, RawDocument)] == ["https://news.example.com/a"]


def test_missing_and_broken_archives_are_failures(tmp_path: Path) -> None:
    broken = tmp_path / "broken.warc"
    broken.write_bytes(b"this is not a warc file at all\n" * 10)
    [missing] = list(iter_warc(tmp_path / "nope.warc.gz", "cc-news"))
    [bad] = list(iter_warc(broken, "cc-news"))
    assert isinstance(missing, Failure) and "no such WARC file" in missing.reason
    assert isinstance(bad, Failure) and bad.reason.startswith("parse:")
