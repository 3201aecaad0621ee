"""The reprocess flow: re-extract stored articles with the current extractor and replace older mentions."""

from dataclasses import asdict, replace
from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from config.settings import Settings, get_settings
from extractors.article import Article
from extractors.extract import EXTRACTOR_VERSION, extract_articles
from extractors.pipeline import load_pipeline
from models.db import create_schema, display_url, make_engine, session_scope
from models.store import ExtractedArticle, StoreSummary, replace_extractions, stored_articles


@task(name="load-stored-articles", cache_policy=NO_CACHE)
def load(settings: Settings, since: date | None) -> list[ExtractedArticle]:
    engine = make_engine(settings.database_url)
    create_schema(engine)
    with session_scope(engine) as session:
        return stored_articles(session, since)


@task(name="re-extract-and-store", cache_policy=NO_CACHE)
def re_extract(settings: Settings, items: list[ExtractedArticle]) -> StoreSummary:
    nlp = load_pipeline(settings.nlp.model)
    engine = make_engine(settings.database_url)
    total = StoreSummary()
    # One transaction per chunk (the ingest flow's `nlp.chunk_size`): a killed run keeps the chunks it finished.
    size = settings.nlp.chunk_size
    for start in range(0, len(items), size):
        batch = items[start : start + size]
        articles = [Article(i.source, i.url, i.title, i.published, i.language, i.text) for i in batch]
        extracted = [
            replace(item, extraction=record)
            for item, (_, record) in zip(
                batch, extract_articles(nlp, articles, settings.nlp.batch_size), strict=True
            )
        ]
        with session_scope(engine) as session:
            summary = replace_extractions(session, extracted, EXTRACTOR_VERSION)
        total.deals_new += summary.deals_new
        total.deals_updated += summary.deals_updated
    return total


@flow(name="reprocess", log_prints=False)
def reprocess(since: date | None = None) -> dict[str, Any]:
    """Re-extract the stored articles (published since `since`, or all) with the current extractor; mentions of
    older extractor versions are replaced and deals no longer reported are removed. Idempotent."""
    settings = get_settings()
    items = load(settings, since)
    summary = re_extract(settings, items)
    create_markdown_artifact(
        key="summary",
        markdown=(
            f"## Reprocess\n\n- articles re-extracted: **{len(items)}** with extractor {EXTRACTOR_VERSION}\n"
            f"- deals: {summary.deals_new} new, {summary.deals_updated} updated\n"
        ),
    )
    get_run_logger().info(
        "reprocess: %d articles, %d new deals, %d updated deals",
        len(items),
        summary.deals_new,
        summary.deals_updated,
    )
    return asdict(summary) | {
        "articles": len(items),
        "extractor_version": EXTRACTOR_VERSION,
        "database": display_url(make_engine(settings.database_url)),
    }
