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

N_PROCESS = 2
CHUNKS = {"dask": 250, "spacy": 1000}


@contextmanager
def peak_memory() -> Iterator[list[float]]:
    """Sample the resident memory of this process and all its children (spaCy or Dask workers) every 0.2 s;
    yields a one-item list that holds the peak in MB."""
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        me = psutil.Process()
        while not done.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
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
    bodies = [f"Story {n}\n\n{text}" for n, text in enumerate(texts(count))]
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
    """The ingest flow's steps called as plain functions (task.fn), chunks on the same kind of runner: the same
    work without Prefect."""
    from distributed import Client, LocalCluster

    from flows import ingest as steps
    from sources.collect import Request

    settings = get_settings()
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    collection = steps.collect.fn(settings, Request(["bench"], start=start, end=end))
    articles, _, _ = steps.parse.fn(collection.documents, start, end)
    fresh, _ = steps.deduplicate.fn(settings, articles, False)
    size = settings.nlp.chunk_size
    chunks = [fresh[i : i + size] for i in range(0, len(fresh), size)]
    if not settings.dask.enabled:
        for chunk in chunks:
            steps.extract_and_store.fn(settings, chunk)
        return
    cluster = LocalCluster(
        n_workers=settings.dask.workers,
        threads_per_worker=1,
        processes=True,
        host=settings.dask.host,
        dashboard_address=None,
    )
    with cluster, Client(cluster) as client:
        client.gather(client.map(steps.extract_and_store.fn, [settings] * len(chunks), chunks))


def main() -> None:

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--runner", choices=sorted(CHUNKS), default="dask")
    args = parser.parse_args()
    dask = args.runner == "dask"
    with tempfile.TemporaryDirectory() as folder:
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
        list(plain.pipe(bodies, batch_size=32, n_process=N_PROCESS))
        raw_rate = len(bodies) / (time.perf_counter() - started)

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
