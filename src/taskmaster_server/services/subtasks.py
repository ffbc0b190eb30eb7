"""Subtasks: an ordered checklist under a task, positions kept dense from 0.

Every change to a subtask is a change to its task's representation, so it bumps the task's
version (and ETag) too.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from sqlalchemy import Table, insert, inspect
from sqlalchemy import delete as sql_delete

from taskmaster_server.db.models import SubTask, Task
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.problems import Problem
from taskmaster_server.services import serialize
from taskmaster_server.services.actors import Actor
from taskmaster_server.services.tasks import defer_changes, locked_task, touch
from taskmaster_server.services.tasks import get as get_task
from taskmaster_server.services.transaction import Transaction, write

__all__ = ["create", "delete", "list_for_task", "update"]

_SUBTASKS = cast(Table, SubTask.__table__)
_SUBTASK_FIELDS = ("id", "task_id", "title", "status", "position", "created_at", "updated_at")


def list_for_task(db: Database, actor: Actor, task_id: uuid.UUID) -> list[dict[str, Any]]:
    task = get_task(db, actor, task_id)
    return [serialize.subtask(s) for s in task.subtasks]


def _ordered(task: Task) -> list[SubTask]:
    # Loaded with the locked task (locked_task): no query of its own.
    return sorted(task.subtasks, key=lambda item: (item.position, item.created_at))


def _renumber(tx: Transaction, items: list[SubTask]) -> None:
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            if inspect(item).persistent:
                defer_changes(tx, item)


def _changed(tx: Transaction, actor: Actor, task: Task, kind: str, data: dict[str, Any]) -> None:
    # Every row changed here is under the task's lock: the UPDATEs, like the subtask's own
    # INSERT or DELETE, ride with the commit's round trip (db/pipeline.py).
    touch(task)
    defer_changes(tx, task)
    tx.emit(kind, actor.account_id, task.project_id, data)


def create(db: Database, actor: Actor, task_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    actor.require_writer()
    with write(db) as tx:
        task = locked_task(tx, actor, task_id)
        items = _ordered(task)
        position = min(body.get("position", len(items)), len(items))
        now = utcnow()
        subtask = SubTask(
            id=uuid.uuid4(),
            task_id=task.id,
            title=body["title"],
            status=body.get("status", "pending"),
            position=position,
            created_at=now,
            updated_at=now,
        )
        items.insert(position, subtask)
        _renumber(tx, items)
        data = serialize.subtask(subtask)
        tx.defer(
            insert(SubTask),
            [{name: getattr(subtask, name) for name in _SUBTASK_FIELDS}],
        )
        _changed(tx, actor, task, "subtask.created", {"object": data})
        return data


def _locked_subtask(
    tx: Transaction, task: Task, subtask_id: uuid.UUID
) -> tuple[list[SubTask], SubTask]:
    items = _ordered(task)
    for item in items:
        if item.id == subtask_id:
            return items, item
    raise Problem("not-found", f"No subtask {subtask_id} under task {task.id}.")


def update(
    db: Database, actor: Actor, task_id: uuid.UUID, subtask_id: uuid.UUID, patch: dict[str, Any]
) -> dict[str, Any]:
    actor.require_writer()
    with write(db) as tx:
        task = locked_task(tx, actor, task_id)
        items, subtask = _locked_subtask(tx, task, subtask_id)
        before = serialize.subtask(subtask)
        for field in ("title", "status"):
            if field in patch:
                setattr(subtask, field, patch[field])
        if "position" in patch:
            items.remove(subtask)
            items.insert(min(patch["position"], len(items)), subtask)
            _renumber(tx, items)
        after = serialize.subtask(subtask)
        changes = {k: {"old": before[k], "new": after[k]} for k in after if before[k] != after[k]}
        if changes:
            subtask.updated_at = utcnow()
            defer_changes(tx, subtask)
            after = serialize.subtask(subtask)
            _changed(tx, actor, task, "subtask.updated", {"object": after, "changes": changes})
        return after


def delete(db: Database, actor: Actor, task_id: uuid.UUID, subtask_id: uuid.UUID) -> None:
    actor.require_writer()
    with write(db) as tx:
        task = locked_task(tx, actor, task_id)
        items, subtask = _locked_subtask(tx, task, subtask_id)
        items.remove(subtask)
        tx.session.expunge(subtask)
        tx.defer(sql_delete(_SUBTASKS).where(_SUBTASKS.c.id == subtask_id))
        _renumber(tx, items)
        _changed(tx, actor, task, "subtask.deleted", {"id": str(subtask_id)})
