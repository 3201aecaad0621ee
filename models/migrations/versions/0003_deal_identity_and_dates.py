"""deal identity: party_key (type family + parties) shared by different deals between the same companies;
announced and completed dates

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deals") as batch:
        batch.add_column(sa.Column("party_key", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("announced_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("completed_on", sa.Date(), nullable=True))
        batch.create_index("ix_deals_party_key", ["party_key"])
    # Until now the deal key was the party key itself.
    op.execute("UPDATE deals SET party_key = deal_key")


def downgrade() -> None:
    with op.batch_alter_table("deals") as batch:
        batch.drop_index("ix_deals_party_key")
        batch.drop_column("completed_on")
        batch.drop_column("announced_on")
        batch.drop_column("party_key")
