"""The flows people run from the Prefect UI: the nightly run, backfills of a date range, and reprocessing.

They compose the `ingest` and `reprocess` flows and publish what a run did as Prefect artifacts (a table of the
deals it created or updated, a table per source of fetched / duplicate / failed articles, a markdown summary), so
nobody has to read logs. Deployments: `dealwire serve` (one process) or `prefect deploy` with prefect.yaml;
the reprocess flow is flows.reprocess.
"""

from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run

from config.settings import get_settings
from flows.ingest import configured_ingest

# The configured sources, as an Enum so the UI's "Custom run" form shows a multi-select of them.
SourceName = Enum("SourceName", {name: name for name in get_settings().sources}, type=str)  # type: ignore[misc]


def logical_date(now: datetime | None = None) -> date:
    """The day a nightly run covers: the day before its scheduled start (not before when it actually ran), so a
    late or re-run night processes the right day."""
    scheduled = flow_run.scheduled_start_time if flow_run.id else None
    moment = scheduled or now or datetime.now()
    return (moment - timedelta(days=1)).date()


def publish_artifacts(result: dict[str, Any], title: str) -> None:
    """Deals created or updated, per-source counts and failures, and a short summary, on the flow run's page."""
    deals = [
        {
            "type": d["type"],
            "status": d["status"],
            "parties": ", ".join(f"{p['name']} ({p['role']})" for p in d["parties"]),
            "amount": (d.get("amount") or {}).get("text") or "undisclosed",
            "usd": (d.get("amount") or {}).get("usd"),
            "article": d["source"],
        }
        for d in result["deals"]
    ]
    create_table_artifact(
        key="deals",
        table=deals or [{"type": "(no deals)"}],
        description=f"{title}: deals found in the new articles",
    )
    sources = [
        {
            "source": name,
            "fetched": row["fetched"],
            "duplicate": row["duplicate"],
            "out of range": row["out_of_range"],
            "failed": row["failed"],
            "reasons": "; ".join(row["reasons"][:20]),
        }
        for name, row in sorted(result["per_source"].items())
    ]
    create_table_artifact(
        key="sources",
        table=sources or [{"source": "(nothing read)"}],
        description=f"{title}: articles per source",
    )
    create_markdown_artifact(
        key="summary",
        markdown=(
            f"## {title}\n\n"
            f"- articles: **{result['articles_new']} new**, {result['articles_duplicate']} duplicate, "
            f"{result['articles_out_of_range']} outside the date range, {len(result['failed'])} failed\n"
            f"- deals: **{result['deals_new']} new**, {result['deals_updated']} updated\n"
            f"- database: `{result['database']}`\n"
        ),
    )


def source_names(sources: list[SourceName] | None) -> list[str]:
    return [s.value for s in sources] if sources else list(get_settings().sources)


@flow(name="nightly-ingest")
def nightly_ingest(sources: list[SourceName] | None = None) -> dict[str, Any]:
    """Ingest yesterday's articles (relative to the scheduled start) from the configured sources."""
    day = logical_date()
    get_run_logger().info("nightly run for %s", day)
    ingest = configured_ingest(get_settings())
    result = ingest(sources=source_names(sources), start_date=day, end_date=day)
    publish_artifacts(result, f"Nightly run for {day}")
    return result


@flow(name="backfill")
def backfill(
    start_date: date,
    end_date: date,
    sources: list[SourceName] | None = None,
    reprocess: bool = False,
) -> dict[str, Any]:
    """Ingest the articles of a past date range from the chosen sources (all configured ones by default).
    Re-running the same backfill adds nothing; `reprocess` re-extracts articles already stored."""
    if end_date < start_date:
        raise ValueError(f"end_date {end_date} is before start_date {start_date}")
    ingest = configured_ingest(get_settings())
    result = ingest(
        sources=source_names(sources), start_date=start_date, end_date=end_date, reprocess=reprocess
    )
    publish_artifacts(result, f"Backfill {start_date} – {end_date}")
    return result
