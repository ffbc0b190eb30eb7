"""Upsert by external id: create the task of ``(project, external_id)``, or merge into it.

The key is locked first (services/external_ids.py: an advisory lock on PostgreSQL, the write
lock itself on SQLite), then looked up: concurrent upserts of one key run one after another, so
exactly one creates the task. An existing task is locked and patched with the fields given,
exactly as ``update_task`` would; when every given field already has its value the patch
changes nothing, and then nothing is written: no version, no ``updated_at``, no event.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from sqlalchemy import select

from taskmaster_server.db.models import Task
from taskmaster_server.db.session import Database
from taskmaster_server.problems import Problem
from taskmaster_server.services import external_ids, serialize, tasks
from taskmaster_server.services.actors import Actor
from taskmaster_server.services.batch import BatchAction, ItemResult
from taskmaster_server.services.transaction import Transaction, write

__all__ = ["Action", "upsert", "upsert_action", "upsert_in", "with_actions"]

Action = Literal["created", "updated", "unchanged"]

# The key, never a field an upsert changes.
_KEY_FIELDS = ("project_id", "external_id")


def _key(tx: Transaction, actor: Actor, body: dict[str, Any]) -> tuple[uuid.UUID, str]:
    return tasks._project_id(tx, actor, body.get("project_id")), body["external_id"]


def upsert_in(tx: Transaction, actor: Actor, body: dict[str, Any]) -> tuple[Action, Task]:
    project_id, external_id = _key(tx, actor, body)
    external_ids.lock_keys(tx, [(project_id, external_id)])
    task = tx.session.scalar(
        select(Task)
        .where(Task.project_id == project_id, Task.external_id == external_id)
        .with_for_update()
    )
    if task is None:
        return "created", tasks.create_in(tx, actor, {**body, "project_id": str(project_id)})
    patch = {k: v for k, v in body.items() if k not in _KEY_FIELDS}
    version = task.version
    tasks.apply_update(tx, actor, task, patch, None)
    return ("unchanged" if task.version == version else "updated"), task


def upsert(db: Database, actor: Actor, body: dict[str, Any]) -> tuple[Action, Task]:
    actor.require_writer()
    with write(db) as tx:
        return upsert_in(tx, actor, body)


def upsert_action(actor: Actor, actions: dict[int, Action]) -> BatchAction:
    """The batch form for ``batch.run_batch``; what each item did lands in ``actions``."""

    def action(tx: Transaction, items: list[tuple[int, Any]]) -> dict[int, ItemResult]:
        out: dict[int, ItemResult] = {}
        keys = []
        for index, body in items:
            try:
                keys.append(_key(tx, actor, body))
            except Problem as problem:
                out[index] = problem
        # All of the batch's keys up front, in one order: batches sharing keys cannot deadlock.
        external_ids.lock_keys(tx, keys)
        for index, body in items:
            if index in out:
                continue
            try:
                done, task = upsert_in(tx, actor, body)
            except Problem as problem:
                out[index] = problem
                continue
            actions[index] = done
            out[index] = (201 if done == "created" else 200, str(task.id), serialize.task(task))
        return out

    return action


def with_actions(results: list[dict[str, Any]], actions: dict[int, Action]) -> None:
    """Add each succeeded item's ``action`` to the batch's results."""
    for result in results:
        if result["outcome"] == "succeeded":
            result["action"] = actions[result["index"]]
