"""The scale-out path at small scale, all on loopback: the Prefect server on PostgreSQL, the deal database on
PostgreSQL, the deployments of prefect.yaml on a process work pool, two workers that each pick up a backfill for a
different date range, and extraction spread over a local Dask cluster (prefect-dask's DaskTaskRunner)."""

import re
import subprocess
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import text

from models.db import make_engine
from tests.conftest import ROOT, new_postgres_database
from tests.prefect_server import BIN, artifacts, deployments, prefect_server, start_run, wait_completed

RANGES = {"2023-2024": ("2023-01-01", "2024-12-31"), "2025-2026": ("2025-01-01", "2026-12-31")}


def new_articles(summary: str) -> int:
    match = re.search(r"\*\*(\d+) new\*\*", summary)
    assert match, summary
    return int(match.group(1))


def test_two_workers_take_backfills_and_dask_spreads_extraction(tmp_path: Path) -> None:
    home = tmp_path / "prefect-home"
    home.mkdir()
    with (
        new_postgres_database("asyncpg") as prefect_database,
        new_postgres_database() as deals_database,
        prefect_server(home, PREFECT_API_DATABASE_CONNECTION_URL=prefect_database) as (api, env),
    ):

        def prefect(*args: str) -> None:
            subprocess.run(
                [str(BIN / "prefect"), "--no-prompt", *args],
                cwd=ROOT,
                env=env | {"DEALWIRE_HOME": str(ROOT)},
                check=True,
                capture_output=True,
                timeout=120,
            )

        prefect("work-pool", "create", "dealwire", "--type", "process")
        prefect("deploy", "--all")  # prefect.yaml, as on a real installation
        assert set(deployments(api)) == {"nightly", "backfill", "reprocess"}

        worker_env = env | {
            "DEALWIRE_HOME": str(ROOT),
            "DEALWIRE_DATABASE_URL": deals_database,
            "DEALWIRE_DASK__ENABLED": "true",
            "DEALWIRE_DASK__WORKERS": "2",
            "DEALWIRE_NLP__CHUNK_SIZE": "2",  # several chunks per run, so both Dask workers get some
            "PREFECT_WORKER_QUERY_SECONDS": "1",
        }
        logs = {name: tmp_path / f"{name}.log" for name in ("worker-a", "worker-b")}
        workers = [
            subprocess.Popen(
                # --limit 1: a worker busy with one backfill leaves the next to the other worker
                [
                    str(BIN / "prefect"),
                    "worker",
                    "start",
                    "--pool",
                    "dealwire",
                    "--name",
                    name,
                    "--limit",
                    "1",
                ],
                cwd=ROOT,
                env=worker_env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
            for name, log in logs.items()
        ]
        try:
            backfill = deployments(api)["backfill"]
            runs = {
                label: start_run(api, backfill, {"start_date": start, "end_date": end, "sources": ["sample"]})
                for label, (start, end) in RANGES.items()
            }
            for run_id in runs.values():
                wait_completed(api, run_id, timeout=420)
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=60)

        # Each worker ran exactly one of the two backfills (both may try to take a run; one is told to back off,
        # so count the runs each worker actually started).
        started = {
            name: set(re.findall(r"View at \S+/flow-run/([0-9a-f-]+)", log.read_text()))
            for name, log in logs.items()
        }
        taken = {
            name: {label for label, run_id in runs.items() if run_id in ids} for name, ids in started.items()
        }
        assert sorted(len(labels) for labels in taken.values()) == [1, 1], taken

        # The date ranges split the sample (6 pages dated 2023-2024, 7 dated 2025-2026) and nothing is stored twice.
        summaries = {label: artifacts(api, run_id)["summary"]["data"] for label, run_id in runs.items()}
        assert {label: new_articles(s) for label, s in summaries.items()} == {"2023-2024": 6, "2025-2026": 7}
        with make_engine(deals_database).connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM articles")).scalar_one() == 13
            assert connection.execute(text("SELECT COUNT(*) FROM deals")).scalar_one() >= 8

        # Within each run, the extract-and-store chunks ran in more than one Dask worker process.
        for label, run_id in runs.items():
            ingest_runs = httpx.post(
                f"{api}/flow_runs/filter",
                timeout=10,
                json={"flow_runs": {"parent_flow_run_id": {"any_": [run_id]}}},
            ).json()
            found = httpx.post(
                f"{api}/logs/filter",
                timeout=10,
                json={"logs": {"flow_run_id": {"any_": [r["id"] for r in ingest_runs]}}, "limit": 200},
            ).json()
            processes = {
                m.group(1) for log in found if (m := re.search(r"articles in process (\d+)", log["message"]))
            }
            assert len(processes) >= 2, (label, processes)

        # The Prefect server kept its state in PostgreSQL.
        with psycopg.connect(prefect_database.replace("+asyncpg", "")) as connection:
            stored_runs = connection.execute("SELECT COUNT(*) FROM flow_run").fetchone()
            assert stored_runs is not None and stored_runs[0] >= 2
