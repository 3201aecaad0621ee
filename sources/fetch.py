"""Polite, safe, incremental HTTP fetching with httpx (async).

- politeness: at most `per_host_concurrency` requests in flight per host, a minimum delay between request starts
  (robots.txt Crawl-delay when larger), robots.txt honoured, an honest User-Agent;
- safety: the address guard (sources.netguard) on the first URL and every redirect, at most `max_redirects`
  redirects, a streamed size cap that also bounds decompressed bodies, a total deadline per response so a slow
  drip cannot hang a run, only the expected content types;
- patience: retries with exponential backoff and jitter on 429, 5xx and connection errors, honouring Retry-After;
- incremental: conditional GET with remembered ETag / Last-Modified, so an unchanged feed costs one 304.

Every failure is a `FetchResult` with a one-line `error` whose first word is its category (timeout, too-large,
refused, robots, http, content-type, connection, redirects), never an exception.
"""

import asyncio
import email.utils
import random
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from types import TracebackType
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from config.settings import FetchSettings
from sources.netguard import RefusedAddress, check_url, parse_networks

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
)
XML_TYPES = (*FEED_TYPES, "application/x-gzip", "application/gzip")
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Validators:
    """What a server said about a resource's version, for the next conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status: int | None = None
    content: bytes = b""
    content_type: str | None = None
    charset: str | None = None
    validators: Validators = field(default_factory=Validators)
    not_modified: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class FetchFailed(Exception):
    """Internal: one attempt failed; `retry` says whether another attempt may succeed."""

    def __init__(self, reason: str, retry: bool = False, wait_s: float | None = None) -> None:
        super().__init__(reason)
        self.retry = retry
        self.wait_s = wait_s


@dataclass
class HostState:
    semaphore: asyncio.Semaphore
    delay_s: float
    next_start: float = 0.0
    in_flight: int = 0
    max_in_flight: int = 0
    robots: RobotFileParser | None = None
    robots_checked: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def gunzipped(body: bytes, limit: int) -> bytes:
    """A gzip file served as such (sitemap.xml.gz), unpacked within the same size cap."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    unpacker = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        content = unpacker.decompress(body, limit + 1)
    except zlib.error as exc:
        raise FetchFailed(f"parse: broken gzip body ({exc})") from None
    if len(content) > limit:
        raise FetchFailed(f"too-large: body over {limit} bytes after decompression")
    return content


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as delta-seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, parsed.timestamp() - time.time())


class Fetcher:
    """One per run: `async with Fetcher(settings) as fetcher: await fetcher.fetch_many(urls)`."""

    def __init__(self, settings: FetchSettings, validators: dict[str, Validators] | None = None) -> None:
        self.settings = settings
        self.validators = validators or {}
        self.allowed = parse_networks(settings.allowed_networks)
        self.hosts: dict[str, HostState] = {}
        self.client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> "Fetcher":
        timeout = httpx.Timeout(self.settings.read_timeout_s, connect=self.settings.connect_timeout_s)
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=100)
        self.client = httpx.AsyncClient(
            timeout=timeout,
            limits=limits,
            follow_redirects=False,
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.client is not None:
            await self.client.aclose()

    def max_in_flight(self) -> dict[str, int]:
        """The most requests ever in flight to each host during this fetcher's life (a politeness check)."""
        return {host: state.max_in_flight for host, state in self.hosts.items()}

    async def fetch_many(
        self, urls: Iterable[str], accept: tuple[str, ...] = PAGE_TYPES, conditional: bool = False
    ) -> list[FetchResult]:
        """Fetch URLs concurrently (within the per-host limits); results in input order."""
        return list(await asyncio.gather(*(self.fetch(url, accept, conditional) for url in urls)))

    async def fetch(
        self, url: str, accept: tuple[str, ...] = PAGE_TYPES, conditional: bool = False
    ) -> FetchResult:
        """Fetch one URL with retries; never raises for a bad URL or a bad server."""
        attempts = self.settings.max_retries + 1
        for attempt in range(attempts):
            try:
                return await self.attempt(url, accept, conditional)
            except FetchFailed as failure:
                if not failure.retry or attempt == attempts - 1:
                    return FetchResult(url, url, error=str(failure))
                backoff = self.settings.backoff_s * 2**attempt
                wait = failure.wait_s if failure.wait_s is not None else backoff + random.uniform(0, backoff)
                await asyncio.sleep(min(wait, self.settings.max_retry_after_s))
        raise AssertionError("unreachable: the loop returns on its last attempt")

    def host_state(self, url: str) -> HostState:
        host = urlsplit(url).netloc.lower()
        if host not in self.hosts:
            self.hosts[host] = HostState(
                asyncio.Semaphore(self.settings.per_host_concurrency), self.settings.per_host_delay_s
            )
        return self.hosts[host]

    async def attempt(self, url: str, accept: tuple[str, ...], conditional: bool) -> FetchResult:
        current = url
        seen = {url}
        for _ in range(self.settings.max_redirects + 1):
            await self.guard(current)
            await self.check_robots(current)
            response = await self.request(current, accept, conditional and current == url)
            if isinstance(response, str):  # a redirect target
                target = urljoin(current, response)
                if target in seen:
                    raise FetchFailed(f"redirects: redirect loop at {target}")
                seen.add(target)
                current = target
                continue
            return replace(response, url=url, final_url=current)
        raise FetchFailed(f"redirects: more than {self.settings.max_redirects} redirects")

    async def guard(self, url: str) -> None:
        try:
            await check_url(url, self.allowed)
        except RefusedAddress as refused:
            raise FetchFailed(f"refused: {refused}") from None
        except OSError as exc:
            raise FetchFailed(
                f"connection: cannot resolve host ({exc.strerror or exc})", retry=True
            ) from None

    async def check_robots(self, url: str) -> None:
        if not self.settings.respect_robots:
            return
        state = self.host_state(url)
        async with state.lock:
            if not state.robots_checked:
                state.robots_checked = True
                state.robots = await self.load_robots(url)
                crawl_delay = state.robots.crawl_delay(self.settings.user_agent) if state.robots else None
                if crawl_delay:
                    state.delay_s = max(state.delay_s, float(crawl_delay))
        if state.robots is not None and not state.robots.can_fetch(self.settings.user_agent, url):
            raise FetchFailed("robots: disallowed by robots.txt")

    async def load_robots(self, url: str) -> RobotFileParser | None:
        """robots.txt of the URL's site; None (everything allowed) when it is missing or unreadable."""
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        assert self.client is not None
        try:
            async with asyncio.timeout(self.settings.timeout_s):
                response = await self.client.get(robots_url)
        except (httpx.HTTPError, TimeoutError):
            return None
        if response.status_code >= 400 or len(response.content) > 500_000:
            return None
        parser = RobotFileParser(robots_url)
        parser.parse(response.text.splitlines())
        return parser

    async def request(self, url: str, accept: tuple[str, ...], conditional: bool) -> str | FetchResult:
        """One HTTP exchange within the host limits: a redirect target, or the fields of a FetchResult."""
        state = self.host_state(url)
        async with state.semaphore:
            async with state.lock:
                wait = state.next_start - time.monotonic()
                state.next_start = max(time.monotonic(), state.next_start) + state.delay_s
            if wait > 0:
                await asyncio.sleep(wait)
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            try:
                async with asyncio.timeout(self.settings.timeout_s):
                    return await self.exchange(url, accept, conditional)
            except TimeoutError:
                raise FetchFailed(
                    f"timeout: no complete response within {self.settings.timeout_s:g} s", retry=True
                ) from None
            except httpx.TimeoutException:
                raise FetchFailed(
                    f"timeout: {self.settings.read_timeout_s:g} s without data", retry=True
                ) from None
            except httpx.HTTPError as exc:
                raise FetchFailed(f"connection: {type(exc).__name__} {exc}".strip(), retry=True) from None
            finally:
                state.in_flight -= 1

    async def exchange(self, url: str, accept: tuple[str, ...], conditional: bool) -> str | FetchResult:
        assert self.client is not None
        headers = {}
        known = self.validators.get(url)
        if conditional and known is not None:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        async with self.client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            if status in (301, 302, 303, 307, 308) and "location" in response.headers:
                return response.headers["location"]
            validators = Validators(response.headers.get("etag"), response.headers.get("last-modified"))
            if status == 304:
                return FetchResult(url, url, status=304, not_modified=True, validators=known or validators)
            if status in RETRY_STATUSES:
                wait = retry_after_seconds(response.headers.get("retry-after"))
                raise FetchFailed(f"http: HTTP {status}", retry=True, wait_s=wait)
            if status >= 400:
                raise FetchFailed(f"http: HTTP {status}")
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type and not content_type.startswith(accept):
                raise FetchFailed(f"content-type: {content_type} is not an accepted type")
            declared = int(response.headers.get("content-length") or 0)
            if declared > self.settings.max_bytes:
                raise FetchFailed(
                    f"too-large: Content-Length {declared} over {self.settings.max_bytes} bytes"
                )
            body = bytearray()
            async for chunk in response.aiter_bytes():  # decoded chunks: the cap also bounds a gzip bomb
                body += chunk
                if len(body) > self.settings.max_bytes:
                    raise FetchFailed(f"too-large: body over {self.settings.max_bytes} bytes")
            content = gunzipped(bytes(body), self.settings.max_bytes)
            return FetchResult(
                url,
                url,
                status=status,
                content=content,
                content_type=content_type or None,
                charset=response.charset_encoding,
                validators=validators,
            )


def fetch_all(
    urls: list[str],
    settings: FetchSettings,
    accept: tuple[str, ...] = PAGE_TYPES,
    validators: dict[str, Validators] | None = None,
    conditional: bool = False,
) -> list[FetchResult]:
    """Synchronous entry point for callers outside an event loop (CLI, Prefect tasks)."""

    async def run() -> list[FetchResult]:
        async with Fetcher(settings, validators) as fetcher:
            return await fetcher.fetch_many(urls, accept, conditional)

    return asyncio.run(run()) if urls else []
