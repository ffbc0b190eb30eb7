"""Batches of up to 100 task creates, updates or deletes, with per-item results.

Each item is validated with the same schema as the single call and runs in its own SAVEPOINT,
so a failing item leaves the others written. With ``atomic`` the first failure rolls the whole
batch back and the batch answers ``422`` listing the failed items.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from taskmaster_server.db.session import Database
from taskmaster_server.problems import Problem, field_error
from taskmaster_server.services import serialize, tasks
from taskmaster_server.services.actors import Actor
from taskmaster_server.services.transaction import Transaction, write
from taskmaster_server.validation import SchemaChecker

__all__ = ["BatchOutcome", "run_batch"]

# (transaction, item) -> (status, task id, task JSON or None)
ItemAction = Callable[[Transaction, Any], tuple[int, str, dict[str, Any] | None]]


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
    action: ItemAction,
    *,
    atomic: bool,
    instance: str,
) -> BatchOutcome:
    actor.require_writer()
    outcome = BatchOutcome()
    with write(db) as tx:
        for index, item in enumerate(items):
            errors = checker.errors(item, prefix=f"/{index}")
            mark = len(tx.events)
            try:
                if errors:
                    raise Problem(
                        "validation-error",
                        f"Item {index} has {len(errors)} invalid field(s).",
                        errors=errors,
                    )
                with tx.session.begin_nested():
                    status, task_id, task = action(tx, item)
                outcome.success(index, status, task_id, task)
            except Problem as problem:
                del tx.events[mark:]  # the item's savepoint was rolled back; so are its events
                outcome.failure(index, problem, _item_id(item), instance)
        if atomic and outcome.failed:
            raise _atomic_failure(outcome)
    return outcome


def _atomic_failure(outcome: BatchOutcome) -> Problem:
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
        f"{outcome.failed} of {len(outcome.results)} items failed; nothing was written.",
        errors=errors,
    )


def create_action(actor: Actor) -> ItemAction:
    def action(tx: Transaction, item: Any) -> tuple[int, str, dict[str, Any] | None]:
        task = tasks.create_in(tx, actor, item)
        return 201, str(task.id), serialize.task(task)

    return action


def update_action(actor: Actor) -> ItemAction:
    def action(tx: Transaction, item: Any) -> tuple[int, str, dict[str, Any] | None]:
        patch = {k: v for k, v in item.items() if k not in ("id", "if_match")}
        task = tasks.update_in(tx, actor, uuid.UUID(item["id"]), patch, item.get("if_match"))
        return 200, str(task.id), serialize.task(task)

    return action


def delete_action(actor: Actor) -> ItemAction:
    def action(tx: Transaction, item: Any) -> tuple[int, str, dict[str, Any] | None]:
        tasks.delete_in(tx, actor, uuid.UUID(item), None)
        return 204, str(uuid.UUID(item)), None

    return action
