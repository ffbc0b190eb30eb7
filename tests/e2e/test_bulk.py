"""Bulk methods against the real batch endpoints: chunks, per-item outcomes, atomic chunks."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from taskmaster import (
    BulkResult,
    InvalidRequestError,
    NotFoundError,
    PreconditionFailedError,
    TaskMasterClient,
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


def race(http: httpx.Client, headers: dict[str, str], body: list[Any]) -> list[httpx.Response]:
    """The same batch sent twice with one new key, released at the same moment."""
    keyed = {**headers, "Idempotency-Key": f"race-{uuid.uuid4()}"}
    barrier = threading.Barrier(2)

    def send(_: int) -> httpx.Response:
        barrier.wait()
        return http.post("/tasks/batch", json=body, headers=keyed)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(send, range(2)))
    return [*answers, http.post("/tasks/batch", json=body, headers=keyed)]


def test_one_key_sent_twice_at_once_writes_once(live_server: Any, make_user: Any) -> None:
    """Two requests with one Idempotency-Key at the same moment: one write; the other request
    gets 409 while the first runs, or the first one's answer replayed."""
    user = make_user()
    with TaskMasterClient(live_server.api_url) as login:
        token = login.authenticate(email=user.email, password=user.password).access_token
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=live_server.api_url, trust_env=False, timeout=30) as http:
        project_id = http.post("/projects", json={"name": "race"}, headers=headers).json()["id"]
        for round_ in range(5):
            body = [{"title": f"r{round_}-{i}", "project_id": project_id} for i in range(100)]
            *racers, late = race(http, headers, body)
            fresh = [
                a for a in racers if a.status_code == 200 and "Idempotent-Replayed" not in a.headers
            ]
            assert len(fresh) == 1, [(a.status_code, dict(a.headers)) for a in racers]
            other = next(a for a in racers if a is not fresh[0])
            if other.status_code == 409:
                assert other.json()["type"].endswith("idempotency-in-progress")
                assert other.headers["Retry-After"]
            else:
                assert other.headers["Idempotent-Replayed"] == "true"
                assert other.json() == fresh[0].json()
            assert late.headers["Idempotent-Replayed"] == "true"
            assert late.json() == fresh[0].json()
    with TaskMasterClient(live_server.api_url, token=token) as client:
        titles = [t.title for t in client.list_tasks(project_id=project_id, limit=100)]
    assert sorted(titles) == sorted(f"r{r}-{i}" for r in range(5) for i in range(100))


def _pointers(error: Any) -> list[str]:
    return [field.pointer for field in error.errors]


async def test_errors_name_the_callers_position_not_the_chunks(tm: Any) -> None:
    """Item 150 of 250 is sent as item 49 of the second request (item 120, which the SDK
    refuses, is not sent); its error says 150."""
    project = await tm.create_project(name="Positions")
    items: list[Any] = [{"title": f"p{i}", "project_id": project.id} for i in range(250)]
    items[120] = {"title": "not sent", "colour": "red"}
    items[150] = {"title": "", "project_id": project.id}
    created = await tm.bulk_create_tasks(items)
    refused, failed = created.failed
    assert (refused.index, failed.index) == (120, 150)
    assert isinstance(refused.error, InvalidRequestError)
    assert _pointers(failed.error) == ["/150/title"]
    assert failed.error.detail.startswith("Item 150 ")
    message = str(failed.error)
    assert "Item 150 " in message
    assert "[/150/title: " in message
    assert "Item 49 " not in message
    assert "/49/" not in message

    tasks = created.tasks
    updates: list[Any] = [{"id": t.id, "title": f"u{i}"} for i, t in enumerate(tasks)]
    updates[201] = {"id": tasks[201].id, "title": ""}
    updated = await tm.bulk_update_tasks(updates)
    [failed] = updated.failed
    assert failed.index == 201
    assert _pointers(failed.error) == ["/201/title"]
    assert failed.error.detail.startswith("Item 201 ")
    assert "/1/title" not in str(failed.error)


async def test_atomic_chunk_error_names_the_callers_positions(tm: Any) -> None:
    """An atomic chunk refused as a whole points at the caller's positions of its bad items."""
    project = await tm.create_project(name="Atomic positions")
    items: list[Any] = [{"title": f"a{i}", "project_id": project.id} for i in range(250)]
    items[150] = items[230] = {"title": "", "project_id": project.id}
    result = await tm.bulk_create_tasks(items, atomic=True)
    assert [item.index for item in result.failed] == list(range(100, 250))
    assert _pointers(result.items[100].error) == ["/150/title"]
    assert _pointers(result.items[249].error) == ["/230/title"]
    assert "[/150/title: " in str(result.items[199].error)
    assert len(result.succeeded) == 100
