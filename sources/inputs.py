"""Resolve the INPUT arguments of `dealwire extract`: files, http(s) URLs and `-` (stdin)."""

from pathlib import Path

from config.settings import FetchSettings
from sources.collect import document_of
from sources.documents import Failure, RawDocument
from sources.fetch import fetch_all
from sources.local import read_file, read_stdin


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def read_inputs(inputs: list[str], fetch: FetchSettings) -> list[RawDocument | Failure]:
    """One document or failure per input, in input order; `source` is the input as given. URLs are fetched
    together (concurrently, politely)."""
    urls = [value for value in inputs if is_url(value)]
    fetched = {
        url: document_of(result, url) for url, result in zip(urls, fetch_all(urls, fetch), strict=True)
    }
    results: list[RawDocument | Failure] = []
    for value in inputs:
        if value == "-":
            results.append(read_stdin(value))
        elif is_url(value):
            results.append(fetched[value])
        else:
            results.append(read_file(Path(value), value))
    return results
