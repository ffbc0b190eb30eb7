"""Single-use tickets for the WebSocket event stream.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import taskmaster_server.db.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_stream_tickets",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column(
            "expires_at", taskmaster_server.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_event_stream_tickets_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_event_stream_tickets")),
    )
    op.create_index(
        op.f("ix_event_stream_tickets_expires_at"), "event_stream_tickets", ["expires_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_event_stream_tickets_expires_at"), table_name="event_stream_tickets")
    op.drop_table("event_stream_tickets")
