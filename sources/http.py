"""Fetching over HTTP with httpx: timeouts, a redirect limit and a streamed size cap on every response."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from config.settings import FetchSettings
from sources.documents import Failure, RawDocument

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
)


class FetchError(Exception):
    """A URL that gave no usable response; the message is the recorded reason."""


@contextmanager
def http_client(settings: FetchSettings) -> Iterator[httpx.Client]:
    """One client per run: connection reuse, the configured User-Agent, timeouts and redirect limit."""
    timeout = httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s)
    with httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        headers={"User-Agent": settings.user_agent},
    ) as client:
        yield client


def fetch_bytes(
    client: httpx.Client, url: str, settings: FetchSettings, accept: tuple[str, ...]
) -> tuple[bytes, str, str | None, str]:
    """GET a URL and return (body, content type, charset, final URL).

    The body is streamed and cut off at `max_bytes` (after decompression, since httpx decodes while
    streaming), and the whole exchange must finish within `timeout_s`, so a slow drip cannot hang a run.
    """
    deadline = time.monotonic() + settings.timeout_s
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code}")
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type and not content_type.startswith(accept):
                raise FetchError(f"unsupported content type {content_type}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > settings.max_bytes:
                    raise FetchError(f"response larger than {settings.max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise FetchError(f"timeout after {settings.timeout_s:g} s")
                chunks.append(chunk)
            return b"".join(chunks), content_type, response.charset_encoding, str(response.url)
    except httpx.TooManyRedirects:
        raise FetchError(f"more than {settings.max_redirects} redirects") from None
    except httpx.TimeoutException:
        raise FetchError(f"timeout after {settings.timeout_s:g} s") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"connection failed: {type(exc).__name__}: {exc}".rstrip(": ")) from None


def fetch_page(client: httpx.Client, url: str, settings: FetchSettings, source: str) -> RawDocument | Failure:
    """Fetch one article page; any failure becomes a Failure with its reason."""
    try:
        body, content_type, charset, final_url = fetch_bytes(client, url, settings, PAGE_TYPES)
    except FetchError as exc:
        return Failure(source, url, str(exc))
    kind = "text/plain" if content_type == "text/plain" else "text/html"
    return RawDocument(source=source, url=final_url, content=body, content_type=kind, charset=charset)
