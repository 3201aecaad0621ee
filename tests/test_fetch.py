"""Fetching against a hostile loopback site: every endpoint ends as the right article or the right recorded failure,
within its timeout. Also the address policy on address values (no traffic) and URL canonicalisation."""

import ipaddress
import time
from collections.abc import Iterator
from datetime import date

import pytest

from config.settings import FetchSettings, Settings, SourceSettings
from sources.collect import Request, collect_documents
from sources.fetch import FetchResult, Validators, fetch_all
from sources.netguard import parse_networks, refusal_reason
from sources.urls import canonical_url
from tests.fetch_site import FetchSite, serve_fetch_site


@pytest.fixture(scope="module")
def site() -> Iterator[FetchSite]:
    with serve_fetch_site() as served:
        yield served


def settings(**overrides: object) -> FetchSettings:
    values: dict[str, object] = {
        "allowed_networks": ["127.0.0.0/8"],
        "timeout_s": 2.0,
        "read_timeout_s": 1.0,
        "max_bytes": 1_000_000,
        "backoff_s": 0.05,
        "max_retries": 3,
    }
    return FetchSettings(**(values | overrides))  # type: ignore[arg-type]


def fetch(site: FetchSite, path: str, **overrides: object) -> FetchResult:
    [result] = fetch_all([site.base + path], settings(**overrides))
    return result


def test_article_is_fetched(site: FetchSite) -> None:
    result = fetch(site, "/news/acme-widget")
    assert result.ok and b"Acme Corp. agreed to acquire" in result.content


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/huge", "too-large:"),
        ("/gzip-bomb", "too-large:"),
        ("/loop-a", "redirects: redirect loop"),
        ("/report.pdf", "content-type: application/pdf"),
        ("/missing", "http: HTTP 404"),
        ("/private/secret", "robots: disallowed"),
    ],
)
def test_hostile_endpoints_become_recorded_failures(site: FetchSite, path: str, reason: str) -> None:
    started = time.monotonic()
    result = fetch(site, path)
    assert result.error is not None and result.error.startswith(reason), result.error
    assert time.monotonic() - started < 10


def test_slow_drip_times_out_within_the_deadline(site: FetchSite) -> None:
    started = time.monotonic()
    result = fetch(site, "/slow-drip", max_retries=0)
    assert result.error is not None and result.error.startswith("timeout:")
    assert time.monotonic() - started < 4


def test_redirect_to_a_private_address_is_refused_without_connecting(site: FetchSite) -> None:
    result = fetch(site, "/to-private")
    assert result.error is not None and result.error.startswith(
        "refused: refused private address 10.11.12.13"
    )


def test_429_with_retry_after_then_success(site: FetchSite) -> None:
    started = time.monotonic()
    result = fetch(site, "/throttled")
    assert result.ok and result.status == 200
    assert time.monotonic() - started >= 0.9  # Retry-After: 1 was honoured
    assert site.hits["/throttled"] == 2


def test_flapping_500_is_retried_until_it_answers(site: FetchSite) -> None:
    result = fetch(site, "/flapping")
    assert result.ok and site.hits["/flapping"] == 3


def test_latin1_page_without_charset_decodes(site: FetchSite) -> None:
    from extractors.article import Article, parse_document
    from sources.collect import document_of

    document = document_of(fetch(site, "/latin1"), "test")
    article = parse_document(document)  # type: ignore[arg-type]
    assert isinstance(article, Article) and "Société Générale" in article.text


def test_conditional_get_costs_one_304(site: FetchSite) -> None:
    url = site.base + "/etag-feed.xml"
    [first] = fetch_all([url], settings(), accept=("application/rss+xml",), conditional=True)
    assert first.ok and first.validators.etag == '"v1"'
    [second] = fetch_all(
        [url],
        settings(),
        accept=("application/rss+xml",),
        validators={url: first.validators},
        conditional=True,
    )
    assert second.not_modified and second.content == b""


def test_loopback_is_refused_by_default(site: FetchSite) -> None:
    result = fetch(site, "/news/acme-widget", allowed_networks=[])
    assert result.error is not None and result.error.startswith("refused: refused loopback address 127.0.0.1")


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("::ffff:10.0.0.1", "private"),
        ("8.8.8.8", None),
        ("2001:4860::8888", None),
    ],
)
def test_address_policy(address: str, refused: str | None) -> None:
    reason = refusal_reason(ipaddress.ip_address(address), [])
    assert (reason is None) if refused is None else (reason is not None and reason.startswith(refused))


def test_allowed_networks_open_exceptions() -> None:
    assert refusal_reason(ipaddress.ip_address("10.1.2.3"), parse_networks(["10.0.0.0/8"])) is None


def test_canonical_urls_drop_tracking_and_fragments() -> None:
    assert canonical_url("HTTPS://News.Example.com:443/a?utm_source=x&id=7&fbclid=1#top") == (
        "https://news.example.com/a?id=7"
    )


def config_with(site: FetchSite, **sources: SourceSettings) -> Settings:
    return Settings(fetch=settings(), sources=sources)


def test_feed_gives_each_article_once_and_malformed_feeds_fail(site: FetchSite) -> None:
    feeds = [site.base + "/feed.xml", site.base + "/malformed.xml", site.base + "/bomb.xml"]
    config = config_with(site, news=SourceSettings(kind="feed", urls=feeds))
    collection = collect_documents(config, Request(sources=["news"]))
    urls = [d.url for d in collection.documents]
    assert urls.count(site.base + "/news/acme-widget") == 1  # two tracking variants, one article
    reasons = {f.url: f.reason for f in collection.failures}
    assert reasons[site.base + "/malformed.xml"].startswith("parse: malformed feed")
    assert len(reasons) == 1  # the entity-bomb feed is read without expanding its entities


def test_sources_are_read_concurrently(site: FetchSite) -> None:
    config = Settings(
        fetch=settings(read_timeout_s=5.0, timeout_s=5.0),
        sources={
            "first": SourceSettings(kind="feed", urls=[site.base + "/slow-feed.xml?edition=1"]),
            "second": SourceSettings(kind="feed", urls=[site.base + "/slow-feed.xml?edition=2"]),
        },
    )
    started = time.monotonic()
    collection = collect_documents(config, Request(sources=["first", "second"]))
    elapsed = time.monotonic() - started
    assert site.hits["/slow-feed.xml"] == 2
    assert elapsed < 1.8, f"two 1 s feeds took {elapsed:.2f} s: sources were read one after another"
    # Both feeds list the same articles: each fetched once, credited to the first source asked for.
    assert sorted((d.url, d.source) for d in collection.documents) == [
        (site.base + "/news/acme-widget", "first"),
        (site.base + "/news/old", "first"),
    ]


def test_entity_bomb_feed_is_not_expanded() -> None:
    from sources.feeds import parse_feed
    from tests.fetch_site import ENTITY_BOMB

    started = time.monotonic()
    entries = parse_feed(ENTITY_BOMB)
    assert time.monotonic() - started < 2
    assert all(len(entry.title or "") < 10_000 for entry in entries)


def test_sitemap_index_backfill_uses_publication_dates(site: FetchSite) -> None:
    config = config_with(
        site, archive=SourceSettings(kind="sitemap", urls=[site.base + "/sitemap_index.xml"])
    )
    march = collect_documents(
        config, Request(sources=["archive"], start=date(2025, 3, 1), end=date(2025, 3, 31))
    )
    assert [d.url for d in march.documents] == [site.base + "/news/acme-widget"]
    assert site.hits["/sitemap-2019-01.xml"] == 0  # an index entry older than the range is not even fetched


def test_nightly_feed_is_conditional(site: FetchSite) -> None:
    config = config_with(site, news=SourceSettings(kind="feed", urls=[site.base + "/etag-feed.xml"]))
    first = collect_documents(config, Request(sources=["news"]))
    again = collect_documents(config, Request(sources=["news"]), validators=first.validators)
    assert first.documents and not again.documents
    assert again.unchanged == [site.base + "/etag-feed.xml"]
    assert isinstance(first.validators[site.base + "/etag-feed.xml"], Validators)


def test_robots_crawl_delay_spaces_requests() -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    starts: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"User-agent: *\nCrawl-delay: 1\n" if self.path == "/robots.txt" else b"<html>ok</html>"
            if self.path != "/robots.txt":
                starts.append(time.monotonic())
            self.send_response(200)
            self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        results = fetch_all([f"{base}/a", f"{base}/b", f"{base}/c"], settings())
    finally:
        server.shutdown()
        server.server_close()
    assert all(result.ok for result in results)
    gaps = [later - earlier for earlier, later in zip(sorted(starts), sorted(starts)[1:], strict=False)]
    assert min(gaps) >= 0.9  # Crawl-delay: 1


def test_paywall_and_consent_pages_are_flagged() -> None:
    from extractors.article import Article, parse_document
    from sources.documents import RawDocument

    page = (
        b"<html><body><article><p>Acme Corp. reported strong growth in its cloud unit this quarter, analysts said."
        b"</p><p>Subscribe to continue reading this article and get unlimited access to our journalism.</p>"
        b"</article></body></html>"
    )
    article = parse_document(RawDocument("t", "https://news.example.com/a", page, "text/html"))
    assert isinstance(article, Article) and article.flags == ("paywall",)
