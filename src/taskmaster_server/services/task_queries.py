"""Listing tasks: filters, word search, a sort by one key, keyset or offset paging.

Every query starts with ``account_id = :acting account`` and orders by one sort key, then
``id`` in the same direction. Each sort key has a composite index that starts the same way,
``(account_id, key, id)`` (db/models.py, migration 0006), so a sort alone walks its index in
order and stops after a page, with no sort step, and a keyset cursor is a row-value comparison
on that index. With a filter the planner chooses: at 150k tasks in two accounts on PostgreSQL
it still walks an index in sort order (the key's own, or for ``created_at`` the project's or
status's), skipping rows that fail the filter, and for a rare search word it reads the matches
through the full-text index and sorts those few. What is tested (tests/server/test_list_plans.py,
PostgreSQL only; SQLite has the same indexes): no plan for any of the 12 sorts, alone or with
any one filter, on the first page, by cursor or by offset (pages 2 and 41), nor the bounded
``total`` of an offset page, scans ``tasks`` sequentially. The API allows
one key because that is what an index can serve: no set of indexes serves every combination of
keys and directions, and some (``priority,-title`` with ``tag``, say) got a sequential scan.

``offset`` pages count the matches only up to ``TOTAL_LIMIT``, so a deep account costs a
bounded index walk, not a count of all its rows, on every page; the rows before ``offset`` are
still walked, which is why keyset cursors are the way to page deep: from about offset 5,000,
a filter matching a fifth of a large account (``tag``) gets a scan of ``tasks`` and a sort.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, func, select

from taskmaster_server.db.models import Task, TaskTag
from taskmaster_server.db.search import NO_DUE_DATE, NoDueDate, search_condition
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import UTCDateTime
from taskmaster_server.pagination import (
    SortKey,
    after,
    decode_cursor,
    encode_cursor,
    query_hash,
)
from taskmaster_server.problems import Problem, field_error
from taskmaster_server.services import serialize
from taskmaster_server.services.actors import Actor
from taskmaster_server.services.page import Page
from taskmaster_server.services.tasks import parse_time

__all__ = ["TaskFilters", "list_page", "ordered_query", "sort_keys"]

# Tasks without a due date sort after every dated one (ascending), as NULLS LAST would, on
# both databases, and keep a comparable value for keyset cursors; an index on this very
# expression serves the sort (migration 0006).
_NO_DUE_DATE = NO_DUE_DATE
_DUE_AT = func.coalesce(Task.due_at, NoDueDate(), type_=UTCDateTime())

# ``total`` on offset pages counts at most this many matches (the spec says so).
TOTAL_LIMIT = 10_000

_SORTABLE: dict[str, tuple[Any, str]] = {
    "created_at": (Task.created_at, "datetime"),
    "updated_at": (Task.updated_at, "datetime"),
    "due_at": (_DUE_AT, "datetime"),
    "priority": (Task.priority, "int"),
    "status": (Task.status, "str"),
    "title": (Task.title, "str"),
}


@dataclass(frozen=True)
class TaskFilters:
    project_id: str | None = None
    status: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    due_before: str | None = None
    due_after: str | None = None
    updated_since: str | None = None
    external_id: str | None = None
    search: str | None = None
    sort: str = "created_at"


class _Row:
    """Adapts a Task to the attribute names of the sort keys."""

    def __init__(self, task: Task) -> None:
        self._task = task

    def __getattr__(self, name: str) -> Any:
        if name.startswith("sort_"):
            key = name.removeprefix("sort_")
            if key == "due_at":
                return self._task.due_at or _NO_DUE_DATE
            return getattr(self._task, key)
        raise AttributeError(name)


def sort_keys(sort: str) -> tuple[SortKey, SortKey]:
    """The key ``sort`` names (``-`` for descending), then ``id`` in the same direction."""
    name = sort.removeprefix("-")
    if name not in _SORTABLE:
        # The spec's pattern refuses such a value first (pattern_messages.py words it); this
        # keeps a direct caller from a KeyError.
        detail = f"{sort!r} is not a sort key."
        raise Problem(
            "validation-error", detail, errors=[field_error("#/query/sort", detail, "pattern")]
        )
    expression, kind = _SORTABLE[name]
    descending = sort.startswith("-")
    return (
        SortKey(expression, descending, kind, f"sort_{name}"),  # type: ignore[arg-type]
        SortKey(Task.id, descending, "uuid", "sort_id"),
    )


def _filtered(actor: Actor, f: TaskFilters, dialect: str) -> Select[Task]:
    query = select(Task).where(Task.account_id == actor.account_id)
    if f.project_id:
        query = query.where(Task.project_id == uuid.UUID(f.project_id))
    if f.status:
        query = query.where(Task.status.in_(f.status))
    if f.priority:
        query = query.where(Task.priority.in_([serialize.PRIORITY_RANK[p] for p in f.priority]))
    if f.tag:
        query = query.where(
            exists().where(
                TaskTag.account_id == actor.account_id,
                TaskTag.task_id == Task.id,
                TaskTag.tag.in_(f.tag),
            )
        )
    if f.due_before:
        query = query.where(Task.due_at < parse_time(f.due_before))
    if f.due_after:
        query = query.where(Task.due_at >= parse_time(f.due_after))
    if f.updated_since:
        query = query.where(Task.updated_at >= parse_time(f.updated_since))
    if f.external_id is not None:
        query = query.where(Task.external_id == f.external_id)
    if f.search is not None:
        query = query.where(search_condition(dialect, f.search))
    return query


def total_query(query: Select[Task]) -> Select[int]:
    """The number of rows ``query`` matches, counted up to ``TOTAL_LIMIT``."""
    bounded = query.with_only_columns(Task.id).limit(TOTAL_LIMIT).subquery()
    return select(func.count()).select_from(bounded)


def ordered_query(
    actor: Actor,
    filters: TaskFilters,
    dialect: str,
    keys: Sequence[SortKey],
    cursor_values: Sequence[Any] | None = None,
) -> Select[Task]:
    """The matching tasks in sort order, from just after ``cursor_values`` when given: the
    query ``list_page`` runs (before its limit and offset), and the one the EXPLAIN tests read."""
    query = _filtered(actor, filters, dialect)
    if cursor_values is not None:
        query = query.where(after(keys, cursor_values))
    return query.order_by(
        *(key.expression.desc() if key.descending else key.expression.asc() for key in keys)
    )


def list_page(
    db: Database,
    actor: Actor,
    filters: TaskFilters,
    *,
    limit: int,
    cursor: str | None,
    offset: int | None,
) -> Page:
    if cursor is not None and offset is not None:
        detail = "Use either cursor or offset, not both."
        raise Problem(
            "validation-error",
            detail,
            errors=[field_error("#/query/offset", detail, "exclusive")],
        )
    keys = sort_keys(filters.sort)
    digest = query_hash(str(actor.account_id), filters)
    # Decoded before any database work: a cursor of another query (or of a multi-key sort of
    # earlier builds: another digest, and more values than one key and id) is a 422, never a 500.
    values = decode_cursor(cursor, digest, keys) if cursor is not None else None
    ordered = ordered_query(actor, filters, db.dialect, keys, values)
    total = None
    with db.read() as session:
        if offset is not None:
            total = session.scalar(total_query(_filtered(actor, filters, db.dialect)))
        if offset:
            ordered = ordered.offset(offset)
        rows = list(session.scalars(ordered.limit(limit + 1)))
        more = len(rows) > limit
        rows = rows[:limit]
        data = [serialize.task(row) for row in rows]
    next_cursor = encode_cursor(digest, _Row(rows[-1]), keys) if more and offset is None else None
    next_offset = (offset or 0) + limit if more and offset is not None else None
    return Page(data, next_cursor, more, total=total, next_offset=next_offset)
