"""What users of the anchor SDKs ask for, against the real server, on both clients:
`_request_id`, `to_json()`, `has_next_page()` / `get_next_page()`, `client.get(path, ...)`
and friends, per-call `max_retries`, `copy()`."""

from __future__ import annotations

import datetime
import inspect
import json
import uuid
from typing import Any

import httpx
import pytest

from taskmaster import (
    InvalidRequestError,
    NotFoundError,
    PaginationError,
    Project,
    Task,
    ValidationError,
)


async def _maybe(value: Any) -> Any:
    """A sync client's result as it is, an async client's awaited."""
    return await value if inspect.isawaitable(value) else value


async def test_returned_objects_carry_the_servers_request_id(tm: Any) -> None:
    task = await tm.create_task(title="traced", extra_headers={"X-Request-ID": "trace-create-1"})
    assert task._request_id == "trace-create-1"  # the server echoes the id the call was sent with
    fetched = await tm.get_task(task.id)
    assert fetched._request_id
    assert fetched._request_id != task._request_id
    raw = await _maybe(tm.with_raw_response.get_task(task.id))
    assert raw.parse()._request_id == raw.request_id == raw.headers["X-Request-ID"]

    await tm.create_subtask(task.id, title="step")
    subtasks = await tm.list_subtasks(task.id)
    assert subtasks[0]._request_id  # a plain list: each of its models carries it

    await tm.create_task(title="second")
    pager = await tm.list_tasks(limit=1)
    assert pager._request_id
    assert pager.first_page._request_id == pager._request_id
    assert Task(  # a model built by hand has none
        id=uuid.uuid4(), account_id=uuid.uuid4(), project_id=uuid.uuid4(), title="x",
        description=None, status=task.status, priority=task.priority, tags=[], due_at=None,
        metadata=task.metadata, created_at=task.created_at, updated_at=task.updated_at,
        completed_at=None, version=1, subtasks=[], external_id=None,
    )._request_id is None  # fmt: skip


async def test_to_json_uses_the_api_field_names_and_iso_timestamps(tm: Any) -> None:
    due = datetime.datetime(2026, 11, 30, 17, 0, tzinfo=datetime.UTC)
    task = await tm.create_task(
        title="Announce the launch ✓", due_at=due, tags=["launch"], metadata={"row": 12}
    )
    text = task.to_json()
    assert text.startswith("{\n  ")  # indent=2 by default
    data = json.loads(text)
    assert data == task.to_dict()
    assert data["title"] == "Announce the launch ✓"  # not \u-escaped
    assert datetime.datetime.fromisoformat(data["due_at"]) == due
    assert data["metadata"] == {"row": 12}
    assert Task.from_dict(data) == task
    compact = task.to_json(indent=None)
    assert "\n" not in compact
    assert ": " not in compact
    assert json.loads(compact) == data
    project = await tm.get_project(task.project_id)
    assert json.loads(project.to_json())["id"] == str(project.id)


async def test_pages_can_be_walked_by_hand(tm: Any) -> None:
    for n in range(3):
        await tm.create_task(title=f"page {n}")
    first = await tm.list_tasks(limit=2, sort="created_at")
    assert first.has_next_page()
    second = await _maybe(first.get_next_page())
    assert [t.title for t in second.data] == ["page 2"]
    assert not second.has_next_page()
    assert second._request_id != first._request_id
    with pytest.raises(PaginationError, match="last page"):
        await _maybe(second.get_next_page())
    assert first.first_page.has_next_page()  # the same question on the `Page` itself


async def test_paths_without_a_method_keep_auth_retries_and_error_mapping(tm: Any) -> None:
    task = await tm.get(f"/tasks/{(await tm.create_task(title='custom')).id}", cast_to=Task)
    assert isinstance(task, Task)
    assert task.title == "custom"
    assert task._request_id
    as_dict = await tm.get(f"/tasks/{task.id}", cast_to=dict)
    assert as_dict["id"] == str(task.id)
    response = await tm.get("/tasks", cast_to=httpx.Response, params={"limit": 1})
    assert response.status_code == 200
    assert response.request.headers["Authorization"].startswith("Bearer ")
    assert len(response.json()["data"]) == 1

    created = await tm.post(
        "/tasks", body={"title": "posted"}, cast_to=Task, idempotency_key=f"k-{uuid.uuid4()}"
    )
    replay_key = f"k-{uuid.uuid4()}"
    one = await tm.post("/tasks", body={"title": "once"}, cast_to=dict, idempotency_key=replay_key)
    two = await tm.post("/tasks", body={"title": "once"}, cast_to=dict, idempotency_key=replay_key)
    assert one["id"] == two["id"]  # the server replayed the keyed write
    assert created.title == "posted"

    patched = await tm.patch(
        f"/tasks/{created.id}", body={"title": "patched"}, cast_to=Task,
        extra_headers={"Content-Type": "application/merge-patch+json"},
    )  # fmt: skip
    assert patched.title == "patched"
    assert await tm.delete(f"/tasks/{created.id}", cast_to=None) is None
    with pytest.raises(NotFoundError):
        await tm.get(f"/tasks/{created.id}", cast_to=Task, max_retries=0)
    with pytest.raises(ValidationError):
        await tm.post("/tasks", body={"title": ""}, cast_to=Task)
    projects = await tm.get("/projects", cast_to=dict)
    assert Project.from_dict(projects["data"][0]).id


async def test_custom_paths_stay_on_the_api_host(tm: Any) -> None:
    for path in ("https://example.com/steal", "//example.com/steal", "tasks"):
        with pytest.raises(InvalidRequestError, match="relative"):
            await tm.get(path, cast_to=dict)
    with pytest.raises(InvalidRequestError, match="cast_to"):
        await tm.get("/tasks", cast_to=str)


async def test_per_call_max_retries_and_copy_on_the_real_server(tm: Any) -> None:
    task = await tm.create_task(title="options", max_retries=0)
    client = tm.client if hasattr(tm, "client") else tm
    copy = client.copy(max_retries=0, retry_budget=1.0)
    again = await _maybe(copy.get_task(task.id, max_retries=1))
    assert again.id == task.id
    assert copy.retry_budget == 1.0
    assert client.retry_budget == 30.0
