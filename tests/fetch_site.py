"""A hostile loopback fixture site for the fetching tests: feeds, sitemaps, articles, robots.txt, and endpoints that
drip, bloat, bomb, loop, throttle, flap or lie. Served by a real HTTP server on 127.0.0.1."""

import gzip
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE = (
    "<html><head><title>Acme to buy Widget</title><link rel='canonical' href='{base}/news/acme-widget'>"
    "<meta property='article:published_time' content='2025-03-03T09:00:00Z'></head><body><article>"
    "<h1>Acme to buy Widget</h1><p>Acme Corp. agreed to acquire Widget Inc. for $2 billion in cash, the companies "
    "said on Monday in a joint statement from their headquarters.</p></article></body></html>"
)
LATIN1_PAGE = (
    "<html><body><article><p>Société Générale agreed to lend EUR 25 million to Crédit Agricole's Lyon unit, "
    "the banks said in a statement on Thursday, according to the French daily.</p></article></body></html>"
).encode("latin-1")
ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><rss version="2.0"><channel><title>&lol9;</title><item><link>/news/acme-widget</link></item></channel></rss>'
)


def feed(base: str) -> bytes:
    items = "".join(
        f"<item><title>{slug}</title><link>{base}{path}</link><pubDate>{day}</pubDate></item>"
        for slug, path, day in [
            ("a", "/news/acme-widget?utm_source=rss&utm_medium=feed", "Mon, 03 Mar 2025 09:00:00 GMT"),
            ("b", "/news/acme-widget?fbclid=xyz", "Mon, 03 Mar 2025 09:00:00 GMT"),
            ("old", "/news/old", "Wed, 01 Jan 2020 09:00:00 GMT"),
        ]
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'.encode()
    )


def sitemap_index(base: str) -> bytes:
    return (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sitemap-2025-03.xml</loc><lastmod>2025-03-31</lastmod></sitemap>"
        f"<sitemap><loc>{base}/sitemap-2019-01.xml</loc><lastmod>2019-01-31</lastmod></sitemap>"
        "</sitemapindex>"
    ).encode()


def news_sitemap(base: str, paths_and_days: list[tuple[str, str]]) -> bytes:
    urls = "".join(
        f"<url><loc>{base}{path}</loc><news:news><news:publication_date>{day}</news:publication_date>"
        "</news:news></url>"
        for path, day in paths_and_days
    )
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    ).encode()


class FetchSite:
    """Routes by path; `hits` counts requests per path so tests can check retries and conditional GETs."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.base = ""
        self.gzip_bomb = gzip.compress(b"\0" * 30_000_000, compresslevel=9)

    def routes(self) -> dict[str, Callable[[BaseHTTPRequestHandler], None]]:
        return {
            "/robots.txt": lambda h: send(h, 200, b"User-agent: *\nDisallow: /private/\n", "text/plain"),
            "/news/acme-widget": lambda h: send(h, 200, ARTICLE.format(base=self.base).encode()),
            "/news/old": lambda h: send(
                h, 200, ARTICLE.format(base=self.base).replace("Widget", "Gadget").encode()
            ),
            "/private/secret": lambda h: send(h, 200, ARTICLE.format(base=self.base).encode()),
            "/feed.xml": lambda h: send(h, 200, feed(self.base), "application/rss+xml"),
            "/etag-feed.xml": self.etag_feed,
            "/slow-feed.xml": self.slow_feed,
            "/malformed.xml": lambda h: send(h, 200, b"<rss><channel><item><link>", "text/xml"),
            "/bomb.xml": lambda h: send(h, 200, ENTITY_BOMB, "application/rss+xml"),
            "/sitemap_index.xml": lambda h: send(h, 200, sitemap_index(self.base), "application/xml"),
            "/sitemap-2025-03.xml": lambda h: send(
                h,
                200,
                news_sitemap(self.base, [("/news/acme-widget", "2025-03-03"), ("/news/old", "2020-01-01")]),
                "application/xml",
            ),
            "/sitemap-2019-01.xml": lambda h: send(
                h, 200, news_sitemap(self.base, [("/news/old", "2019-01-02")]), "application/xml"
            ),
            "/slow-drip": self.slow_drip,
            "/huge": self.huge,
            "/gzip-bomb": lambda h: send(h, 200, self.gzip_bomb, headers={"Content-Encoding": "gzip"}),
            "/loop-a": lambda h: send(h, 302, b"", headers={"Location": "/loop-b"}),
            "/loop-b": lambda h: send(h, 302, b"", headers={"Location": "/loop-a"}),
            "/to-private": lambda h: send(h, 302, b"", headers={"Location": "http://10.11.12.13/article"}),
            "/throttled": self.throttled,
            "/flapping": self.flapping,
            "/report.pdf": lambda h: send(h, 200, b"%PDF-1.4 fake", "application/pdf"),
            "/latin1": lambda h: send(h, 200, LATIN1_PAGE, "text/html"),
        }

    def etag_feed(self, handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            send(handler, 304, b"", headers={"ETag": '"v1"'})
        else:
            send(handler, 200, feed(self.base), "application/rss+xml", {"ETag": '"v1"'})

    def slow_feed(self, handler: BaseHTTPRequestHandler) -> None:
        time.sleep(1.0)
        send(handler, 200, feed(self.base), "application/rss+xml")

    def slow_drip(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "1000000")
        handler.end_headers()
        for _ in range(200):  # bounded: at most ~40 s, long after the client's deadline
            handler.wfile.write(b"<")
            handler.wfile.flush()
            time.sleep(0.2)

    def huge(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()  # no Content-Length: only the streamed cap can stop it
        chunk = b"<p>filler</p>" * 80_000  # ~1 MB
        for _ in range(50):
            handler.wfile.write(chunk)

    def throttled(self, handler: BaseHTTPRequestHandler) -> None:
        if self.hits["/throttled"] == 1:
            send(handler, 429, b"slow down", "text/plain", {"Retry-After": "1"})
        else:
            send(handler, 200, ARTICLE.format(base=self.base).encode())

    def flapping(self, handler: BaseHTTPRequestHandler) -> None:
        if self.hits["/flapping"] <= 2:
            send(handler, 500, b"oops", "text/plain")
        else:
            send(handler, 200, ARTICLE.format(base=self.base).encode())


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "text/html",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@contextmanager
def serve_fetch_site() -> Iterator[FetchSite]:
    site = FetchSite()
    routes = site.routes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            site.hits[path] += 1
            route = routes.get(path)
            try:
                if route is None:
                    send(self, 404, b"not found", "text/plain")
                else:
                    route(self)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as it should

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
