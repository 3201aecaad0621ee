"""Resolve the INPUT arguments of `dealwire extract`: files, folders' files, http(s) URLs and `-` (stdin)."""

from collections.abc import Iterator
from pathlib import Path

from config.settings import FetchSettings
from sources.documents import Failure, RawDocument
from sources.http import fetch_page, http_client
from sources.local import read_file, read_stdin


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def read_inputs(inputs: list[str], fetch: FetchSettings) -> Iterator[RawDocument | Failure]:
    """One document or failure per input, in input order; `source` is the input as given."""
    with http_client(fetch) as client:
        for value in inputs:
            if value == "-":
                yield read_stdin(value)
            elif is_url(value):
                yield fetch_page(client, value, fetch, value)
            else:
                document = read_file(Path(value), value)
                yield document
