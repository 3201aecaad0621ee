"""The ingest flow on a real (temporary) Prefect server: sample source, folders, feeds and URLs over loopback,
failures recorded, re-runs idempotent. Runs against SQLite and PostgreSQL."""

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness
from typer.testing import CliRunner

from dealwire.cli import app
from flows.ingest import ingest
from tests.conftest import ROOT, SEED, LoopbackSite, Route

SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module", autouse=True)
def prefect_server() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120):
        yield


def feed(items: list[str]) -> bytes:
    entries = "".join(
        f"<item><title>t</title><link>{link}</link><pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate></item>"
        for link in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{entries}</channel></rss>'.encode()
    )


def test_sample_source_twice(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALWIRE_DATABASE_URL", database_url)
    first = ingest(sources=["sample"])
    assert first["articles_new"] == len(list(SAMPLE.glob("*.html")))
    assert first["failed"] == []
    assert first["deals_new"] >= 8
    seed_deals = [d for d in first["deals"] if "coreweave" in d["source"]]
    assert [(p["name"], p["role"]) for p in seed_deals[0]["parties"]] == [
        ("Microsoft", "customer"),
        ("CoreWeave", "supplier"),
    ]
    second = ingest(sources=["sample"])
    assert (second["articles_new"], second["deals_new"], second["deals_updated"]) == (0, 0, 0)
    from sqlalchemy import text

    from models.db import make_engine

    with make_engine(database_url).connect() as connection:
        assert connection.execute(text("SELECT name, kind FROM sources")).all() == [("sample", "folder")]
        assert connection.execute(text("SELECT COUNT(*) FROM ingest_runs")).scalar_one() == 2

    assert second["articles_duplicate"] == first["articles_new"]


def test_folder_feed_and_urls_with_failures(
    tmp_path: Path, site: LoopbackSite, closed_port_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEALWIRE_DATABASE_URL", f"sqlite:///{tmp_path / 'deals.db'}")
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.txt")
    (folder / "copy-of-seed.txt").write_bytes(SEED.read_bytes())  # same article under another name
    (folder / "empty.html").write_bytes(b"")
    site.routes["/feed.xml"] = Route(
        body=feed([site.url("/a1"), site.url("/gone")]), headers={"Content-Type": "application/rss+xml"}
    )
    site.routes["/a1"] = Route(
        body=(SAMPLE / "2024-06-03-corvane-to-acquire-harbor-analytics.html").read_bytes()
    )
    site.routes["/bad-feed.xml"] = Route(
        body=b"<rss><channel><item><link>", headers={"Content-Type": "text/xml"}
    )
    result = ingest(
        paths=[str(folder)], feeds=[site.url("/feed.xml"), site.url("/bad-feed.xml")], urls=[closed_port_url]
    )
    reasons = {f["url"]: f["reason"] for f in result["failed"]}
    assert reasons[site.url("/gone")] == "http: HTTP 404"
    assert reasons[closed_port_url].startswith("connection:")
    assert reasons[(folder / "empty.html").resolve().as_uri()] == "not-article: empty document"
    assert "malformed feed" in reasons[site.url("/bad-feed.xml")]
    assert result["articles_new"] == 2 and result["articles_duplicate"] == 1
    assert result["deals_new"] == 2


def test_cli_ingest_prints_json_summary_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALWIRE_DATABASE_URL", f"sqlite:///{tmp_path / 'deals.db'}")
    result = CliRunner().invoke(app, ["ingest", "--source", "sample", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(summary) == {
        "articles_new",
        "articles_duplicate",
        "articles_out_of_range",
        "failed",
        "deals_new",
        "deals_updated",
        "database",
    }
    assert summary["database"].endswith("deals.db")
    unknown = CliRunner().invoke(app, ["ingest", "--source", "nope"])
    assert unknown.exit_code == 2 and "unknown source 'nope'" in unknown.output


def test_date_range_applies_to_folder_pages_by_their_published_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEALWIRE_DATABASE_URL", f"sqlite:///{tmp_path / 'deals.db'}")
    result = ingest(sources=["sample"], start_date=date(2023, 1, 1), end_date=date(2024, 12, 31))
    assert (
        result["articles_new"] == 6 and result["articles_out_of_range"] == 7
    )  # 2025-2026 pages and the seed
    assert result["per_source"]["sample"]["out_of_range"] == 7


def test_changed_article_is_extracted_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALWIRE_DATABASE_URL", f"sqlite:///{tmp_path / 'deals.db'}")
    folder = tmp_path / "articles"
    folder.mkdir()
    story = folder / "story.txt"
    story.write_text(
        "Acme results\n\nAcme Corp. reported higher quarterly profit on Tuesday, helped by cloud sales.\n"
    )
    first = ingest(paths=[str(folder)])
    story.write_text(
        story.read_text() + "Acme Corp. also agreed to acquire Widget Inc. for $2 billion in cash.\n"
    )
    second = ingest(paths=[str(folder)])
    third = ingest(paths=[str(folder)])
    assert (first["articles_new"], first["deals_new"]) == (1, 0)
    assert (second["articles_new"], second["articles_duplicate"], second["deals_new"]) == (0, 0, 1)
    assert (third["articles_duplicate"], third["deals_new"]) == (1, 0)


def test_reprocess_replaces_older_mentions_without_duplicates(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from extractors.extract import EXTRACTOR_VERSION
    from flows.reprocess import reprocess
    from models.db import make_engine

    monkeypatch.setenv("DEALWIRE_DATABASE_URL", database_url)
    ingest(sources=["sample"])
    engine = make_engine(database_url)

    def counts() -> tuple[int, int, int]:
        with engine.connect() as connection:
            deals = connection.execute(text("SELECT COUNT(*) FROM deals")).scalar_one()
            mentions = connection.execute(text("SELECT COUNT(*) FROM deal_mentions")).scalar_one()
            old = connection.execute(
                text("SELECT COUNT(*) FROM deal_mentions WHERE extractor_version <> :v"),
                {"v": EXTRACTOR_VERSION},
            ).scalar_one()
        return deals, mentions, old

    before = counts()
    with engine.begin() as connection:
        connection.execute(text("UPDATE deal_mentions SET extractor_version = '0.0.1'"))
    first = reprocess()
    assert counts() == before and before[2] == 0
    assert first["articles"] == len(list(SAMPLE.glob("*.html")))
    reprocess()
    assert counts() == before
