"""External ids: a task's or project's id in the system it is synced from.

- ``tasks.external_id``: unique within a project, by a partial unique index on
  ``(project_id, external_id)`` (rows without one are not indexed), which is also what makes
  concurrent upserts of one key leave one row; ``(account_id, external_id)`` serves the
  ``external_id`` filter of the task list.
- ``projects.external_id``: unique within an account.

Plain ``ADD COLUMN`` (no batch copy of ``tasks``): SQLite keeps the table, its rowids and the
full-text triggers of migration 0006.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_HAS_ONE: dict[str, Any] = {
    "postgresql_where": sa.text("external_id IS NOT NULL"),
    "sqlite_where": sa.text("external_id IS NOT NULL"),
}


def upgrade() -> None:
    op.add_column("tasks", sa.Column("external_id", sa.String(length=200), nullable=True))
    op.add_column("projects", sa.Column("external_id", sa.String(length=200), nullable=True))
    op.create_index(
        "ix_tasks_project_id_external_id",
        "tasks",
        ["project_id", "external_id"],
        unique=True,
        **_HAS_ONE,
    )
    op.create_index(
        "ix_tasks_account_id_external_id", "tasks", ["account_id", "external_id"], **_HAS_ONE
    )
    op.create_index(
        "ix_projects_account_id_external_id",
        "projects",
        ["account_id", "external_id"],
        unique=True,
        **_HAS_ONE,
    )


def downgrade() -> None:
    op.drop_index("ix_projects_account_id_external_id", table_name="projects")
    op.drop_index("ix_tasks_account_id_external_id", table_name="tasks")
    op.drop_index("ix_tasks_project_id_external_id", table_name="tasks")
    op.drop_column("projects", "external_id")
    op.drop_column("tasks", "external_id")
