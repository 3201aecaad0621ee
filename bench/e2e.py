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
import gc
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
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


@contextmanager
def peak_memory() -> Iterator[list[float]]:
    """Sample the resident memory of this process and the children it starts from now on (spaCy or Dask
    workers) every 0.2 s; yields a one-item list that holds the peak in MB. Children that already run (the
    Prefect server) are infrastructure shared by all runs and not counted."""
    peak = [0.0]
    done = threading.Event()
    me = psutil.Process()
    infrastructure = {child.pid for child in me.children(recursive=True)}

    def sample() -> None:
        while not done.is_set():
            total = 0
            workers = [child for child in me.children(recursive=True) if child.pid not in infrastructure]
            for process in [me, *workers]:
                with suppress(psutil.Error):  # a worker that ended between listing and reading
                    total += process.memory_info().rss
            peak[0] = max(peak[0], total / 2**20)
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
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


def direct_pipeline() -> None:
    """The ingest flow's steps called as plain functions (task.fn), chunks on the same kind of runner and
    overlapped the same way: the same work without Prefect."""
    from concurrent.futures import Executor, ThreadPoolExecutor

    from distributed import Client, LocalCluster

    from flows import ingest as steps
    from sources.collect import Request, dated_by_page

    settings = get_settings()
    request = Request(["bench"], start=date(2024, 1, 1), end=date(2024, 12, 31))
    collection = steps.collect.fn(settings, request)
    steps.chunk_runner(settings)  # the same Dask worker environment as the flow's runner
    if settings.dask.enabled:
        cluster = LocalCluster(
            n_workers=settings.dask.workers,
            threads_per_worker=1,
            processes=True,
            host=settings.dask.host,
            dashboard_address=None,
        )
        executor: Executor = Client(cluster).get_executor()
    else:
        executor = ThreadPoolExecutor(max_workers=1)
    seen: set[str] = set()
    futures = []
    size = settings.nlp.chunk_size
    for start in range(0, len(collection.documents), size):
        documents = collection.documents[start : start + size]
        prepared = steps.prepare.fn(
            settings, documents, request, dated_by_page(settings, request), seen, False
        )
        seen |= prepared.hashes
        futures.append(executor.submit(steps.extract_and_store.fn, settings, prepared.fresh))
    for future in futures:
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

        plain = spacy.load(get_settings().nlp.model or default_model_name())
        started = time.perf_counter()
        for _ in plain.pipe(bodies, batch_size=32, n_process=N_PROCESS):
            pass  # docs are dropped as they come, as the pipeline does
        raw_rate = len(bodies) / (time.perf_counter() - started)
        del plain  # the reference model is not part of the pipeline's memory
        gc.collect()

        os.environ["DEALWIRE_DATABASE_URL"] = f"sqlite:///{Path(folder) / 'flow.db'}"
        ingest = configured_ingest(get_settings())
        with peak_memory() as peak:
            started = time.perf_counter()
            result = ingest(sources=["bench"], start_date=date(2024, 1, 1), end_date=date(2024, 12, 31))
            flow_wall = time.perf_counter() - started

        os.environ["DEALWIRE_DATABASE_URL"] = f"sqlite:///{Path(folder) / 'direct.db'}"
        started = time.perf_counter()
        direct_pipeline()
        direct_wall = time.perf_counter() - started
    rate = result["articles_new"] / flow_wall
    share = max(0.0, (flow_wall - direct_wall) / flow_wall)
    peak_mb = peak[0]
    print(
        f"{result['articles_new']} articles from a WARC file into SQLite in {flow_wall:.1f} s ({args.runner} "
        f"runner): {rate:.1f}/s; "
        f"raw nlp.pipe with n_process={N_PROCESS}: {raw_rate:.1f}/s; ratio {rate / raw_rate:.2f} (target >= 0.7)"
    )
    print(
        f"Prefect's share of the wall time {share:.1%} (target < 10%); "
        f"peak memory of the flow's process tree {peak_mb:.0f} MB (target < 1500)"
    )
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
