"""Bulk methods against the real batch endpoints: chunks, per-item outcomes, atomic chunks."""

from __future__ import annotations

import uuid
from typing import Any

from taskmaster import (
    BulkResult,
    NotFoundError,
    PreconditionFailedError,
    TaskStatus,
    ValidationError,
)
from tests.e2e.conftest import collect


async def test_bulk_create_update_delete(tm: Any) -> None:
    project = await tm.create_project(name="Bulk")
    items = [{"title": f"t{i:03}", "project_id": project.id} for i in range(150)]
    items[120] = {"title": "", "project_id": project.id}  # invalid: per-item 422
    created = await tm.bulk_create_tasks(items)
    assert isinstance(created, BulkResult)
    assert len(created) == 150
    assert [item.index for item in created.failed] == [120]
    assert isinstance(created.failed[0].error, ValidationError)
    assert len(created.tasks) == 149
    assert created.tasks[0].title == "t000"
    stored = await collect(await tm.list_tasks(project_id=project.id, limit=100))
    assert len(stored) == 149

    first = await tm.get_task(created.tasks[0].id)
    stale = first
    await tm.update_task(first.id, title="changed meanwhile")
    updates = [{"id": t.id, "status": "done"} for t in created.tasks[1:]]
    updates.append({"id": stale.id, "status": "done", "if_match": stale})
    updated = await tm.bulk_update_tasks(updates)
    assert len(updated.succeeded) == 148
    assert isinstance(updated.items[-1].error, PreconditionFailedError)
    assert all(t.status == TaskStatus.DONE for t in updated.tasks)

    missing = uuid.uuid4()
    deleted = await tm.bulk_delete_tasks([*created.tasks, missing])
    assert len(deleted.succeeded) == 149
    assert isinstance(deleted.items[-1].error, NotFoundError)
    assert deleted.items[-1].id == missing
    assert await collect(await tm.list_tasks(project_id=project.id)) == []


async def test_atomic_chunk_writes_nothing_when_one_item_fails(tm: Any) -> None:
    project = await tm.create_project(name="Atomic")
    items = [{"title": "fine", "project_id": project.id}, {"title": "", "project_id": project.id}]
    result = await tm.bulk_create_tasks(items, atomic=True)
    assert not result.ok
    assert all(isinstance(item.error, ValidationError) for item in result.items)
    assert await collect(await tm.list_tasks(project_id=project.id)) == []
