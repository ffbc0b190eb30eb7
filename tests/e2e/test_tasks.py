"""Tasks end to end: create, read, list with filters and pages, update with If-Match, delete."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest

from taskmaster import (
    InvalidRequestError,
    NotFoundError,
    PreconditionFailedError,
    Priority,
    SubTask,
    Task,
    TaskStatus,
    ValidationError,
)
from tests.e2e.conftest import collect, pages

UTC = datetime.UTC


def _aware(*values: datetime.datetime | None) -> bool:
    return all(v is None or v.utcoffset() is not None for v in values)


async def test_task_lifecycle(tm: Any) -> None:
    project = await tm.create_project(name="Launch")
    due = datetime.datetime(2030, 11, 30, 17, 0, tzinfo=UTC)
    task = await tm.create_task(
        {"title": "Announce", "project_id": project.id, "tags": ["launch"], "due_at": due},
        priority=Priority.HIGH,
        metadata={"source": "e2e", "row": 1},
    )
    assert isinstance(task, Task)
    assert (task.title, task.priority, task.status) == (
        "Announce",
        Priority.HIGH,
        TaskStatus.PENDING,
    )
    assert task.project_id == project.id
    assert task.due_at == due
    assert task.metadata.additional_properties == {"source": "e2e", "row": 1}
    assert _aware(task.created_at, task.updated_at, task.due_at, task.completed_at)

    fetched = await tm.get_task(task.id, project_id=project.id)
    assert fetched.id == task.id
    assert fetched.version == task.version
    other = await tm.create_project(name="Elsewhere")
    with pytest.raises(NotFoundError):
        await tm.get_task(task.id, project_id=other.id)

    done = await tm.update_task(task.id, {"status": "done"}, if_match=fetched)
    assert done.status == TaskStatus.DONE
    assert done.completed_at is not None
    assert _aware(done.completed_at)
    assert done.version == fetched.version + 1
    with pytest.raises(PreconditionFailedError) as stale:
        await tm.update_task(task.id, title="Lost update", if_match=fetched)
    assert stale.value.status_code == 412
    assert (await tm.get_task(task.id)).title == "Announce"  # nothing was written

    cleared = await tm.update_task(task, description=None, due_at=None, metadata={"row": None})
    assert cleared.due_at is None
    assert cleared.metadata.additional_properties == {"source": "e2e"}
    same = await tm.get_task(task.id, if_none_match=cleared)
    assert same is cleared  # 304: nothing changed since

    await tm.delete_task(task.id, if_match=cleared)
    with pytest.raises(NotFoundError) as gone:
        await tm.get_task(task.id)
    assert gone.value.request_id
    assert gone.value.request_id in str(gone.value)


async def test_list_filters_sorting_and_pagination(tm: Any) -> None:
    project = await tm.create_project(name="Filters")
    soon = datetime.datetime.now(UTC) + datetime.timedelta(days=1)
    later = soon + datetime.timedelta(days=30)
    specs = [
        {"title": "alpha report", "priority": "low", "tags": ["x"], "due_at": soon},
        {"title": "bravo report", "priority": "high", "tags": ["x", "y"], "due_at": later},
        {"title": "charlie", "priority": "urgent", "status": "in_progress"},
        {"title": "delta", "priority": "medium", "status": "done"},
        {"title": "echo report", "priority": "high", "tags": ["y"]},
    ]
    created = await tm.bulk_create_tasks([{**s, "project_id": project.id} for s in specs])
    assert created.ok

    pager = await tm.list_tasks({"project_id": project.id}, limit=2, sort="title")
    assert [t.title for t in pager.data] == ["alpha report", "bravo report"]
    assert pager.has_more is True
    assert pager.next_cursor
    everything = await collect(pager)
    assert [t.title for t in everything] == [s["title"] for s in specs]
    assert [
        len(p.data) for p in await pages(await tm.list_tasks(project_id=project.id, limit=2))
    ] == [2, 2, 1]

    async def titles(**filters: Any) -> list[str]:
        found = await collect(await tm.list_tasks(project_id=project.id, sort="title", **filters))
        return [t.title for t in found]

    assert await titles(status="pending") == ["alpha report", "bravo report", "echo report"]
    assert await titles(status=[TaskStatus.DONE, "in_progress"]) == ["charlie", "delta"]
    assert await titles(priority=["high", "urgent"]) == ["bravo report", "charlie", "echo report"]
    assert await titles(tag="y") == ["bravo report", "echo report"]
    assert await titles(search="report", priority="high") == ["bravo report", "echo report"]
    assert await titles(due_before=soon + datetime.timedelta(hours=1)) == ["alpha report"]
    assert await titles(due_after=soon + datetime.timedelta(hours=1)) == ["bravo report"]
    by_priority = await collect(await tm.list_tasks(project_id=project.id, sort="-priority"))
    assert (by_priority[0].title, by_priority[-1].title) == ("charlie", "alpha report")

    offset_page = await tm.list_tasks(project_id=project.id, offset=0, limit=3, sort="title")
    assert offset_page.total == 5
    assert len(await collect(offset_page)) == 5


async def test_server_side_validation_arrives_as_field_errors(tm: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        await tm.create_task(title="")
    assert caught.value.status_code == 422
    assert any(e.pointer == "/title" for e in caught.value.errors)
    with pytest.raises(ValidationError) as caught:
        await tm.list_tasks(limit=1000)
    assert any("limit" in e.pointer for e in caught.value.errors)
    with pytest.raises(ValidationError):
        await tm.update_task(uuid.uuid4(), {})  # a merge patch needs at least one field


async def test_client_side_mistakes_send_nothing(tm: Any) -> None:
    with pytest.raises(InvalidRequestError, match="naive"):
        await tm.create_task(title="x", due_at=datetime.datetime(2030, 1, 1))
    assert await collect(await tm.list_tasks()) == []


async def test_subtasks(tm: Any) -> None:
    task = await tm.create_task(title="With steps")
    first = await tm.create_subtask(task.id, title="one")
    second = await tm.create_subtask(task, {"title": "two", "status": "done"})
    zeroth = await tm.create_subtask(task.id, title="zero", position=0)
    assert isinstance(first, SubTask)
    assert [s.title for s in await tm.list_subtasks(task.id)] == ["zero", "one", "two"]
    moved = await tm.update_subtask(task.id, zeroth.id, position=2, status="in_progress")
    assert (moved.position, moved.status) == (2, TaskStatus.IN_PROGRESS)
    assert [s.position for s in await tm.list_subtasks(task.id)] == [0, 1, 2]
    await tm.delete_subtask(task.id, second.id)
    with_steps = await tm.get_task(task.id)
    assert [s.title for s in with_steps.subtasks] == ["one", "zero"]
    with pytest.raises(NotFoundError):
        await tm.delete_subtask(task.id, second.id)
