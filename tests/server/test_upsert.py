"""Upsert by external id, single and batch: created, updated or unchanged; "unchanged" writes
nothing (no version, no ``updated_at``, no event); ``Idempotency-Key``; validation."""

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


async def _upsert(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any], status: int
) -> dict[str, Any]:
    response = await client.post("/tasks/upsert", json=body, headers=headers)
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    assert response.headers["etag"] == f'W/"{result["task"]["id"]}-{result["task"]["version"]}"'
    return result


async def _events(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/events", params={"limit": 100}, headers=headers)
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["data"]
    return events


async def test_created_then_unchanged_then_updated(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    row = {"external_id": "crm-1", "title": "Call Ada", "priority": "high", "tags": ["crm"]}
    created = await _upsert(api_client, headers, row, 201)
    task = created["task"]
    assert created["action"] == "created"
    assert (task["external_id"], task["title"], task["priority"], task["version"]) == (
        "crm-1",
        "Call Ada",
        "high",
        1,
    )
    assert task["project_id"]  # the default project
    events = await _events(api_client, headers)
    assert [e["type"] for e in events] == ["task.created"]

    # The same row again: nothing is written, not even updated_at, and no event.
    for body in (row, {"external_id": "crm-1", "title": "Call Ada"}):
        same = await _upsert(api_client, headers, body, 200)
        assert same["action"] == "unchanged"
        assert same["task"] == task
    got = await api_client.get(f"/tasks/{task['id']}", headers=headers)
    assert got.json() == task
    assert await _events(api_client, headers) == events

    # A field that differs: merged like a PATCH (fields not given are kept).
    updated = await _upsert(
        api_client, headers, {"external_id": "crm-1", "title": "Call Ada", "status": "done"}, 200
    )
    assert updated["action"] == "updated"
    assert updated["task"]["id"] == task["id"]
    assert (updated["task"]["status"], updated["task"]["priority"]) == ("done", "high")
    assert updated["task"]["version"] == 2
    assert updated["task"]["completed_at"] is not None
    after = await _events(api_client, headers)
    assert [e["type"] for e in after[len(events) :]] == ["task.updated", "task.completed"]
    assert set(after[len(events)]["data"]["changes"]) == {"status"}
    listed = await api_client.get("/tasks", params={"external_id": "crm-1"}, headers=headers)
    assert [t["id"] for t in listed.json()["data"]] == [task["id"]]


async def test_the_key_is_project_and_external_id(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    project = (await api_client.post("/projects", json={"name": "P"}, headers=headers)).json()
    default = await _upsert(api_client, headers, {"external_id": "k", "title": "a"}, 201)
    other = await _upsert(
        api_client, headers, {"external_id": "k", "title": "a", "project_id": project["id"]}, 201
    )
    assert other["task"]["project_id"] == project["id"]
    assert other["task"]["id"] != default["task"]["id"]
    again = await _upsert(
        api_client, headers, {"external_id": "k", "title": "b", "project_id": project["id"]}, 200
    )
    assert (again["action"], again["task"]["id"]) == ("updated", other["task"]["id"])
    # The default project's task is untouched.
    got = await api_client.get(f"/tasks/{default['task']['id']}", headers=headers)
    assert (got.json()["title"], got.json()["version"]) == ("a", 1)


async def test_metadata_merges_and_a_missing_project_is_404(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    first = {"external_id": "m", "title": "t", "metadata": {"a": 1, "b": 2}}
    await _upsert(api_client, headers, first, 201)
    subset = await _upsert(
        api_client, headers, {"external_id": "m", "title": "t", "metadata": {"a": 1}}, 200
    )
    assert subset["action"] == "unchanged"
    merged = await _upsert(
        api_client, headers, {"external_id": "m", "title": "t", "metadata": {"b": None}}, 200
    )
    assert (merged["action"], merged["task"]["metadata"]) == ("updated", {"a": 1})
    missing = await api_client.post(
        "/tasks/upsert",
        json={
            "external_id": "m",
            "title": "t",
            "project_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        },
        headers=headers,
    )
    assert_problem(missing, 404, "not-found")


async def test_external_id_is_required_and_checked(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    for body, pointer in (
        ({"title": "t"}, "/external_id"),
        ({"title": "t", "external_id": ""}, "/external_id"),
        ({"title": "t", "external_id": "x" * 201}, "/external_id"),
        ({"external_id": "x"}, "/title"),
    ):
        response = await api_client.post("/tasks/upsert", json=body, headers=headers)
        problem = assert_problem(response, 422, "validation-error")
        assert problem["errors"][0]["pointer"] == pointer, problem


async def test_idempotency_key_replays_the_first_answer(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    keyed = {**headers, "Idempotency-Key": "upsert-once"}
    body = {"external_id": "i", "title": "t"}
    first = await api_client.post("/tasks/upsert", json=body, headers=keyed)
    replay = await api_client.post("/tasks/upsert", json=body, headers=keyed)
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == first.json()
    assert first.json()["action"] == "created"
    # Without the key the same body is an upsert of its own: unchanged.
    fresh = await _upsert(api_client, headers, body, 200)
    assert fresh["action"] == "unchanged"


async def test_a_viewer_cannot_upsert(api_client: httpx.AsyncClient, make_user: MakeUser) -> None:
    owner = make_user()
    viewer = await auth(api_client, make_user(role="viewer", account_id=owner.account_id))
    for path, body in (
        ("/tasks/upsert", {"external_id": "v", "title": "t"}),
        ("/tasks/batch/upsert", [{"external_id": "v", "title": "t"}]),
    ):
        response = await api_client.post(path, json=body, headers=viewer)
        assert_problem(response, 403, "forbidden")


async def test_batch_upsert_reports_each_items_action(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await _upsert(api_client, headers, {"external_id": "b-1", "title": "one"}, 201)
    await _upsert(api_client, headers, {"external_id": "b-2", "title": "two"}, 201)
    before = await _events(api_client, headers)
    response = await api_client.post(
        "/tasks/batch/upsert",
        json=[
            {"external_id": "b-1", "title": "one"},  # unchanged
            {"external_id": "b-2", "title": "two!"},  # updated
            {"external_id": "b-3", "title": "three"},  # created
            {"external_id": "b-3", "title": "three"},  # the same key again: unchanged
            {"external_id": "b-3", "title": "three!"},  # and again, changed: updated
            {"title": "no key"},  # invalid
        ],
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["succeeded"], body["failed"]) == (5, 1)
    results = body["results"]
    assert [(r.get("action"), r["status"]) for r in results] == [
        ("unchanged", 200),
        ("updated", 200),
        ("created", 201),
        ("unchanged", 200),
        ("updated", 200),
        (None, 422),
    ]
    assert results[2]["id"] == results[3]["id"] == results[4]["id"]
    assert results[4]["task"]["title"] == "three!"
    assert results[4]["task"]["version"] == 2
    assert results[5]["error"]["errors"][0]["pointer"] == "/5/external_id"
    new = (await _events(api_client, headers))[len(before) :]
    assert [e["type"] for e in new] == ["task.updated", "task.created", "task.updated"]
    listed = await api_client.get("/tasks", params={"external_id": "b-3"}, headers=headers)
    assert len(listed.json()["data"]) == 1


async def test_atomic_batch_upsert_is_all_or_nothing(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await _upsert(api_client, headers, {"external_id": "a-1", "title": "one"}, 201)
    before = await _events(api_client, headers)
    project = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    failed = await api_client.post(
        "/tasks/batch/upsert",
        params={"atomic": "true"},
        json=[
            {"external_id": "a-1", "title": "changed"},
            {"external_id": "a-2", "title": "new"},
            {"external_id": "a-3", "title": "elsewhere", "project_id": project},
        ],
        headers=headers,
    )
    problem = assert_problem(failed, 422, "validation-error")
    assert problem["errors"][0]["pointer"] == "/2"
    assert await _events(api_client, headers) == before
    listed = await api_client.get("/tasks", headers=headers)
    assert [(t["external_id"], t["title"]) for t in listed.json()["data"]] == [("a-1", "one")]

    fine = await api_client.post(
        "/tasks/batch/upsert",
        params={"atomic": "true"},
        json=[{"external_id": "a-1", "title": "one"}, {"external_id": "a-2", "title": "new"}],
        headers=headers,
    )
    assert [r["action"] for r in fine.json()["results"]] == ["unchanged", "created"]


async def test_batch_upsert_replays_with_idempotency_key(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    keyed = {**headers, "Idempotency-Key": "batch-upsert-once"}
    items = [{"external_id": "r-1", "title": "one"}]
    first = await api_client.post("/tasks/batch/upsert", json=items, headers=keyed)
    replay = await api_client.post("/tasks/batch/upsert", json=items, headers=keyed)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == first.json()
    assert first.json()["results"][0]["action"] == "created"
