"""Articles from the local file system: single files, folders, standard input."""

import sys
from collections.abc import Iterator
from pathlib import Path

from sources.documents import Failure, RawDocument

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text"}


def content_type_for(path: Path) -> str:
    """HTML for .html/.htm, plain text for everything else the caller accepted."""
    return "text/html" if path.suffix.lower() in HTML_SUFFIXES else "text/plain"


def read_file(path: Path, source: str) -> RawDocument | Failure:
    """Read one article file; a missing or unreadable file becomes a Failure."""
    url = path.resolve().as_uri() if path.exists() else str(path)
    if not path.exists():
        return Failure(source, url, f"file: no such file: {path}")
    if path.is_dir():
        return Failure(source, url, f"file: is a directory (use --path for folders): {path}")
    try:
        content = path.read_bytes()
    except OSError as exc:
        return Failure(source, url, f"file: cannot read file: {exc.strerror or exc}")
    return RawDocument(source=source, url=url, content=content, content_type=content_type_for(path))


def read_stdin(source: str = "-") -> RawDocument:
    """Standard input as one article; HTML when it looks like markup."""
    content = sys.stdin.buffer.read()
    looks_html = content.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html", b"<?xml", b"<head"))
    return RawDocument(
        source=source, url="stdin:", content=content, content_type="text/html" if looks_html else "text/plain"
    )


def iter_folder(folder: Path, source: str) -> Iterator[RawDocument | Failure]:
    """Every .html/.htm/.txt file under a folder, in sorted order so runs are reproducible."""
    if not folder.is_dir():
        yield Failure(source, str(folder), f"file: no such folder: {folder}")
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in HTML_SUFFIXES | TEXT_SUFFIXES:
            yield read_file(path, source)
