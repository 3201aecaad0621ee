"""End to end: a backfill of generated articles from a local WARC archive through the whole pipeline (Prefect
flow: collect → parse → deduplicate → extract → store) into SQLite, on both cores.

Run: .venv/bin/python -m bench.e2e [--articles N] [--runner dask|spacy]
Prints articles per second next to raw `nlp.pipe` with n_process=2 on the same texts (the limit of this machine)
and their ratio (target ≥ 0.7), Prefect's share of the wall time (the same steps called without Prefect, target
< 10%) and peak memory of the whole process tree (target < 1.5 GB). The last line is one JSON object.

Runners: `dask` spreads extract-and-store chunks over a local two-process Dask cluster (DaskTaskRunner, each
worker keeps its pipeline for the whole run); `spacy` runs chunks one after another with spaCy's n_process=2,
which starts its worker processes anew for every chunk.
"""

import argparse
import json
import os
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

import psutil
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bench.extract import texts
from config.settings import get_settings
from tests.prefect_server import prefect_server

N_PROCESS = 2
CHUNKS = {"dask": 250, "spacy": 1000}


@dataclass
class MemoryPeaks:
    total_mb: float = 0.0  # the whole tree at its largest
    by_process_mb: dict[str, float] = field(default_factory=dict)  # each process at its largest

    def breakdown(self) -> str:
        return ", ".join(f"{name} {mb:.0f} MB" for name, mb in sorted(self.by_process_mb.items()))


@contextmanager
def peak_memory() -> Iterator[MemoryPeaks]:
    """Sample the resident memory of this process and the children it starts from now on (spaCy or Dask
    workers) every 0.2 s. Children that already run (the Prefect server) are infrastructure shared by all runs
    and not counted."""
    peaks = MemoryPeaks()
    done = threading.Event()
    me = psutil.Process()
    infrastructure = {child.pid for child in me.children(recursive=True)}

    def sample() -> None:
        while not done.is_set():
            total = 0.0
            workers = [child for child in me.children(recursive=True) if child.pid not in infrastructure]
            for process in [me, *workers]:
                with suppress(psutil.Error):  # a worker that ended between listing and reading
                    mb = process.memory_info().rss / 2**20
                    name = "flow process" if process.pid == me.pid else f"child {process.pid}"
                    peaks.by_process_mb[name] = max(peaks.by_process_mb.get(name, 0.0), mb)
                    total += mb
            peaks.total_mb = max(peaks.total_mb, total)
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peaks
    finally:
        done.set()
        sampler.join()


def write_warc(path: Path, count: int) -> list[str]:
    # A story number inside the first body paragraph makes every article's content unique (the pipeline
    # deduplicates by content, and a line of its own could be dropped as boilerplate by the page parser).
    bodies = []
    for n, text in enumerate(texts(count)):
        headline, _, body = text.partition("\n")
        bodies.append(f"{headline}\n\n(Story {n}) {body.lstrip()}")
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for n, body in enumerate(bodies):
            html = "<html><body><article>" + "".join(f"<p>{line}</p>" for line in body.splitlines() if line)
            html += "</article></body></html>"
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                f"https://news.example.com/{n}",
                "response",
                payload=BytesIO(html.encode()),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-05-01T10:00:00Z"},
            )
            writer.write_record(record)
    return bodies


def cpu_seconds(processes: list[psutil.Process]) -> float:
    return sum(sum(p.cpu_times()[:2]) for p in processes)


def timed_direct_pipeline(database: Path) -> float:
    os.environ["DEALWIRE_DATABASE_URL"] = f"sqlite:///{database}"
    started = time.perf_counter()
    direct_pipeline()
    return time.perf_counter() - started


def direct_pipeline() -> None:
    """The ingest flow's steps called as plain functions (task.fn), chunks on the same kind of runner and
    overlapped the same way: the same work without Prefect."""
    from concurrent.futures import Executor, Future, ThreadPoolExecutor

    from distributed import Client, LocalCluster

    from flows import ingest as steps
    from sources.collect import Request, dated_by_page

    settings = get_settings()
    request = Request(["bench"], start=date(2024, 1, 1), end=date(2024, 12, 31))
    collection = steps.collect.fn(settings, request)
    if settings.dask.enabled:
        cluster = LocalCluster(**steps.local_cluster_options(settings))
        executor: Executor = Client(cluster).get_executor()
    else:
        executor = ThreadPoolExecutor(max_workers=1)
    seen: set[str] = set()
    in_flight: deque[Future[object]] = deque()
    most_in_flight = steps.most_chunks_in_flight(settings)
    size = settings.nlp.chunk_size
    page_dated = dated_by_page(settings, request)
    for start in range(0, len(collection.documents), size):
        documents = collection.documents[start : start + size]
        prepared = steps.prepare.fn(settings, documents, request, page_dated, seen, False)
        seen |= prepared.hashes
        in_flight.append(executor.submit(steps.extract_and_store.fn, settings, prepared.fresh))
        while len(in_flight) >= most_in_flight:
            in_flight.popleft().result()
    for future in in_flight:
        future.result()
    executor.shutdown()
    if settings.dask.enabled:
        cluster.close()


def main() -> None:

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--runner", choices=sorted(CHUNKS), default="dask")
    args = parser.parse_args()
    dask = args.runner == "dask"
    # A real Prefect server on loopback, as in production: without one, every process that runs a task (each
    # Dask worker too) would start a temporary server of its own.
    with tempfile.TemporaryDirectory() as folder, prefect_server(Path(folder)) as (_, server_env):
        os.environ |= server_env
        archive = Path(folder) / "news.warc.gz"
        bodies = write_warc(archive, args.articles)
        os.environ |= {
            "DEALWIRE_SOURCES__BENCH__KIND": "warc",
            "DEALWIRE_SOURCES__BENCH__PATH": str(archive),
            "DEALWIRE_NLP__N_PROCESS": "1" if dask else str(N_PROCESS),
            "DEALWIRE_NLP__CHUNK_SIZE": str(CHUNKS[args.runner]),
            "DEALWIRE_NLP__BATCH_SIZE": "32",
            "DEALWIRE_DASK__ENABLED": str(dask).lower(),
            "DEALWIRE_DASK__WORKERS": str(N_PROCESS),
        }
        import spacy

        from extractors.pipeline import default_model_name
        from flows.ingest import configured_ingest

        # The same work without Prefect runs before and after the flow: the machine's speed drifts by several
        # percent over minutes, and the mean of the two is the fairer reference.
        direct_walls = [timed_direct_pipeline(Path(folder) / "direct-before.db")]
        os.environ["DEALWIRE_DATABASE_URL"] = f"sqlite:///{Path(folder) / 'flow.db'}"
        ingest = configured_ingest(get_settings())
        server = psutil.Process().children(recursive=True)  # only the Prefect server runs at this point
        server_cpu = -cpu_seconds(server)
        with peak_memory() as peak:
            started = time.perf_counter()
            result = ingest(sources=["bench"], start_date=date(2024, 1, 1), end_date=date(2024, 12, 31))
            flow_wall = time.perf_counter() - started
        server_cpu += cpu_seconds(server)

        direct_walls.append(timed_direct_pipeline(Path(folder) / "direct-after.db"))

        # The limit of the machine, measured last so that this process holds nothing of it while the flow runs.
        plain = spacy.load(get_settings().nlp.model or default_model_name())
        started = time.perf_counter()
        for _ in plain.pipe(bodies, batch_size=32, n_process=N_PROCESS):
            pass  # docs are dropped as they come, as the pipeline does
        raw_rate = len(bodies) / (time.perf_counter() - started)
    direct_wall = sum(direct_walls) / len(direct_walls)
    rate = result["articles_new"] / flow_wall
    share = max(0.0, (flow_wall - direct_wall) / flow_wall)
    peak_mb = peak.total_mb
    print(
        f"{result['articles_new']} articles from a WARC file into SQLite in {flow_wall:.1f} s ({args.runner} "
        f"runner): {rate:.1f}/s; "
        f"raw nlp.pipe with n_process={N_PROCESS}: {raw_rate:.1f}/s; ratio {rate / raw_rate:.2f} (target >= 0.7)"
    )
    print(
        f"the same steps without Prefect: {', '.join(f'{wall:.1f} s' for wall in direct_walls)} (before, after)"
    )
    print(
        f"Prefect's share of the wall time {share:.1%} (target < 10%; the Prefect server used {server_cpu:.1f} "
        f"CPU seconds of the flow's {flow_wall * N_PROCESS:.0f}); "
        f"peak memory of the flow's process tree {peak_mb:.0f} MB (target < 1500)"
    )
    print(f"largest resident size per process: {peak.breakdown()}")
    print(
        json.dumps(
            {
                "articles_per_s": round(rate, 2),
                "raw_nlp_2proc_docs_per_s": round(raw_rate, 2),
                "ratio": round(rate / raw_rate, 3),
                "prefect_share": round(share, 4),
                "peak_rss_mb": round(peak_mb, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
