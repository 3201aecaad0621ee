"""Operations on a real Prefect server (loopback, telemetry off): `dealwire serve` registers the deployments, the
nightly one has its schedule, a backfill triggered through the API completes, stores the sample's deals and
publishes its artifacts; triggering the same backfill again leaves the database unchanged."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from models.db import make_engine
from tests.conftest import ROOT

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(check: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    home = tmp_path_factory.mktemp("prefect-home")
    api = f"http://127.0.0.1:{free_port()}/api"
    env = os.environ | {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api,
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    port = api.split(":")[2].split("/")[0]
    log = (home / "server.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", port],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: httpx.get(f"{api}/health", timeout=2).status_code == 200, 120, "the Prefect server")
        yield api, env
    finally:
        process.terminate()
        process.wait(timeout=30)


def deployments(api: str) -> dict[str, dict[str, Any]]:
    found = httpx.post(f"{api}/deployments/filter", json={}, timeout=10).json()
    return {d["name"]: d for d in found}


def run_and_wait(api: str, deployment: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    created = httpx.post(
        f"{api}/deployments/{deployment['id']}/create_flow_run", json={"parameters": parameters}, timeout=10
    ).json()

    def finished() -> dict[str, Any] | None:
        run: dict[str, Any] = httpx.get(f"{api}/flow_runs/{created['id']}", timeout=10).json()
        state = run["state"]["type"]
        assert state not in ("FAILED", "CRASHED", "CANCELLED"), run["state"]
        return run if state == "COMPLETED" else None

    result: dict[str, Any] = wait_for(finished, 240, "the backfill run")
    return result


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
        run = run_and_wait(api, registered["backfill"], parameters)
        articles, deals, mentions = counts(database_url)
        assert articles == 13 and deals >= 8 and mentions >= deals
        artifacts = httpx.post(
            f"{api}/artifacts/filter", timeout=10, json={"artifacts": {"flow_run_id": {"any_": [run["id"]]}}}
        ).json()
        assert {a["key"] for a in artifacts} >= {"deals", "sources", "summary"}
        summary = next(a for a in artifacts if a["key"] == "summary")
        assert "13 new" in summary["data"]
        run_and_wait(api, registered["backfill"], parameters)
        assert counts(database_url) == (articles, deals, mentions)
    finally:
        serving.terminate()
        serving.wait(timeout=30)
