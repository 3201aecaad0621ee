"""Storing speed: 10,000 generated extracted articles (with their deals) into SQLite and into PostgreSQL, next
to the extraction rate of the full pipeline on this machine.

Run: .venv/bin/python bench/store.py [--articles N] [--postgres URL]
Target: storing takes at most 10% of the extraction time (store_share_of_extract <= 0.10). The last line is
one JSON object. PostgreSQL must be reachable (default: a scratch database on 127.0.0.1:5432, dropped after).
"""

import argparse
import json
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import psycopg

from bench.extract import texts
from extractors.extract import EXTRACTOR_VERSION
from extractors.pipeline import load_pipeline
from models.db import create_schema, make_engine, session_scope
from models.store import ExtractedArticle, store_extractions

BATCH = 200


def generated(count: int) -> list[ExtractedArticle]:
    """Articles shaped like real extractions: two companies, one deal with an amount, about 300 words."""
    body = " ".join(["Acme Corp. agreed to buy a rival for cash, the companies said on Monday."] * 25)
    items = []
    for n in range(count):
        buyer, target = f"Buyer {n % 500} Holdings", f"Target {n} Corp"
        extraction = {
            "article": {"authors": ["Jane Doe"], "flags": []},
            "companies": [{"name": buyer, "mentions": [buyer]}, {"name": target, "mentions": [target]}],
            "deals": [
                {
                    "type": "acquisition",
                    "status": "announced",
                    "term": None,
                    "confidence": 0.9,
                    "parties": [{"name": buyer, "role": "acquirer"}, {"name": target, "role": "target"}],
                    "amount": {
                        "text": "$2 billion",
                        "value": 2e9,
                        "currency": "USD",
                        "usd": 2e9,
                        "approximate": False,
                    },
                    "evidence": f"{buyer} agreed to buy {target} for $2 billion.",
                }
            ],
        }
        items.append(
            ExtractedArticle(
                f"https://news.example.com/{n}",
                "bench",
                f"Deal {n}",
                date(2025, 1, 1),
                "en",
                f"{n} {body}",
                extraction,
            )
        )
    return items


def store_rate(database_url: str, items: list[ExtractedArticle]) -> float:
    engine = make_engine(database_url)
    create_schema(engine)
    started = time.perf_counter()
    for start in range(0, len(items), BATCH):
        with session_scope(engine) as session:
            store_extractions(session, items[start : start + BATCH], EXTRACTOR_VERSION)
    return len(items) / (time.perf_counter() - started)


def extract_rate(count: int) -> float:
    nlp = load_pipeline()
    sample = texts(count)
    list(nlp.pipe(sample[:10]))
    started = time.perf_counter()
    list(nlp.pipe(sample, batch_size=32))
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    items = generated(args.articles)
    with tempfile.TemporaryDirectory() as folder:
        sqlite = store_rate(f"sqlite:///{Path(folder) / 'bench.db'}", items)
    name = f"dealwire_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.postgres, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = args.postgres.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        postgres = store_rate(f"{base}/{name}", items)
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    extract = extract_rate(200)
    share = extract / min(
        sqlite, postgres
    )  # store time / extract time for the same articles, slower database
    print(
        f"stored {args.articles} articles: SQLite {sqlite:.0f}/s, PostgreSQL {postgres:.0f}/s; "
        f"extraction {extract:.1f} articles/s (1 process)"
    )
    print(f"storing takes {share:.1%} of the extraction time (target <= 10%)")
    print(
        json.dumps(
            {
                "sqlite_articles_per_s": round(sqlite, 1),
                "postgres_articles_per_s": round(postgres, 1),
                "extract_articles_per_s": round(extract, 2),
                "store_share_of_extract": round(share, 4),
            }
        )
    )


if __name__ == "__main__":
    main()
