"""A run killed (SIGKILL) in the middle of storing, then run again: every article stored exactly once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from models.db import make_engine
from tests.conftest import ROOT

ARTICLES = 300


def stored(database_url: str, sql: str) -> int:
    try:
        with make_engine(database_url).connect() as connection:
            return int(connection.execute(text(sql)).scalar_one())
    except Exception:
        return 0


def test_killed_run_then_rerun_stores_everything_once(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    corpus = sorted((ROOT / "tests" / "eval" / "corpus").glob("*.txt"))
    for n in range(ARTICLES):
        # A distinct first line makes every file a distinct article (content hash), not a duplicate.
        (folder / f"{n:04d}.txt").write_text(f"Story {n}\n\n" + corpus[n % len(corpus)].read_text())
    database_url = f"sqlite:///{tmp_path / 'deals.db'}"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {
        "DEALWIRE_DATABASE_URL": database_url
    }
    command = [
        str(Path(sys.executable).parent / "dealwire"),
        "ingest",
        "--path",
        str(folder),
        "--format",
        "json",
    ]
    first = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while stored(database_url, "SELECT COUNT(*) FROM articles") == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)  # mid-run: some chunks stored, the rest not yet
    first.wait(timeout=30)
    partial = stored(database_url, "SELECT COUNT(*) FROM articles")
    assert 0 < partial < ARTICLES
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-2000:]
    assert stored(database_url, "SELECT COUNT(*) FROM articles") == ARTICLES
    assert stored(database_url, "SELECT COUNT(DISTINCT url) FROM articles") == ARTICLES
    mentions = stored(database_url, "SELECT COUNT(*) FROM deal_mentions")
    assert mentions == stored(
        database_url, "SELECT COUNT(*) FROM (SELECT DISTINCT deal_id, article_id FROM deal_mentions) AS pairs"
    )
