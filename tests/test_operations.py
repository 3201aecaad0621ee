"""Operations on a real Prefect server (loopback, telemetry off): `dealwire serve` registers the deployments, the
nightly one has its schedule, a backfill triggered through the API completes, stores the sample's deals and
publishes its artifacts; triggering the same backfill again leaves the database unchanged."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from models.db import make_engine
from tests.conftest import ROOT
from tests.prefect_server import (
    BIN,
    artifacts,
    deployments,
    prefect_server,
    start_run,
    wait_completed,
    wait_for,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    with prefect_server(tmp_path_factory.mktemp("prefect-home")) as running:
        yield running


def counts(database_url: str) -> tuple[int, int, int]:
    with make_engine(database_url).connect() as connection:
        return tuple(
            connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()  # type: ignore[return-value]
            for table in ("articles", "deals", "deal_mentions")
        )


def test_serve_schedule_backfill_and_artifacts(server: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    api, env = server
    database_url = f"sqlite:///{tmp_path / 'deals.db'}"
    log = (tmp_path / "serve.log").open("w")
    serving = subprocess.Popen(
        [str(BIN / "dealwire"), "serve"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env | {"DEALWIRE_DATABASE_URL": database_url},
    )
    try:
        registered = wait_for(
            lambda: len(deployments(api)) == 3 and deployments(api), 120, "three deployments"
        )
        assert set(registered) == {"nightly", "backfill", "reprocess"}
        [schedule] = registered["nightly"]["schedules"]
        assert schedule["schedule"]["cron"] == "0 2 * * *" and schedule["active"]
        parameters = {"start_date": "2020-01-01", "end_date": "2030-12-31", "sources": ["sample"]}
        run = wait_completed(api, start_run(api, registered["backfill"], parameters))
        articles, deals, mentions = counts(database_url)
        assert articles == 13 and deals >= 8 and mentions >= deals
        published = artifacts(api, run["id"])
        assert set(published) >= {"deals", "sources", "summary"}
        assert "13 new" in published["summary"]["data"]
        wait_completed(api, start_run(api, registered["backfill"], parameters))
        assert counts(database_url) == (articles, deals, mentions)
    finally:
        serving.terminate()
        serving.wait(timeout=30)
