"""Fetching speed and politeness: 1,000 articles spread over 20 loopback hosts (ports), each response delayed by
200 ms, at most 4 requests in flight per host. The ideal wall time is 1000 / 20 / 4 * 0.2 s = 2.5 s.

Run: .venv/bin/python bench/fetch.py [--articles N] [--hosts H] [--delay S] [--per-host K]
Prints the wall time, its ratio to the ideal (target: at most 1.5), the most requests ever in flight per host
(must not exceed the limit) and peak memory. The last line is one JSON object.
"""

import argparse
import asyncio
import json
import resource
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from config.settings import FetchSettings
from sources.fetch import Fetcher

PAGE = (
    b"<html><body><article><p>"
    + b"Acme Corp. agreed to buy Widget Inc. for $2 billion. " * 40
    + b"</p></article></body></html>"
)


def start_hosts(count: int, delay: float) -> list[ThreadingHTTPServer]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            time.sleep(delay)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, *args: object) -> None:
            pass

    servers = []
    for _ in range(count):
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


async def run(urls: list[str], per_host: int) -> tuple[float, dict[str, int], int]:
    settings = FetchSettings(allowed_networks=["127.0.0.0/8"], per_host_concurrency=per_host, timeout_s=30)
    async with Fetcher(settings) as fetcher:
        started = time.perf_counter()
        results = await fetcher.fetch_many(urls)
        wall = time.perf_counter() - started
    failures = sum(1 for result in results if not result.ok)
    return wall, fetcher.max_in_flight(), failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--per-host", type=int, default=4)
    args = parser.parse_args()
    servers = start_hosts(args.hosts, args.delay)
    ports = [server.server_address[1] for server in servers]
    urls = [f"http://127.0.0.1:{ports[i % len(ports)]}/article/{i}" for i in range(args.articles)]
    wall, in_flight, failures = asyncio.run(run(urls, args.per_host))
    for server in servers:
        server.shutdown()
    ideal = args.articles / args.hosts / args.per_host * args.delay
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    busiest = max(in_flight.values())
    print(
        f"{args.articles} articles from {args.hosts} hosts, {args.delay * 1000:.0f} ms per response, "
        f"at most {args.per_host} in flight per host; {failures} failed"
    )
    print(f"wall time {wall:.2f} s; ideal {ideal:.2f} s; ratio {wall / ideal:.2f} (target <= 1.5)")
    print(
        f"most requests in flight to one host: {busiest} (limit {args.per_host}); peak memory {peak_mb:.0f} MB"
    )
    print(
        json.dumps(
            {
                "wall_s": round(wall, 3),
                "ideal_s": round(ideal, 3),
                "ratio": round(wall / ideal, 3),
                "max_in_flight_per_host": busiest,
                "peak_rss_mb": round(peak_mb, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
