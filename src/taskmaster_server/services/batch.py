"""Batches of up to 100 task creates, updates or deletes, with per-item results.

Each item is validated in Python with the same schema as the single call; the valid ones are then
written together in one transaction: a create batch is one project lookup and one multi-row
INSERT (tags too), an update or delete batch locks all its tasks with one ``SELECT ... FOR
UPDATE``. An item that fails a check (schema, missing project or task, ``If-Match``) is reported
alone and writes nothing, since every check runs before that item changes anything; the others
are written. With ``atomic`` any failure rolls the whole batch back and the batch answers ``422``
listing the failed items. Every written item emits its event, exactly as the single call does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import joinedload

from taskmaster_server.db.models import Project, Task, TaskTag
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.problems import Problem, field_error
from taskmaster_server.services import external_ids, serialize, tasks
from taskmaster_server.services.actors import Actor
from taskmaster_server.services.transaction import Transaction, write
from taskmaster_server.validation import SchemaChecker

__all__ = ["BatchOutcome", "create_action", "delete_action", "run_batch", "update_action"]

# What one item became: (status, task id, task JSON or None), or the problem it failed with.
ItemResult = tuple[int, str, dict[str, Any] | None] | Problem
# (transaction, [(index, valid item)]) -> {index: result}; runs inside the batch's transaction.
BatchAction = Callable[[Transaction, list[tuple[int, Any]]], dict[int, ItemResult]]


class BatchOutcome:
    def __init__(self) -> None:
        self.results: list[dict[str, Any]] = []
        self.failed = 0

    def success(self, index: int, status: int, task_id: str, task: dict[str, Any] | None) -> None:
        result: dict[str, Any] = {
            "outcome": "succeeded",
            "index": index,
            "status": status,
            "id": task_id,
        }
        if task is not None:
            result["task"] = task
        self.results.append(result)

    def failure(self, index: int, problem: Problem, task_id: str | None, instance: str) -> None:
        self.failed += 1
        result: dict[str, Any] = {
            "outcome": "failed",
            "index": index,
            "status": problem.status,
            "error": problem.body(instance=instance, request_id=""),
        }
        result["error"].pop("request_id")
        if task_id is not None:
            result["id"] = task_id
        self.results.append(result)

    def as_json(self) -> dict[str, Any]:
        return {
            "results": self.results,
            "succeeded": len(self.results) - self.failed,
            "failed": self.failed,
        }


def _item_id(item: Any) -> str | None:
    raw = item.get("id") if isinstance(item, dict) else item
    try:
        return str(uuid.UUID(str(raw))) if raw is not None else None
    except ValueError:
        return None


def run_batch(
    db: Database,
    actor: Actor,
    items: Sequence[Any],
    checker: SchemaChecker,
    action: BatchAction,
    *,
    atomic: bool,
    instance: str,
) -> BatchOutcome:
    actor.require_writer()
    results: dict[int, ItemResult] = {}
    valid: list[tuple[int, Any]] = []
    for index, item in enumerate(items):
        errors = checker.errors(item, prefix=f"/{index}")
        if errors:
            detail = f"Item {index} has {len(errors)} invalid field(s)."
            results[index] = Problem("validation-error", detail, errors=errors)
        else:
            valid.append((index, item))
    outcome = BatchOutcome()
    with write(db) as tx:
        if valid and not (atomic and results):
            results.update(action(tx, valid))
        for index, item in enumerate(items):
            result = results.get(index)
            if isinstance(result, Problem):
                outcome.failure(index, result, _item_id(item), instance)
            elif result is not None:
                outcome.success(index, *result)
        if atomic and outcome.failed:
            # Rolls back every write and event of the batch.
            raise _atomic_failure(outcome, len(items))
    return outcome


def _atomic_failure(outcome: BatchOutcome, total: int) -> Problem:
    errors = []
    for result in outcome.results:
        if result["outcome"] != "failed":
            continue
        item_errors = result["error"].get("errors")
        if item_errors:
            errors.extend(item_errors)
        else:
            slug = result["error"]["type"].rsplit("/", 1)[-1]
            errors.append(field_error(f"/{result['index']}", result["error"]["detail"], slug))
    return Problem(
        "validation-error",
        f"{outcome.failed} of {total} items failed; nothing was written.",
        errors=errors,
    )


def _project_resolver(
    tx: Transaction, actor: Actor, items: list[tuple[int, Any]]
) -> Callable[[str | None], uuid.UUID]:
    """Resolves each item's `project_id` (None: the default project) from one query."""
    named = {uuid.UUID(raw) for _, item in items if (raw := item.get("project_id")) is not None}
    known: set[uuid.UUID] = set()
    if named:
        known = set(
            tx.session.scalars(
                select(Project.id).where(
                    Project.account_id == actor.account_id, Project.id.in_(named)
                )
            )
        )
    default: list[uuid.UUID] = []

    def resolve(raw: str | None) -> uuid.UUID:
        if raw is None:
            if not default:
                default.append(_default_project(tx, actor))
            return default[0]
        project_id = uuid.UUID(raw)
        if project_id not in known:
            raise Problem("not-found", f"No project {project_id} in this account.")
        return project_id

    return resolve


def _default_project(tx: Transaction, actor: Actor) -> uuid.UUID:
    found = tasks.default_project(tx, actor.account_id)
    if found is None:
        raise Problem("conflict", "This account has no default project; name a project_id.")
    return found


def create_action(actor: Actor) -> BatchAction:
    def action(tx: Transaction, items: list[tuple[int, Any]]) -> dict[int, ItemResult]:
        resolve = _project_resolver(tx, actor, items)
        now = utcnow()
        out: dict[int, ItemResult] = {}
        rows: list[dict[str, Any]] = []
        tag_rows: list[dict[str, Any]] = []
        for index, body in items:
            try:
                project_id = resolve(body.get("project_id"))
            except Problem as problem:
                out[index] = problem
                continue
            # One microsecond apart: a batch lists in request order under the default
            # created_at sort instead of in the random order of its ids.
            row = tasks.new_row(actor, project_id, body, now + timedelta(microseconds=len(rows)))
            try:
                external_ids.claim_task_key(tx, project_id, row["external_id"], row["id"])
            except Problem as problem:
                out[index] = problem
                continue
            rows.append(row)
            tag_rows.extend(
                {"task_id": row["id"], "tag": tag, "account_id": actor.account_id}
                for tag in row["tags"]
            )
            data = serialize.task(tasks.as_task(row))
            tx.emit("task.created", actor.account_id, project_id, {"object": data})
            out[index] = (201, data["id"], data)
        # Nothing to read back: the rows ride with the commit's round trip (db/pipeline.py).
        if rows:
            tx.defer(insert(Task), rows)
        if tag_rows:
            tx.defer(insert(TaskTag), tag_rows)
        return out

    return action


_TASKS = cast(Table, Task.__table__)

# The batch's tasks with their subtasks in one query; only the task rows are locked.
_LOCKED = select(Task).options(joinedload(Task.subtasks)).with_for_update(of=Task)


def _locked(tx: Transaction, actor: Actor, ids: set[uuid.UUID]) -> dict[uuid.UUID, Task]:
    """The batch's tasks of this account, locked (and kept in the session for the items)."""
    found = tx.session.scalars(
        _LOCKED.where(Task.account_id == actor.account_id, Task.id.in_(ids))
    ).unique()
    return {task.id: task for task in found}


def update_action(actor: Actor) -> BatchAction:
    def action(tx: Transaction, items: list[tuple[int, Any]]) -> dict[int, ItemResult]:
        found = _locked(tx, actor, {uuid.UUID(item["id"]) for _, item in items})
        out: dict[int, ItemResult] = {}
        for index, item in items:
            task = found.get(uuid.UUID(item["id"]))
            patch = {k: v for k, v in item.items() if k not in ("id", "if_match")}
            try:
                if task is None:
                    raise tasks.not_found(item["id"])
                tasks.apply_update(tx, actor, task, patch, item.get("if_match"), flush=False)
            except Problem as problem:
                out[index] = problem
                continue
            tasks.defer_changes(tx, task)
            out[index] = (200, str(task.id), serialize.task(task))
        return out

    return action


def delete_action(actor: Actor) -> BatchAction:
    def action(tx: Transaction, items: list[tuple[int, Any]]) -> dict[int, ItemResult]:
        rows = tx.session.execute(
            select(Task.id, Task.project_id)
            .where(
                Task.account_id == actor.account_id,
                Task.id.in_({uuid.UUID(item) for _, item in items}),
            )
            .with_for_update()
        )
        found: dict[uuid.UUID, uuid.UUID] = {task_id: project_id for task_id, project_id in rows}
        out: dict[int, ItemResult] = {}
        gone: list[uuid.UUID] = []
        for index, item in items:
            task_id = uuid.UUID(item)
            if task_id not in found:  # popped below: the same id twice is a 404 the 2nd time
                out[index] = tasks.not_found(task_id)
                continue
            project_id = found.pop(task_id)
            gone.append(task_id)
            tx.emit("task.deleted", actor.account_id, project_id, {"id": str(task_id)})
            out[index] = (204, str(task_id), None)
        if gone:
            # Subtasks and tag rows go with them (ON DELETE CASCADE).
            tx.defer(delete(_TASKS).where(_TASKS.c.id.in_(gone)))
        return out

    return action
