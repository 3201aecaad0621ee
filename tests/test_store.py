"""Storing extractions on SQLite and PostgreSQL: identity, idempotence, and deals that move forward."""

from datetime import date
from typing import Any

from sqlmodel import func, select

from models.db import create_schema, make_engine, session_scope
from models.store import ExtractedArticle, record_failures, store_extractions
from models.tables import Article, Company, Deal, DealMention, DealParty, FetchFailure
from tests.builders import contract_extraction

extraction = contract_extraction


def item(url: str, text: str, status: str, amount: dict[str, Any] | None) -> ExtractedArticle:
    return ExtractedArticle(url, "test", "title", date(2025, 3, 1), "en", text, extraction(status, amount))


def counts(database_url: str) -> dict[str, int]:
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in (Article, Company, Deal, DealParty, DealMention, FetchFailure)
        }


def test_storing_twice_adds_nothing(database_url: str) -> None:
    engine = make_engine(database_url)
    create_schema(engine)
    ten = {"text": "$10 billion", "value": 1e10, "currency": "USD", "usd": 1e10, "approximate": False}
    for _ in range(2):
        with session_scope(engine) as session:
            store_extractions(session, [item("https://a.example/1", "first text", "rumored", ten)], "test")
    assert counts(database_url) == {
        "Article": 1,
        "Company": 2,
        "Deal": 1,
        "DealParty": 2,
        "DealMention": 1,
        "FetchFailure": 0,
    }


def test_second_article_on_the_same_deal_adds_a_mention_and_moves_status_forward(database_url: str) -> None:
    engine = make_engine(database_url)
    create_schema(engine)
    approx = {"text": "about $10 billion", "value": 1e10, "currency": "USD", "usd": 1e10, "approximate": True}
    exact = {
        "text": "$10.2 billion",
        "value": 1.02e10,
        "currency": "USD",
        "usd": 1.02e10,
        "approximate": False,
    }
    with session_scope(engine) as session:
        first = store_extractions(session, [item("https://a.example/1", "one", "announced", approx)], "test")
    with session_scope(engine) as session:
        second = store_extractions(session, [item("https://b.example/2", "two", "completed", exact)], "test")
    with session_scope(engine) as session:
        third = store_extractions(session, [item("https://c.example/3", "three", "rumored", None)], "test")
    assert (first.deals_new, second.deals_updated, third.deals_updated) == (1, 1, 1)
    with session_scope(engine) as session:
        deal = session.exec(select(Deal)).one()
        assert deal.status == "completed"  # the later "rumored" report does not move it back
        assert deal.amount_value == 1.02e10 and not deal.amount_approximate
    assert counts(database_url)["DealMention"] == 3


def test_failures_are_recorded_once_per_url(database_url: str) -> None:
    engine = make_engine(database_url)
    create_schema(engine)
    failure = {"url": "https://a.example/x", "source": "test", "reason": "HTTP 500"}
    for _ in range(2):
        with session_scope(engine) as session:
            record_failures(session, [failure])
    with session_scope(engine) as session:
        row = session.exec(select(FetchFailure)).one()
        assert (row.reason, row.attempts) == ("HTTP 500", 2)


def test_different_deals_between_the_same_companies_stay_apart(database_url: str) -> None:
    engine = make_engine(database_url)
    create_schema(engine)
    ten = {"text": "$10 billion", "value": 1e10, "currency": "USD", "usd": 1e10, "approximate": False}
    two = {"text": "$2 billion", "value": 2e9, "currency": "USD", "usd": 2e9, "approximate": False}
    old = ExtractedArticle(
        "https://a.example/2023", "test", "t", date(2023, 3, 1), "en", "a", extraction("completed", ten)
    )
    option = ExtractedArticle(
        "https://a.example/2025", "test", "t", date(2025, 6, 1), "en", "b", extraction("announced", two)
    )
    again = ExtractedArticle(
        "https://a.example/2025b", "test", "t", date(2025, 6, 2), "en", "c", extraction("completed", two)
    )
    for item in (old, option, again):
        with session_scope(engine) as session:
            store_extractions(session, [item], "test")
    with session_scope(engine) as session:
        deals = session.exec(select(Deal).order_by(Deal.id)).all()
        assert [(d.amount_value, d.status, d.announced_on, d.completed_on) for d in deals] == [
            (1e10, "completed", date(2023, 3, 1), date(2023, 3, 1)),
            (2e9, "completed", date(2025, 6, 1), date(2025, 6, 2)),
        ]
