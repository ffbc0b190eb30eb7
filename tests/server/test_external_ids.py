"""External ids: set, changed and cleared on tasks and projects, unique within a project (tasks)
or an account (projects), and the task list's ``external_id`` filter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth

MakeUser = Callable[..., ServerUser]


@pytest.fixture
async def headers(api_client: httpx.AsyncClient, make_user: MakeUser) -> dict[str, str]:
    return await auth(api_client, make_user())


async def _post(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], body: Any
) -> dict[str, Any]:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_a_task_external_id_is_set_changed_and_cleared(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    plain = await _post(api_client, "/tasks", headers, {"title": "no id"})
    assert plain["external_id"] is None
    task = await _post(api_client, "/tasks", headers, {"title": "a", "external_id": "crm-1"})
    assert task["external_id"] == "crm-1"
    got = await api_client.get(f"/tasks/{task['id']}", headers=headers)
    assert got.json()["external_id"] == "crm-1"

    changed = await api_client.patch(
        f"/tasks/{task['id']}", json={"external_id": "crm-2"}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["external_id"], changed.json()["version"]) == ("crm-2", 2)
    cleared = await api_client.patch(
        f"/tasks/{task['id']}", json={"external_id": None}, headers=headers
    )
    assert cleared.json()["external_id"] is None
    # The old ids are free again.
    again = await _post(api_client, "/tasks", headers, {"title": "b", "external_id": "crm-1"})
    assert again["external_id"] == "crm-1"
    batch = await api_client.patch(
        "/tasks/batch", json=[{"id": task["id"], "external_id": "crm-2"}], headers=headers
    )
    assert batch.json()["results"][0]["task"]["external_id"] == "crm-2"


async def test_a_duplicate_in_the_same_project_is_a_409_naming_the_field(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    first = await _post(api_client, "/tasks", headers, {"title": "a", "external_id": "row-7"})
    duplicate = await api_client.post(
        "/tasks", json={"title": "b", "external_id": "row-7"}, headers=headers
    )
    body = assert_problem(duplicate, 409, "conflict")
    assert "external_id 'row-7'" in body["detail"]
    assert first["id"] in body["detail"]

    # Another project may use the same id.
    project = await _post(api_client, "/projects", headers, {"name": "Other"})
    elsewhere = await _post(
        api_client,
        "/tasks",
        headers,
        {"title": "c", "external_id": "row-7", "project_id": project["id"]},
    )
    # ...but moving that task into the first project, or renaming another task to it, is not.
    moved = await api_client.patch(
        f"/tasks/{elsewhere['id']}", json={"project_id": first["project_id"]}, headers=headers
    )
    assert "external_id" in assert_problem(moved, 409, "conflict")["detail"]
    other = await _post(api_client, "/tasks", headers, {"title": "d", "external_id": "row-8"})
    renamed = await api_client.patch(
        f"/tasks/{other['id']}", json={"external_id": "row-7"}, headers=headers
    )
    assert_problem(renamed, 409, "conflict")
    unchanged = await api_client.get(f"/tasks/{other['id']}", headers=headers)
    assert (unchanged.json()["external_id"], unchanged.json()["version"]) == ("row-8", 1)


async def test_batches_check_ids_against_the_database_and_each_other(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await _post(api_client, "/tasks", headers, {"title": "a", "external_id": "x-1"})
    response = await api_client.post(
        "/tasks/batch",
        json=[
            {"title": "taken", "external_id": "x-1"},
            {"title": "new", "external_id": "x-2"},
            {"title": "twice", "external_id": "x-2"},
            {"title": "none"},
        ],
        headers=headers,
    )
    results = response.json()["results"]
    assert [r["status"] for r in results] == [409, 201, 409, 201]
    assert "external_id 'x-1'" in results[0]["error"]["detail"]

    atomic = await api_client.post(
        "/tasks/batch",
        params={"atomic": "true"},
        json=[{"title": "ok", "external_id": "x-3"}, {"title": "dup", "external_id": "x-3"}],
        headers=headers,
    )
    body = assert_problem(atomic, 422, "validation-error")
    assert body["errors"][0]["pointer"] == "/1"
    listed = await api_client.get("/tasks", params={"external_id": "x-3"}, headers=headers)
    assert listed.json()["data"] == []

    # Batch updates: to a taken id is a per-item 409; a swap in two steps works.
    a = await _post(api_client, "/tasks", headers, {"title": "a", "external_id": "s-a"})
    b = await _post(api_client, "/tasks", headers, {"title": "b", "external_id": "s-b"})
    update = await api_client.patch(
        "/tasks/batch",
        json=[
            {"id": a["id"], "external_id": "s-b"},
            {"id": a["id"], "external_id": "s-tmp"},
            {"id": b["id"], "external_id": "s-a"},
            {"id": a["id"], "external_id": "s-b"},
        ],
        headers=headers,
    )
    assert [r["status"] for r in update.json()["results"]] == [409, 200, 200, 200]
    for task, expected in ((a, "s-b"), (b, "s-a")):
        got = await api_client.get(f"/tasks/{task['id']}", headers=headers)
        assert got.json()["external_id"] == expected


async def test_the_list_filters_by_external_id(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    project = await _post(api_client, "/projects", headers, {"name": "Other"})
    one = await _post(api_client, "/tasks", headers, {"title": "a", "external_id": "k-1"})
    two = await _post(
        api_client,
        "/tasks",
        headers,
        {"title": "b", "external_id": "k-1", "project_id": project["id"]},
    )
    await _post(api_client, "/tasks", headers, {"title": "c", "external_id": "K-1"})
    await _post(api_client, "/tasks", headers, {"title": "d"})

    async def ids(**params: str) -> set[str]:
        response = await api_client.get("/tasks", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return {t["id"] for t in response.json()["data"]}

    assert await ids(external_id="k-1") == {one["id"], two["id"]}  # exact, case-sensitive
    assert await ids(external_id="k-1", project_id=project["id"]) == {two["id"]}
    assert await ids(external_id="nope") == set()
    empty = await api_client.get("/tasks", params={"external_id": ""}, headers=headers)
    assert assert_problem(empty, 422, "validation-error")["errors"][0]["pointer"] == (
        "#/query/external_id"
    )


async def test_other_accounts_do_not_collide(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    mine, theirs = await auth(api_client, make_user()), await auth(api_client, make_user())
    for headers in (mine, theirs):
        await _post(api_client, "/tasks", headers, {"title": "a", "external_id": "same"})
        await _post(api_client, "/projects", headers, {"name": "p", "external_id": "same"})
    listed = await api_client.get("/tasks", params={"external_id": "same"}, headers=mine)
    assert len(listed.json()["data"]) == 1


async def test_a_project_external_id_is_unique_within_the_account(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    project = await _post(api_client, "/projects", headers, {"name": "a", "external_id": "erp-1"})
    assert project["external_id"] == "erp-1"
    got = await api_client.get(f"/projects/{project['id']}", headers=headers)
    assert got.json()["external_id"] == "erp-1"
    duplicate = await api_client.post(
        "/projects", json={"name": "b", "external_id": "erp-1"}, headers=headers
    )
    assert "external_id 'erp-1'" in assert_problem(duplicate, 409, "conflict")["detail"]
    other = await _post(api_client, "/projects", headers, {"name": "b", "external_id": "erp-2"})
    clash = await api_client.patch(
        f"/projects/{other['id']}", json={"external_id": "erp-1"}, headers=headers
    )
    assert_problem(clash, 409, "conflict")
    same = await api_client.patch(
        f"/projects/{project['id']}", json={"external_id": "erp-1"}, headers=headers
    )
    assert same.status_code == 200, same.text
    cleared = await api_client.patch(
        f"/projects/{project['id']}", json={"external_id": None}, headers=headers
    )
    assert cleared.json()["external_id"] is None
    listed = await api_client.get("/projects", headers=headers)
    assert {p["external_id"] for p in listed.json()["data"]} == {None, "erp-2"}
