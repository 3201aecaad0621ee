"""Two ingests writing overlapping article sets at the same time lose nothing and duplicate nothing."""

import threading
from datetime import date

from sqlmodel import func, select

from models.db import create_schema, make_engine, session_scope
from models.store import ExtractedArticle, store_extractions
from models.tables import Article, Company, Deal, DealMention


def article(number: int) -> ExtractedArticle:
    buyer, target = f"Buyer{number % 7} Holdings", f"Target{number} Corp"
    extraction = {
        "article": {},
        "companies": [{"name": buyer, "mentions": [buyer]}, {"name": target, "mentions": [target]}],
        "deals": [
            {
                "type": "acquisition",
                "status": "announced",
                "amount": None,
                "term": None,
                "confidence": 0.9,
                "parties": [{"name": buyer, "role": "acquirer"}, {"name": target, "role": "target"}],
                "evidence": f"{buyer} agreed to buy {target}.",
            }
        ],
    }
    return ExtractedArticle(
        f"https://news.example.com/{number}",
        "test",
        None,
        date(2025, 1, 1),
        "en",
        f"text {number}",
        extraction,
    )


def test_overlapping_concurrent_ingests(database_url: str) -> None:
    engine = make_engine(database_url)
    create_schema(engine)
    batches = [[article(n) for n in range(0, 40)], [article(n) for n in range(20, 60)]]
    errors: list[BaseException] = []

    def run(batch: list[ExtractedArticle]) -> None:
        try:
            for start in range(
                0, len(batch), 5
            ):  # several transactions each, interleaving with the other run
                with session_scope(make_engine(database_url)) as session:
                    store_extractions(session, batch[start : start + 5], "test")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with session_scope(engine) as session:
        count = {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in (Article, Deal, DealMention, Company)
        }
    assert count == {"Article": 60, "Deal": 60, "DealMention": 60, "Company": 67}
