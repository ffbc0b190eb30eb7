"""Batches: per-item results and validation, atomic all-or-nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest

from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth

MakeUser = Callable[..., ServerUser]


@pytest.fixture
async def headers(api_client: httpx.AsyncClient, make_user: MakeUser) -> dict[str, str]:
    return await auth(api_client, make_user())


async def _count(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    return len((await client.get("/tasks", headers=headers, params={"limit": 100})).json()["data"])


async def test_each_item_is_validated_like_a_single_call(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await api_client.post(
        "/tasks/batch",
        json=[
            {"title": "ok"},
            {"title": ""},
            {"title": "also ok", "bogus": 1},
            {"title": "x", "project_id": str(uuid.uuid4())},
        ],
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["succeeded"], body["failed"]) == (1, 3)
    ok, empty, bogus, missing = body["results"]
    assert ok["outcome"] == "succeeded"
    assert ok["status"] == 201
    assert ok["task"]["title"] == "ok"
    assert empty["status"] == 422
    assert empty["error"]["errors"][0]["pointer"] == "/1/title"
    assert bogus["error"]["errors"][0] == {
        "pointer": "/2/bogus",
        "detail": "Unknown field.",
        "code": "unknown_field",
    }
    assert missing["status"] == 404
    assert await _count(api_client, headers) == 1


async def test_atomic_batches_write_nothing_on_failure(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await api_client.post(
        "/tasks/batch",
        params={"atomic": "true"},
        json=[{"title": "a"}, {"title": ""}],
        headers=headers,
    )
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"][0]["pointer"] == "/1/title"
    assert await _count(api_client, headers) == 0
    fine = await api_client.post(
        "/tasks/batch",
        params={"atomic": "true"},
        json=[{"title": "a"}, {"title": "b"}],
        headers=headers,
    )
    assert fine.json()["succeeded"] == 2


async def test_batch_update_and_delete(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    created = (
        await api_client.post(
            "/tasks/batch", json=[{"title": "a"}, {"title": "b"}], headers=headers
        )
    ).json()
    a, b = (r["id"] for r in created["results"])
    stranger = str(uuid.uuid4())
    updated = await api_client.patch(
        "/tasks/batch",
        json=[
            {"id": a, "status": "done", "if_match": f'W/"{a}-1"'},
            {"id": b, "title": "x", "if_match": 'W/"stale"'},
            {"id": stranger, "title": "x"},
        ],
        headers=headers,
    )
    results = updated.json()["results"]
    assert [r["status"] for r in results] == [200, 412, 404]
    assert results[0]["task"]["completed_at"] is not None
    atomic = await api_client.post(
        "/tasks/batch/delete", params={"atomic": "true"}, json=[a, stranger], headers=headers
    )
    assert_problem(atomic, 422, "validation-error")
    assert await _count(api_client, headers) == 2
    deleted = await api_client.post(
        "/tasks/batch/delete", json=[a, b, "not-a-uuid"], headers=headers
    )
    assert [r["status"] for r in deleted.json()["results"]] == [204, 204, 422]
    assert await _count(api_client, headers) == 0


async def test_batch_size_limits(api_client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    assert_problem(
        await api_client.post("/tasks/batch", json=[], headers=headers), 422, "validation-error"
    )
    too_many = [{"title": str(i)} for i in range(101)]
    assert_problem(
        await api_client.post("/tasks/batch", json=too_many, headers=headers),
        422,
        "validation-error",
    )
    not_a_list = await api_client.post("/tasks/batch", json={"title": "x"}, headers=headers)
    assert_problem(not_a_list, 422, "validation-error")
