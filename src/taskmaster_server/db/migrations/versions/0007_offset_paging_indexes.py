"""PostgreSQL: the full-text index takes each write at once (``fastupdate = off``).

With the default ``fastupdate = on``, GIN queues the words of new and changed tasks in a pending
list that is merged into the index only by the next vacuum (or once it outgrows
``gin_pending_list_limit``, 4 MB). Every search reads that whole list, and the planner costs it
so: with 10,000 tasks written since the last vacuum of 150,000 (164 pending pages), the count of
an offset page's ``total`` for ``search=`` took a sequential scan of ``tasks`` instead of the
index (tests/server/test_list_plans.py). Without the list a search costs the same between
vacuums as after one; a write pays for its own words (a few index entries per task) at once.

SQLite's FTS5 table has no such list: nothing to do there.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER INDEX ix_tasks_search_vector SET (fastupdate = off)")
    # Words already queued stay queued until merged: merge them now.
    op.execute("SELECT gin_clean_pending_list('ix_tasks_search_vector')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER INDEX ix_tasks_search_vector RESET (fastupdate)")
