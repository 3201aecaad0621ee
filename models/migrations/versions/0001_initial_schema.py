"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=256), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("authors", sa.String(length=1024), nullable=True),
        sa.Column("flags", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("extractor_version", sa.String(length=32), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_articles_content_hash"), ["content_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_published"), ["published"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_url"), ["url"], unique=True)

    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("ticker", sa.String(length=16), nullable=True),
        sa.Column("cik", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_companies_key"), ["key"], unique=True)

    op.create_table(
        "deals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_key", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("amount_text", sa.String(length=256), nullable=True),
        sa.Column("amount_value", sa.Float(), nullable=True),
        sa.Column("amount_currency", sa.String(length=8), nullable=True),
        sa.Column("amount_usd", sa.Float(), nullable=True),
        sa.Column("amount_approximate", sa.Boolean(), nullable=False),
        sa.Column("term", sa.String(length=256), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deals_amount_usd"), ["amount_usd"], unique=False)
        batch_op.create_index(batch_op.f("ix_deals_deal_key"), ["deal_key"], unique=True)
        batch_op.create_index(batch_op.f("ix_deals_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_deals_type"), ["type"], unique=False)

    op.create_table(
        "fetch_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("source", sa.String(length=256), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fetch_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fetch_failures_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_fetch_failures_url"), ["url"], unique=True)

    op.create_table(
        "http_validators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("etag", sa.String(length=512), nullable=True),
        sa.Column("last_modified", sa.String(length=128), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("http_validators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_http_validators_url"), ["url"], unique=True)

    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("articles_new", sa.Integer(), nullable=False),
        sa.Column("articles_duplicate", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("deals_new", sa.Integer(), nullable=False),
        sa.Column("deals_updated", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "company_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("alias", sa.String(length=512), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("company_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_company_aliases_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_company_aliases_key"), ["key"], unique=True)

    op.create_table(
        "deal_mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("evidence_start", sa.Integer(), nullable=True),
        sa.Column("evidence_end", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("extractor_version", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("deal_id", "article_id", name="uq_deal_mention"),
    )
    with op.batch_alter_table("deal_mentions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_mentions_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_mentions_deal_id"), ["deal_id"], unique=False)

    op.create_table(
        "deal_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("deal_id", "company_id", name="uq_deal_party"),
    )
    with op.batch_alter_table("deal_parties", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_parties_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_parties_deal_id"), ["deal_id"], unique=False)

    op.create_table(
        "deal_status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=256), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deal_status_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_status_history_deal_id"), ["deal_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("deal_status_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_status_history_deal_id"))

    op.drop_table("deal_status_history")
    with op.batch_alter_table("deal_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_parties_deal_id"))
        batch_op.drop_index(batch_op.f("ix_deal_parties_company_id"))

    op.drop_table("deal_parties")
    with op.batch_alter_table("deal_mentions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_mentions_deal_id"))
        batch_op.drop_index(batch_op.f("ix_deal_mentions_article_id"))

    op.drop_table("deal_mentions")
    with op.batch_alter_table("company_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_aliases_key"))
        batch_op.drop_index(batch_op.f("ix_company_aliases_company_id"))

    op.drop_table("company_aliases")
    op.drop_table("ingest_runs")
    with op.batch_alter_table("http_validators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_http_validators_url"))

    op.drop_table("http_validators")
    with op.batch_alter_table("fetch_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fetch_failures_url"))
        batch_op.drop_index(batch_op.f("ix_fetch_failures_kind"))

    op.drop_table("fetch_failures")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deals_type"))
        batch_op.drop_index(batch_op.f("ix_deals_status"))
        batch_op.drop_index(batch_op.f("ix_deals_deal_key"))
        batch_op.drop_index(batch_op.f("ix_deals_amount_usd"))

    op.drop_table("deals")
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_companies_key"))

    op.drop_table("companies")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_url"))
        batch_op.drop_index(batch_op.f("ix_articles_published"))
        batch_op.drop_index(batch_op.f("ix_articles_content_hash"))

    op.drop_table("articles")
