"""Tasks: create, read, merge-patch, delete; the building blocks batches reuse.

Writers lock the task row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite serialises writers
with ``BEGIN IMMEDIATE``), compare ``If-Match`` against the version they read, and the mapper's
version check turns any update that still raced into an error instead of a lost update.
"""

from __future__ import annotations

import uuid
import weakref
from collections import OrderedDict
from datetime import datetime
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Engine, Table, bindparam, insert, inspect, select
from sqlalchemy import delete as sql_delete
from sqlalchemy import update as sql_update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from taskmaster_server.db.models import Project, SubTask, Task, TaskTag
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.problems import Problem, field_error
from taskmaster_server.services import external_ids, serialize
from taskmaster_server.services.actors import Actor
from taskmaster_server.services.conditions import check_if_match
from taskmaster_server.services.transaction import Transaction, write

__all__ = [
    "apply_update",
    "as_task",
    "create",
    "create_in",
    "default_project",
    "defer_changes",
    "delete",
    "delete_in",
    "get",
    "locked_task",
    "new_row",
    "parse_time",
    "read",
    "touch",
    "update",
    "update_in",
]

METADATA_MAX_KEYS = 50


def parse_time(value: str | None) -> datetime | None:
    """An RFC 3339 date-time (already format-checked by the schema) as an aware datetime."""
    if value is None:
        return None
    return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))


def not_found(task_id: uuid.UUID | str) -> Problem:
    return Problem("not-found", f"No task {task_id} in this account.")


# An account's default project never changes and cannot be deleted (services/projects.py),
# so once found it is remembered per database (engine) for the life of the process.
_DEFAULT_PROJECTS: weakref.WeakKeyDictionary[Engine, OrderedDict[uuid.UUID, uuid.UUID]] = (
    weakref.WeakKeyDictionary()
)
_DEFAULT_PROJECTS_SIZE = 10_000


def default_project(tx: Transaction, account_id: uuid.UUID) -> uuid.UUID | None:
    known = _DEFAULT_PROJECTS.setdefault(tx.session.get_bind().engine, OrderedDict())
    found = known.get(account_id)
    if found is None:
        found = tx.session.scalar(
            select(Project.id).where(Project.account_id == account_id, Project.is_default.is_(True))
        )
        if found is not None:
            known[account_id] = found
            if len(known) > _DEFAULT_PROJECTS_SIZE:
                known.popitem(last=False)
    return found


def _project_id(tx: Transaction, actor: Actor, raw: str | None) -> uuid.UUID:
    session = tx.session
    if raw is None:
        found = default_project(tx, actor.account_id)
        if found is None:
            raise Problem("conflict", "This account has no default project; name a project_id.")
        return found
    project_id = uuid.UUID(raw)
    project = session.get(Project, project_id)
    if project is None or project.account_id != actor.account_id:
        raise Problem("not-found", f"No project {project_id} in this account.")
    return project_id


_TAGS = cast(Table, TaskTag.__table__)


def _set_tags(tx: Transaction, task: Any, tags: list[str], *, new: bool = False) -> None:
    # Deferred (db/pipeline.py): the tag rows ride with the write's next round trip.
    if not new:
        tx.defer(sql_delete(_TAGS).where(_TAGS.c.task_id == task.id))
    if tags:
        tx.defer(
            insert(_TAGS),
            [{"task_id": task.id, "tag": t, "account_id": task.account_id} for t in tags],
        )
    task.tags = list(tags)


def new_row(
    actor: Actor, project_id: uuid.UUID, body: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The ``tasks`` row of a create, by mapped attribute name."""
    status = body.get("status", "pending")
    return {
        "id": uuid.uuid4(),
        "account_id": actor.account_id,
        "project_id": project_id,
        "external_id": body.get("external_id"),
        "title": body["title"],
        "description": body.get("description"),
        "status": status,
        "priority": serialize.PRIORITY_RANK[body.get("priority", "medium")],
        "tags": list(body.get("tags", [])),
        "due_at": parse_time(body.get("due_at")),
        "meta": dict(body.get("metadata") or {}),
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "completed_at": now if status == "done" else None,
    }


def as_task(row: dict[str, Any]) -> Task:
    # serialize.task only reads attributes: a plain namespace spares building an ORM object.
    return cast(Task, SimpleNamespace(**row, subtasks=[]))


def create_in(tx: Transaction, actor: Actor, body: dict[str, Any]) -> Task:
    row = new_row(actor, _project_id(tx, actor, body.get("project_id")), body, utcnow())
    external_ids.claim_task_key(tx, row["project_id"], row["external_id"], row["id"])
    # The id is made here and nothing is read back: the INSERTs wait for the commit's round
    # trip (a project deleted meanwhile fails the commit on its foreign key, as it would have
    # failed the INSERT).
    tx.defer(insert(Task), [row])
    task = as_task(row)
    _set_tags(tx, task, row["tags"], new=True)
    tx.emit("task.created", actor.account_id, task.project_id, {"object": serialize.task(task)})
    return task


def create(db: Database, actor: Actor, body: dict[str, Any]) -> Task:
    actor.require_writer()
    with write(db) as tx:
        return create_in(tx, actor, body)


_TASKS = cast(Table, Task.__table__)
_SUBTASKS = SubTask.__table__
_SUBTASK_NAMES = [c.name for c in _SUBTASKS.c]
# GET /tasks/{id} without the ORM: the task and its subtasks in one Core query, serialised
# straight from the rows. The ORM's identity map and loaders cost about a tenth of the
# request's CPU here (benchmarks/profile_server.py), for objects that are only read once.
_READ = (
    select(
        *(c.label("meta") if c.name == "metadata" else c for c in _TASKS.c),
        *(c.label(f"subtask_{c.name}") for c in _SUBTASKS.c),
    )
    .outerjoin(_SUBTASKS, _SUBTASKS.c.task_id == _TASKS.c.id)
    .where(_TASKS.c.id == bindparam("task_id"), _TASKS.c.account_id == bindparam("account_id"))
    .order_by(_SUBTASKS.c.position)
)


def _check_project(task_id: uuid.UUID, actual: uuid.UUID, project_id: str | None) -> None:
    if project_id is not None and actual != uuid.UUID(project_id):
        # The task exists in this account: saying "not in this account" would mislead.
        raise Problem("not-found", f"No task {task_id} in project {project_id}.")


def read(
    db: Database, actor: Actor, task_id: uuid.UUID, project_id: str | None = None
) -> dict[str, Any]:
    """The task as the API shows it (``GET /tasks/{id}``)."""
    with db.read_connection() as connection:
        rows = connection.execute(_READ, {"task_id": task_id, "account_id": actor.account_id}).all()
    if not rows:
        raise not_found(task_id)
    first = rows[0]
    _check_project(task_id, first.project_id, project_id)
    subtasks = [
        SimpleNamespace(**{name: row._mapping[f"subtask_{name}"] for name in _SUBTASK_NAMES})
        for row in rows
        if row.subtask_id is not None
    ]
    task = SimpleNamespace(**first._mapping, subtasks=subtasks)
    return serialize.task(cast(serialize.TaskFields, task))


def get(db: Database, actor: Actor, task_id: uuid.UUID, project_id: str | None = None) -> Task:
    with db.read() as session:
        # One query: the subtasks come joined instead of in a second SELECT.
        task = session.get(Task, task_id, options=[joinedload(Task.subtasks)])
        if task is None or task.account_id != actor.account_id:
            raise not_found(task_id)
        _check_project(task_id, task.project_id, project_id)
        _ = task.subtasks  # loaded before the session closes
        return task


# Built once: building and keying the statement per write cost as much as running it. The
# subtasks come joined (one round trip, not a second SELECT); only the task row is locked.
_LOCKED = (
    select(Task)
    .options(joinedload(Task.subtasks))
    .where(Task.id == bindparam("task_id"))
    .with_for_update(of=Task)
)


def locked_task(tx: Transaction, actor: Actor, task_id: uuid.UUID) -> Task:
    task = tx.session.scalars(_LOCKED, {"task_id": task_id}).unique().one_or_none()
    if task is None or task.account_id != actor.account_id:
        raise not_found(task_id)
    return task


def defer_changes(tx: Transaction, row: Any) -> None:
    """Write the changed columns of a loaded ``row`` (a task, a subtask) with the write's next
    round trip instead of a flush of its own. Only for rows under this transaction's lock (the
    task's, ``locked_task``) whose version was checked: the UPDATE cannot meet a concurrent
    change. The object is left clean."""
    state = inspect(row)
    mapper = state.mapper
    values: dict[Any, Any] = {}
    for attr in mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.added:
            values[attr.columns[0]] = history.added[0]
    if not values:
        return
    table = cast(Table, mapper.local_table)
    key = [column == state.identity[i] for i, column in enumerate(mapper.primary_key)]
    tx.defer(sql_update(table).where(*key).values(values))
    for column, value in values.items():
        set_committed_value(row, mapper.get_property_by_column(column).key, value)


def touch(task: Task) -> None:
    """Record a change: a new version (so the ETag changes) and ``updated_at``."""
    task.version += 1
    task.updated_at = utcnow()


def _merged_metadata(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    if len(merged) > METADATA_MAX_KEYS:
        detail = f"Metadata would have {len(merged)} keys; at most {METADATA_MAX_KEYS} allowed."
        raise Problem(
            "validation-error",
            detail,
            errors=[field_error("/metadata", detail, "max_properties")],
        )
    return merged


def _patched_values(
    tx: Transaction, actor: Actor, task: Task, patch: dict[str, Any]
) -> dict[str, Any]:
    """The new value of every field the patch names, in model terms."""
    values: dict[str, Any] = {}
    for field in ("title", "description", "status", "tags", "external_id"):
        if field in patch:
            values[field] = patch[field]
    if "project_id" in patch:
        values["project_id"] = _project_id(tx, actor, patch["project_id"])
    if "priority" in patch:
        values["priority"] = serialize.PRIORITY_RANK[patch["priority"]]
    if "due_at" in patch:
        values["due_at"] = parse_time(patch["due_at"])
    if "metadata" in patch:
        values["meta"] = _merged_metadata(task.meta, patch["metadata"])
    key = (values.get("project_id", task.project_id), values.get("external_id", task.external_id))
    if key != (task.project_id, task.external_id):
        external_ids.claim_task_key(tx, *key, task.id)
    return values


def update_in(
    tx: Transaction, actor: Actor, task_id: uuid.UUID, patch: dict[str, Any], if_match: str | None
) -> Task:
    return apply_update(tx, actor, locked_task(tx, actor, task_id), patch, if_match)


def apply_update(
    tx: Transaction,
    actor: Actor,
    task: Task,
    patch: dict[str, Any],
    if_match: str | None,
    *,
    flush: bool = True,
) -> Task:
    """Patch a task already locked by this transaction. A batch passes ``flush=False`` and
    writes all its items at once (every check here runs before the task is changed)."""
    check_if_match(if_match, serialize.etag(task.id, task.version))
    changes: dict[str, dict[str, Any]] = {}
    before = serialize.task(task)
    was_done = task.status == "done"
    for field, value in _patched_values(tx, actor, task, patch).items():
        if getattr(task, field) == value:
            continue
        if field == "tags":
            _set_tags(tx, task, value)
        else:
            setattr(task, field, value)
        name = "metadata" if field == "meta" else field
        changes[name] = {"old": before[name], "new": None}
    if not changes:
        return task
    if task.status == "done" and not was_done:
        task.completed_at = utcnow()
    elif task.status != "done":
        task.completed_at = None
    touch(task)
    if flush:
        defer_changes(tx, task)
    after = serialize.task(task)
    for name, change in changes.items():
        change["new"] = after[name]
    tx.emit(
        "task.updated", actor.account_id, task.project_id, {"object": after, "changes": changes}
    )
    if task.status == "done" and not was_done:
        tx.emit("task.completed", actor.account_id, task.project_id, {"object": after})
    return task


def update(
    db: Database, actor: Actor, task_id: uuid.UUID, patch: dict[str, Any], if_match: str | None
) -> Task:
    actor.require_writer()
    with write(db) as tx:
        return update_in(tx, actor, task_id, patch, if_match)


def delete_in(tx: Transaction, actor: Actor, task_id: uuid.UUID, if_match: str | None) -> None:
    task = locked_task(tx, actor, task_id)
    check_if_match(if_match, serialize.etag(task.id, task.version))
    # Subtasks and tag rows go with it (ON DELETE CASCADE); the loaded objects leave the
    # session, and the DELETE waits for the commit's round trip.
    tx.session.expunge(task)
    tx.defer(sql_delete(_TASKS).where(_TASKS.c.id == task.id))
    tx.emit("task.deleted", actor.account_id, task.project_id, {"id": str(task.id)})


def delete(db: Database, actor: Actor, task_id: uuid.UUID, if_match: str | None) -> None:
    actor.require_writer()
    with write(db) as tx:
        delete_in(tx, actor, task_id, if_match)
