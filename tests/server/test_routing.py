"""Literal routes (`/tasks/batch`, `/tasks/batch/delete`) are not swallowed by `/tasks/{task_id}`."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth


async def test_batch_routes_win_over_task_id(
    api_client: httpx.AsyncClient, make_user: Callable[..., ServerUser]
) -> None:
    headers = await auth(api_client, make_user())
    created = await api_client.post("/tasks/batch", json=[{"title": "a"}], headers=headers)
    assert created.status_code == 200, created.text
    task_id = created.json()["results"][0]["id"]

    patched = await api_client.patch(
        "/tasks/batch", json=[{"id": task_id, "title": "b"}], headers=headers
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["results"][0]["task"]["title"] == "b"

    deleted = await api_client.post("/tasks/batch/delete", json=[task_id], headers=headers)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["results"][0]["status"] == 204

    # A method the literal path lacks is a 405 there, not a lookup of task "batch".
    wrong = await api_client.get("/tasks/batch", headers=headers)
    assert_problem(wrong, 405, "method-not-allowed")
    assert wrong.headers["allow"] == "PATCH, POST"

    # The single-task routes still answer for real ids.
    gone = await api_client.get(f"/tasks/{task_id}", headers=headers)
    assert_problem(gone, 404, "not-found")
