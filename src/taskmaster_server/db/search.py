"""SQL that differs per database for listing tasks: word search and the due-date sort key.

Word search uses each database's full-text index (migration 0006):

- PostgreSQL: ``tasks.search_vector``, a generated ``tsvector`` of title and description with
  the ``simple`` configuration (lower-cased words, no stemming, no stop words), under a GIN
  index, queried with ``websearch_to_tsquery``. The index takes each write at once
  (``fastupdate = off``, migration 0007): a pending list of words written since the last vacuum
  made searches read it all and the planner scan ``tasks`` instead;
- SQLite: ``tasks_fts``, an FTS5 external-content table over ``tasks`` (``unicode61``
  tokenizer with diacritics kept), kept current by triggers, joined on ``rowid``.

Both match whole words, case-insensitively, all of them (AND); accents are significant and
prefixes do not match. The words are cut from the search text here, as both tokenizers cut
them (runs of letters and digits), so that operators of either query language never reach it.

These objects exist only in the migrations, not in the models: ``include_object`` keeps
Alembic's autogenerate from reporting them as differences.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, TextClause, false, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from taskmaster_server.db.types import UTCDateTime

__all__ = [
    "MIGRATION_ONLY_INDEXES",
    "NO_DUE_DATE",
    "NoDueDate",
    "include_name",
    "include_object",
    "search_condition",
    "search_words",
]

# Tasks without a due date sort after every dated one (ascending); see task_queries.py.
NO_DUE_DATE = datetime(9999, 12, 31, tzinfo=UTC)
# The same instant as SQL, exactly as the expression index of migration 0006 spells it: an
# index on an expression serves only queries that repeat the expression.
NO_DUE_DATE_SQL = {
    "postgresql": "'9999-12-31 00:00:00+00'::timestamptz",
    "sqlite": "'9999-12-31 00:00:00.000000'",
}

FTS_TABLE = "tasks_fts"
SEARCH_COLUMN = "search_vector"
MIGRATION_ONLY_INDEXES = frozenset({"ix_tasks_account_id_due_sort_id", "ix_tasks_search_vector"})

_WORD = re.compile(r"[^\W_]+")


class NoDueDate(ColumnElement[datetime]):
    """``NO_DUE_DATE`` as a constant of the database's own syntax (not a bound parameter)."""

    __visit_name__ = "no_due_date"
    type = UTCDateTime()
    inherit_cache = True


@compiles(NoDueDate)
def _no_due_date(element: NoDueDate, compiler: SQLCompiler, **_: Any) -> str:
    return NO_DUE_DATE_SQL.get(compiler.dialect.name, NO_DUE_DATE_SQL["sqlite"])


def search_words(search: str) -> list[str]:
    """The words of a search text, as the full-text tokenizers cut them (at most 32)."""
    return _WORD.findall(search.lower())[:32]


def search_condition(dialect: str, search: str) -> ColumnElement[bool] | TextClause:
    """Tasks whose title or description holds every word of ``search``."""
    words = search_words(search)
    if not words:
        return false()
    # Each word quoted, in both query languages: a word such as "or" or "not" stays a word,
    # and juxtaposed quoted words must all match.
    quoted = " ".join(f'"{word}"' for word in words)
    if dialect == "postgresql":
        return text(
            f"tasks.{SEARCH_COLUMN} @@ websearch_to_tsquery('simple', :search_words)"
        ).bindparams(search_words=quoted)
    return text(
        f"tasks.rowid IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :search_words)"
    ).bindparams(search_words=quoted)


def include_name(name: str | None, type_: str, _parents: Any) -> bool:
    """Alembic ``include_name``: leave the full-text objects out of autogenerate."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == SEARCH_COLUMN:
        return False
    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)


def include_object(
    _object: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any
) -> bool:
    """Alembic ``include_object``: the same rule, for objects already reflected."""
    return include_name(name, type_, None)
