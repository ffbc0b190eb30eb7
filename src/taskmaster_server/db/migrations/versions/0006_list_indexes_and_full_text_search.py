"""Every task list query on an index: sort indexes, the due-date sort key, full-text search.

- ``(account_id, priority, id)``, ``(account_id, status, id)``, ``(account_id, title, id)``:
  one per sort key that had none.
- ``(account_id, COALESCE(due_at, <9999-12-31>), id)``: the due-date sort key exactly as the
  query spells it (db/search.py), undated tasks last.
- PostgreSQL: a generated ``tsvector`` of title and description with a GIN index.
- SQLite: an FTS5 external-content table over ``tasks`` keyed by its rowid, with triggers.
  A later migration that rebuilds ``tasks`` (batch mode copies the table) drops the triggers
  with it and may renumber rowids: it must recreate them and run
  ``INSERT INTO tasks_fts(tasks_fts) VALUES ('rebuild')``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_SORT_INDEXES = {
    "ix_tasks_account_id_priority_id": ["account_id", "priority", "id"],
    "ix_tasks_account_id_status_id": ["account_id", "status", "id"],
    "ix_tasks_account_id_title_id": ["account_id", "title", "id"],
}

# Keep in step with db/search.py (NO_DUE_DATE_SQL): the planner matches the text.
_DUE_SORT = {
    "postgresql": "COALESCE(due_at, '9999-12-31 00:00:00+00'::timestamptz)",
    "sqlite": "COALESCE(due_at, '9999-12-31 00:00:00.000000')",
}

_SQLITE_FTS = [
    "CREATE VIRTUAL TABLE tasks_fts USING fts5(title, description, content='tasks',"
    " content_rowid='rowid', tokenize='unicode61 remove_diacritics 0')",
    "INSERT INTO tasks_fts(tasks_fts) VALUES ('rebuild')",
    "CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN"
    " INSERT INTO tasks_fts(rowid, title, description)"
    " VALUES (new.rowid, new.title, new.description); END",
    "CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN"
    " INSERT INTO tasks_fts(tasks_fts, rowid, title, description)"
    " VALUES ('delete', old.rowid, old.title, old.description); END",
    "CREATE TRIGGER tasks_fts_update AFTER UPDATE OF title, description ON tasks BEGIN"
    " INSERT INTO tasks_fts(tasks_fts, rowid, title, description)"
    " VALUES ('delete', old.rowid, old.title, old.description);"
    " INSERT INTO tasks_fts(rowid, title, description)"
    " VALUES (new.rowid, new.title, new.description); END",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, columns in _SORT_INDEXES.items():
        op.create_index(name, "tasks", columns)
    op.execute(
        f"CREATE INDEX ix_tasks_account_id_due_sort_id ON tasks (account_id, {_DUE_SORT[dialect]}, id)"
    )
    if dialect == "postgresql":
        op.execute(
            # Non-alphanumerics become spaces first: the parser would otherwise keep file
            # names, URLs and hyphenated words whole, where FTS5 (and search) cut words.
            "ALTER TABLE tasks ADD COLUMN search_vector tsvector GENERATED ALWAYS AS"
            " (to_tsvector('simple', regexp_replace(coalesce(title, '') || ' '"
            " || coalesce(description, ''), '[^[:alnum:]]+', ' ', 'g'))) STORED"
        )
        op.execute("CREATE INDEX ix_tasks_search_vector ON tasks USING gin (search_vector)")
        # A finer word census: the planner then knows a rare word is rare and takes the GIN
        # index, where with the default it guesses ~0.5 % of rows and walks a sort index.
        op.execute("ALTER TABLE tasks ALTER COLUMN search_vector SET STATISTICS 1000")
    else:
        for statement in _SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX ix_tasks_search_vector")
        op.execute("ALTER TABLE tasks DROP COLUMN search_vector")
    else:
        for trigger in ("tasks_fts_insert", "tasks_fts_delete", "tasks_fts_update"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE tasks_fts")
    op.execute("DROP INDEX ix_tasks_account_id_due_sort_id")
    for name in _SORT_INDEXES:
        op.drop_index(name, "tasks")
