"""Projects and subtasks."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth

MakeUser = Callable[..., ServerUser]


@pytest.fixture
async def headers(api_client: httpx.AsyncClient, make_user: MakeUser) -> dict[str, str]:
    return await auth(api_client, make_user())


async def test_project_lifecycle(api_client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    created = await api_client.post("/projects", json={"name": "Launch"}, headers=headers)
    assert created.status_code == 201
    project, etag = created.json(), created.headers["etag"]
    url = f"/projects/{project['id']}"
    assert created.headers["location"] == f"/api/v1{url}"
    assert (
        await api_client.get(url, headers={**headers, "If-None-Match": etag})
    ).status_code == 304
    renamed = await api_client.patch(
        url, json={"name": "Launch 2"}, headers={**headers, "If-Match": etag}
    )
    assert renamed.json()["name"] == "Launch 2"
    stale = await api_client.delete(url, headers={**headers, "If-Match": etag})
    assert_problem(stale, 412, "precondition-failed")
    task = (
        await api_client.post(
            "/tasks", json={"title": "t", "project_id": project["id"]}, headers=headers
        )
    ).json()
    assert (await api_client.delete(url, headers=headers)).status_code == 204
    assert_problem(await api_client.get(f"/tasks/{task['id']}", headers=headers), 404, "not-found")


async def test_default_project_cannot_be_deleted(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    default = (await api_client.get("/projects", headers=headers)).json()["data"][0]
    assert default["is_default"] is True
    assert_problem(
        await api_client.delete(f"/projects/{default['id']}", headers=headers), 409, "conflict"
    )


async def test_project_pages(api_client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    for i in range(4):
        await api_client.post("/projects", json={"name": f"p{i}"}, headers=headers)
    names: list[str] = []
    params: dict[str, object] = {"limit": 2}
    while True:
        body = (await api_client.get("/projects", params=params, headers=headers)).json()
        names += [p["name"] for p in body["data"]]
        if not body["has_more"]:
            break
        params = {"limit": 2, "cursor": body["next_cursor"]}
    assert names == ["Default", "p0", "p1", "p2", "p3"]


async def test_subtask_positions(api_client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    task = await api_client.post("/tasks", json={"title": "t"}, headers=headers)
    base = f"/tasks/{task.json()['id']}/subtasks"
    ids = {}
    for title, position in (("a", None), ("b", None), ("c", 0), ("d", 99)):
        body = {"title": title} | ({"position": position} if position is not None else {})
        response = await api_client.post(base, json=body, headers=headers)
        assert response.status_code == 201, response.text
        ids[title] = response.json()["id"]

    async def order() -> list[str]:
        data = (await api_client.get(base, headers=headers)).json()["data"]
        assert [s["position"] for s in data] == list(range(len(data)))
        return [s["title"] for s in data]

    assert await order() == ["c", "a", "b", "d"]
    moved = await api_client.patch(
        f"{base}/{ids['d']}", json={"position": 1, "status": "done"}, headers=headers
    )
    assert moved.json()["position"] == 1
    assert moved.json()["status"] == "done"
    assert await order() == ["c", "d", "a", "b"]
    assert (await api_client.delete(f"{base}/{ids['c']}", headers=headers)).status_code == 204
    assert await order() == ["d", "a", "b"]
    parent = await api_client.get(f"/tasks/{task.json()['id']}", headers=headers)
    assert parent.json()["version"] == 7  # every subtask change is a task change
    assert parent.headers["etag"] != task.headers["etag"]
    assert [s["title"] for s in parent.json()["subtasks"]] == ["d", "a", "b"]
    missing = await api_client.patch(f"{base}/{ids['c']}", json={"title": "x"}, headers=headers)
    assert_problem(missing, 404, "not-found")
