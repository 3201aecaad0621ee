"""analyst views: deal_overview (one row per deal) and company_deals (one row per company and deal)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite and PostgreSQL name their string aggregate differently.
    aggregate = "group_concat({}, ', ')" if op.get_bind().dialect.name == "sqlite" else "string_agg({}, ', ')"
    parties = aggregate.format("c.name || ' (' || p.role || ')'")
    op.execute(f"""
        CREATE VIEW deal_overview AS
        SELECT d.id AS deal_id, d.type, d.status,
               (SELECT {parties} FROM deal_parties p JOIN companies c ON c.id = p.company_id
                 WHERE p.deal_id = d.id) AS parties,
               d.amount_text, d.amount_value, d.amount_currency, d.amount_usd, d.amount_approximate, d.term,
               d.first_seen, d.last_seen,
               (SELECT COUNT(*) FROM deal_mentions m WHERE m.deal_id = d.id) AS sources
        FROM deals d
    """)
    op.execute("""
        CREATE VIEW company_deals AS
        SELECT c.id AS company_id, c.name AS company, c.ticker, c.cik, p.role,
               d.id AS deal_id, d.type, d.status, d.amount_usd, d.first_seen, d.last_seen
        FROM companies c
        JOIN deal_parties p ON p.company_id = c.id
        JOIN deals d ON d.id = p.deal_id
    """)


def downgrade() -> None:
    op.execute("DROP VIEW company_deals")
    op.execute("DROP VIEW deal_overview")
