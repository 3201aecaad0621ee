"""End to end: a backfill of generated articles from a local WARC archive through the whole pipeline (Prefect
flow: collect → parse → deduplicate → extract → store) into SQLite, on both cores.

Run: .venv/bin/python -m bench.e2e [--articles N]
Prints articles per second next to raw `nlp.pipe` with n_process=2 on the same texts (the limit of this machine)
and their ratio (target ≥ 0.7), Prefect's share of the wall time (the same steps called without Prefect, target
< 10%) and peak memory (target < 1.5 GB). The last line is one JSON object.
"""

import argparse
import json
import os
import resource
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bench.extract import texts
from config.settings import get_settings

N_PROCESS = 2


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
    """The ingest flow's steps called as plain functions (task.fn): the same work without Prefect."""
    from flows import ingest as steps
    from sources.collect import Request

    settings = get_settings()
    collection = steps.collect.fn(
        settings, Request(["bench"], start=date(2024, 1, 1), end=date(2024, 12, 31))
    )
    articles, _ = steps.parse.fn(collection.documents)
    fresh, _ = steps.deduplicate.fn(settings, articles, False)
    for start in range(0, len(fresh), settings.nlp.chunk_size):
        steps.extract_and_store.fn(settings, fresh[start : start + settings.nlp.chunk_size])


def main() -> None:

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "news.warc.gz"
        bodies = write_warc(archive, args.articles)
        os.environ |= {
            "DEALWIRE_SOURCES__BENCH__KIND": "warc",
            "DEALWIRE_SOURCES__BENCH__PATH": str(archive),
            "DEALWIRE_NLP__N_PROCESS": str(N_PROCESS),
            "DEALWIRE_NLP__CHUNK_SIZE": "1000",
            "DEALWIRE_NLP__BATCH_SIZE": "32",
        }
        import spacy

        from extractors.pipeline import default_model_name
        from flows.ingest import ingest

        plain = spacy.load(get_settings().nlp.model or default_model_name())
        started = time.perf_counter()
        list(plain.pipe(bodies, batch_size=32, n_process=N_PROCESS))
        raw_rate = len(bodies) / (time.perf_counter() - started)

        os.environ["DEALWIRE_DATABASE_URL"] = f"sqlite:///{Path(folder) / 'flow.db'}"
        started = time.perf_counter()
        result = ingest(sources=["bench"], start_date=date(2024, 1, 1), end_date=date(2024, 12, 31))
        flow_wall = time.perf_counter() - started

        os.environ["DEALWIRE_DATABASE_URL"] = f"sqlite:///{Path(folder) / 'direct.db'}"
        started = time.perf_counter()
        direct_pipeline()
        direct_wall = time.perf_counter() - started
    rate = result["articles_new"] / flow_wall
    share = max(0.0, (flow_wall - direct_wall) / flow_wall)
    peak_mb = (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024
    )
    print(
        f"{result['articles_new']} articles from a WARC file into SQLite in {flow_wall:.1f} s: {rate:.1f}/s; "
        f"raw nlp.pipe with n_process={N_PROCESS}: {raw_rate:.1f}/s; ratio {rate / raw_rate:.2f} (target >= 0.7)"
    )
    print(f"Prefect's share of the wall time {share:.1%} (target < 10%); peak memory {peak_mb:.0f} MB")
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
