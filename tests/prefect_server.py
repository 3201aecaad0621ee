"""A real Prefect server for tests: started on loopback with telemetry off, driven through its REST API."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(check: Any, timeout: float, what: str) -> Any:
    """Poll `check` every second until it returns something true; fail the test after `timeout` seconds."""
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


@contextmanager
def prefect_server(home: Path, **extra_env: str) -> Iterator[tuple[str, dict[str, str]]]:
    """`prefect server start` on a free loopback port; yields its API URL and the environment to reach it."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = os.environ | {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api,
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    log = (home / "server.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env | extra_env,
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


def start_run(api: str, deployment: dict[str, Any], parameters: dict[str, Any]) -> str:
    created = httpx.post(
        f"{api}/deployments/{deployment['id']}/create_flow_run", json={"parameters": parameters}, timeout=10
    ).json()
    run_id: str = created["id"]
    return run_id


def wait_completed(api: str, run_id: str, timeout: float = 240) -> dict[str, Any]:
    """The flow run once COMPLETED; fails the test at once if it failed, crashed or was cancelled."""

    def finished() -> dict[str, Any] | None:
        run: dict[str, Any] = httpx.get(f"{api}/flow_runs/{run_id}", timeout=10).json()
        state = run["state"]["type"]
        assert state not in ("FAILED", "CRASHED", "CANCELLED"), run["state"]
        return run if state == "COMPLETED" else None

    result: dict[str, Any] = wait_for(finished, timeout, f"flow run {run_id}")
    return result


def artifacts(api: str, run_id: str) -> dict[str, dict[str, Any]]:
    found = httpx.post(
        f"{api}/artifacts/filter", timeout=10, json={"artifacts": {"flow_run_id": {"any_": [run_id]}}}
    ).json()
    return {a["key"]: a for a in found}
