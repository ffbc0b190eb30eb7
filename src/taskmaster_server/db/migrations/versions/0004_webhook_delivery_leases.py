"""Webhook delivery: claim leases on deliveries, consecutive failures on endpoints.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import taskmaster_server.db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as batch:
        batch.add_column(
            sa.Column(
                "claimed_until",
                taskmaster_server.db.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("claim_token", sa.Uuid(), nullable=True))
    with op.batch_alter_table("webhooks") as batch:
        batch.add_column(
            sa.Column("consecutive_failures", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("webhooks") as batch:
        batch.drop_column("consecutive_failures")
    with op.batch_alter_table("webhook_deliveries") as batch:
        batch.drop_column("claim_token")
        batch.drop_column("claimed_until")
