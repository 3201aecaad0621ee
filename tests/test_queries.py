"""The deal database as users query it: migrations, alias-aware search, one deal's history, exports, views.
Every test runs on SQLite and on PostgreSQL."""

import json
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from typer.testing import CliRunner

from dealwire.cli import app
from models.db import SchemaError, alembic_config, create_schema, make_engine, session_scope
from models.queries import deal_detail, find_deals, search_companies
from models.store import ExtractedArticle, store_extractions
from tests.builders import contract_extraction, usd


def report(url: str, status: str, amount: float | None) -> ExtractedArticle:
    extraction = contract_extraction(status, usd("$10 billion", amount) if amount else None)
    return ExtractedArticle(
        url, "test", "Microsoft rents CoreWeave servers", date(2025, 3, 1), "en", url, extraction
    )


@pytest.fixture
def filled(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DEALWIRE_DATABASE_URL", database_url)
    engine = make_engine(database_url)
    create_schema(engine)
    with session_scope(engine) as session:
        store_extractions(session, [report("https://a.example/1", "rumored", None)], "test")
    with session_scope(engine) as session:
        store_extractions(session, [report("https://b.example/2", "announced", 1e10)], "test")
    return database_url


def test_alias_aware_company_search_and_deal_history(filled: str) -> None:
    with session_scope(make_engine(filled)) as session:
        for query in ("msft", "Microsoft Corp", "microsoft", "MICROSOFT"):
            [deal] = find_deals(session, company=query)
            assert deal["status"] == "announced" and deal["sources"] == 2
        assert find_deals(session, company="Oracle") == []
        assert find_deals(session, min_usd=2e10) == []
        [company] = search_companies(session, "crwv")
        assert company["name"] == "CoreWeave" and company["deals"] == 1
        detail = deal_detail(session, deal["id"])
    assert detail is not None
    assert [h["status"] for h in detail["history"]] == ["rumored", "announced", "announced"]
    assert len(detail["mentions"]) == 2


def test_views_for_analysts(filled: str) -> None:
    with make_engine(filled).connect() as connection:
        [overview] = connection.execute(
            text("SELECT type, status, parties, amount_usd, sources FROM deal_overview")
        )
        rows = connection.execute(text("SELECT company, role FROM company_deals ORDER BY company")).all()
    assert overview.parties == "Microsoft (customer), CoreWeave (supplier)"
    assert (overview.status, overview.amount_usd, overview.sources) == ("announced", 1e10, 2)
    assert [tuple(r) for r in rows] == [("CoreWeave", "supplier"), ("Microsoft", "customer")]


def test_cli_queries_and_exports(filled: str, tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["deals", "--company", "msft", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    [deal] = json.loads(listed.stdout)
    shown = runner.invoke(app, ["deal", str(deal["id"]), "--format", "json"])
    assert json.loads(shown.stdout)["parties"][0]["name"] == "Microsoft"
    missing = runner.invoke(app, ["deal", "999999"])
    assert missing.exit_code == 1 and "no deal with id 999999" in missing.output
    for fmt, name in (("csv", "deals.csv"), ("jsonl", "deals.jsonl"), ("parquet", "deals.parquet")):
        result = runner.invoke(app, ["export", "--format", fmt, "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    assert "Microsoft (customer); CoreWeave (supplier)" in (tmp_path / "deals.csv").read_text()
    assert json.loads((tmp_path / "deals.jsonl").read_text().splitlines()[0])["type"] == "contract"
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "deals.parquet").to_pylist()[0]["amount_usd"] == 1e10


def test_outdated_schema_is_one_clear_message(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(database_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
    with pytest.raises(SchemaError, match="run `dealwire db upgrade`"):
        create_schema(engine)
    monkeypatch.setenv("DEALWIRE_DATABASE_URL", database_url)
    result = CliRunner().invoke(app, ["deals"])
    assert (
        result.exit_code == 2 and "dealwire db upgrade" in result.output and "Traceback" not in result.output
    )
    upgraded = CliRunner().invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0 and "schema revision 0004" in upgraded.stdout
    create_schema(engine)  # now current


def test_unreachable_database_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, closed_port_url: str
) -> None:
    port = closed_port_url.split(":")[2].split("/")[0]
    monkeypatch.setenv("DEALWIRE_DATABASE_URL", f"postgresql+psycopg://postgres@127.0.0.1:{port}/nothing")
    for arguments in (["deals"], ["db", "upgrade"], ["ingest", "--source", "sample"]):
        result = CliRunner().invoke(app, arguments)
        assert result.exit_code == 2 and "cannot open the database" in result.output, result.output
        assert "Traceback" not in result.output
