"""Idempotency records are written in the write's own commit: no "running" state, no lock.

A record that was still "running" belonged to a request that died (or to one in flight during
the upgrade, whose retry then runs again, as it would after a crash); it is dropped, so its key
is free at once.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import taskmaster_server.db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_HEADERS = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.execute("DELETE FROM idempotency_keys WHERE state <> 'done' OR status_code IS NULL")
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.drop_column("state")
        batch.drop_column("locked_until")
        batch.alter_column("status_code", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("headers", existing_type=_HEADERS, nullable=False)
        batch.alter_column("body", existing_type=sa.LargeBinary(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.alter_column("body", existing_type=sa.LargeBinary(), nullable=True)
        batch.alter_column("headers", existing_type=_HEADERS, nullable=True)
        batch.alter_column("status_code", existing_type=sa.Integer(), nullable=True)
        batch.add_column(
            sa.Column("state", sa.String(length=10), nullable=False, server_default="done")
        )
        batch.add_column(
            sa.Column(
                "locked_until",
                taskmaster_server.db.types.UTCDateTime(timezone=True),
                nullable=False,
                server_default=sa.text("CURRENT_TIMESTAMP"),
            )
        )
