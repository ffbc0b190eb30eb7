"""Single-task calls: merge patch, ETags and preconditions, cascades, concurrency."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import func, select

from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.db.models import SubTask
from taskmaster_server.runtime import Runtime
from taskmaster_server.settings import Settings
from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth

MakeUser = Callable[..., ServerUser]


@pytest.fixture
async def headers(api_client: httpx.AsyncClient, make_user: MakeUser) -> dict[str, str]:
    return await auth(api_client, make_user())


async def test_create_goes_to_the_default_project(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await api_client.post(
        "/tasks",
        json={
            "title": "Launch",
            "priority": "high",
            "tags": ["a", "b"],
            "metadata": {"row": 1},
            "due_at": "2030-01-02T03:04:05Z",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    task = response.json()
    assert response.headers["location"] == f"/api/v1/tasks/{task['id']}"
    assert response.headers["etag"] == f'W/"{task["id"]}-1"'
    assert (task["priority"], task["tags"], task["metadata"]) == ("high", ["a", "b"], {"row": 1})
    assert task["due_at"].startswith("2030-01-02T03:04:05")
    projects = (await api_client.get("/projects", headers=headers)).json()["data"]
    default = next(p for p in projects if p["is_default"])
    assert task["project_id"] == default["id"]


async def test_merge_patch_semantics(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    task = (
        await api_client.post(
            "/tasks",
            json={"title": "t", "description": "d", "metadata": {"a": 1, "b": 2}},
            headers=headers,
        )
    ).json()
    patched = await api_client.patch(
        f"/tasks/{task['id']}",
        json={"description": None, "metadata": {"a": None, "c": 3}, "status": "done"},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["description"] is None
    assert body["metadata"] == {"b": 2, "c": 3}
    assert body["completed_at"] is not None
    assert body["version"] == 2
    reopened = (
        await api_client.patch(f"/tasks/{task['id']}", json={"status": "pending"}, headers=headers)
    ).json()
    assert reopened["completed_at"] is None
    assert reopened["version"] == 3
    noop = (
        await api_client.patch(f"/tasks/{task['id']}", json={"title": "t"}, headers=headers)
    ).json()
    assert noop["version"] == 3  # nothing changed, same ETag


async def test_etags_conditional_get_and_if_match(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    created = await api_client.post("/tasks", json={"title": "t"}, headers=headers)
    url, etag = f"/tasks/{created.json()['id']}", created.headers["etag"]
    cached = await api_client.get(url, headers={**headers, "If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""
    assert cached.headers["etag"] == etag
    updated = await api_client.patch(
        url, json={"title": "u"}, headers={**headers, "If-Match": etag}
    )
    assert updated.status_code == 200
    stale = await api_client.patch(url, json={"title": "v"}, headers={**headers, "If-Match": etag})
    assert_problem(stale, 412, "precondition-failed")
    assert stale.headers["etag"] == updated.headers["etag"]
    stale_delete = await api_client.delete(url, headers={**headers, "If-Match": etag})
    assert_problem(stale_delete, 412, "precondition-failed")
    fresh = await api_client.get(url, headers={**headers, "If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.json()["title"] == "u"
    deleted = await api_client.delete(url, headers={**headers, "If-Match": updated.headers["etag"]})
    assert deleted.status_code == 204


async def test_delete_takes_the_subtasks_along(
    api_client: httpx.AsyncClient, headers: dict[str, str], server_runtime: Runtime
) -> None:
    task = (await api_client.post("/tasks", json={"title": "t"}, headers=headers)).json()
    for title in ("a", "b"):
        await api_client.post(
            f"/tasks/{task['id']}/subtasks", json={"title": title}, headers=headers
        )
    assert (await api_client.delete(f"/tasks/{task['id']}", headers=headers)).status_code == 204
    with server_runtime.db.read() as session:
        left = session.scalar(
            select(func.count())
            .select_from(SubTask)
            .where(SubTask.task_id == uuid.UUID(task["id"]))
        )
    assert left == 0


async def test_if_match_can_be_required(server_settings: Settings, make_user: MakeUser) -> None:
    app = create_app(server_settings.with_changes(require_if_match=True))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1") as client:
            headers = await auth(client, make_user())
            created = await client.post("/tasks", json={"title": "t"}, headers=headers)
            url = f"/tasks/{created.json()['id']}"
            assert_problem(
                await client.patch(url, json={"title": "u"}, headers=headers),
                428,
                "precondition-required",
            )
            assert_problem(await client.delete(url, headers=headers), 428, "precondition-required")
            ok = await client.patch(
                url, json={"title": "u"}, headers={**headers, "If-Match": created.headers["etag"]}
            )
            assert ok.status_code == 200
    finally:
        runtime_of(app).close()


async def test_concurrent_conditional_patches_never_lose_an_update(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    created = await api_client.post("/tasks", json={"title": "t", "metadata": {}}, headers=headers)
    url, etag = f"/tasks/{created.json()['id']}", created.headers["etag"]
    writers = 8
    results = await asyncio.gather(
        *(
            api_client.patch(
                url, json={"metadata": {f"k{i}": i}}, headers={**headers, "If-Match": etag}
            )
            for i in range(writers)
        )
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] + [412] * (writers - 1), [r.text for r in results]
    final = (await api_client.get(url, headers=headers)).json()
    assert final["version"] == 2
    assert len(final["metadata"]) == 1


async def test_concurrent_unconditional_patches_all_apply(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    created = await api_client.post("/tasks", json={"title": "t"}, headers=headers)
    url = f"/tasks/{created.json()['id']}"
    results = await asyncio.gather(
        *(api_client.patch(url, json={"metadata": {f"k{i}": i}}, headers=headers) for i in range(8))
    )
    assert all(r.status_code == 200 for r in results), [r.text for r in results]
    final = (await api_client.get(url, headers=headers)).json()
    assert len(final["metadata"]) == 8
    assert final["version"] == 9


async def test_get_with_project_filter(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    project = (await api_client.post("/projects", json={"name": "p"}, headers=headers)).json()
    task = (await api_client.post("/tasks", json={"title": "t"}, headers=headers)).json()
    wrong = await api_client.get(
        f"/tasks/{task['id']}", params={"project_id": project["id"]}, headers=headers
    )
    assert_problem(wrong, 404, "not-found")
    moved = await api_client.patch(
        f"/tasks/{task['id']}", json={"project_id": project["id"]}, headers=headers
    )
    assert moved.json()["project_id"] == project["id"]
    right = await api_client.get(
        f"/tasks/{task['id']}", params={"project_id": project["id"]}, headers=headers
    )
    assert right.status_code == 200
