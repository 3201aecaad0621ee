"""Screenshots of the Prefect UI for the README: a finished backfill run's artifacts and the backfill deployment's
Custom run form. Starts its own Prefect server on loopback, `dealwire serve`, and one backfill of the sample.

Run: .venv/bin/python scripts/screenshots.py   (needs Debian's chromium: apt-get install -y chromium)
Writes docs/images/backfill-artifacts.png and docs/images/custom-run-form.png.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
IMAGES = ROOT / "docs" / "images"


def wait_for(check: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if value := check():
                return value
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit("timed out")


def screenshot(url: str, target: Path, chromium: str) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--screenshot={target}",
                "--window-size=1400,900",
                "--virtual-time-budget=15000",
                url,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    print(f"wrote {target.relative_to(ROOT)}")


def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed: apt-get install -y chromium")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as home:
        env = os.environ | {
            "PREFECT_HOME": home,
            "PREFECT_API_URL": f"{base}/api",
            "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DEALWIRE_DATABASE_URL": f"sqlite:///{home}/deals.db",
        }
        server = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        serving = None
        try:
            wait_for(lambda: httpx.get(f"{base}/api/health", timeout=2).status_code == 200, 120)
            serving = subprocess.Popen(
                [str(BIN / "dealwire"), "serve"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

            def registered() -> dict[str, Any] | None:
                found = {d["name"]: d for d in httpx.post(f"{base}/api/deployments/filter", json={}).json()}
                return found if {"nightly", "backfill", "reprocess"} <= set(found) else None

            backfill = wait_for(registered, 120)["backfill"]

            run = httpx.post(
                f"{base}/api/deployments/{backfill['id']}/create_flow_run",
                json={
                    "parameters": {
                        "start_date": "2020-01-01",
                        "end_date": "2030-12-31",
                        "sources": ["sample"],
                    }
                },
            ).json()
            wait_for(
                lambda: httpx.get(f"{base}/api/flow_runs/{run['id']}").json()["state"]["type"] == "COMPLETED",
                300,
            )
            IMAGES.mkdir(parents=True, exist_ok=True)
            # The "deals" table this backfill published, on its own page.
            artifacts = httpx.post(
                f"{base}/api/artifacts/filter", json={"artifacts": {"key": {"any_": ["deals"]}}}
            ).json()
            screenshot(
                f"{base}/artifacts/artifact/{artifacts[0]['id']}", IMAGES / "backfill-artifacts.png", chromium
            )

            screenshot(
                f"{base}/deployments/deployment/{backfill['id']}/run",
                IMAGES / "custom-run-form.png",
                chromium,
            )
        finally:
            for process in (serving, server):
                if process is not None:
                    process.terminate()
                    process.wait(timeout=30)


if __name__ == "__main__":
    main()
