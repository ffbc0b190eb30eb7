"""Idempotency-Key: replay, reuse with another body, in-progress conflicts."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest

from taskmaster_server.idempotency import fingerprint
from taskmaster_server.runtime import Runtime
from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth

MakeUser = Callable[..., ServerUser]


async def test_first_response_is_replayed(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    headers = await auth(api_client, make_user())
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = await api_client.post("/tasks", json={"title": "once"}, headers={**headers, **key})
    again = await api_client.post("/tasks", json={"title": "once"}, headers={**headers, **key})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    assert "idempotent-replayed" not in first.headers
    listed = (await api_client.get("/tasks", headers=headers)).json()["data"]
    assert len(listed) == 1


async def test_same_key_other_body_is_422(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    headers = {**await auth(api_client, make_user()), "Idempotency-Key": "k-1"}
    assert (
        await api_client.post("/tasks", json={"title": "a"}, headers=headers)
    ).status_code == 201
    other = await api_client.post("/tasks", json={"title": "b"}, headers=headers)
    assert_problem(other, 422, "idempotency-key-reused")


async def test_keys_are_per_account(api_client: httpx.AsyncClient, make_user: MakeUser) -> None:
    key = {"Idempotency-Key": "shared-key"}
    for user in (make_user(), make_user()):
        headers = await auth(api_client, user)
        response = await api_client.post("/tasks", json={"title": "a"}, headers={**headers, **key})
        assert response.status_code == 201
        assert "idempotent-replayed" not in response.headers


async def test_a_running_request_answers_409(
    api_client: httpx.AsyncClient, make_user: MakeUser, server_runtime: Runtime
) -> None:
    user = make_user()
    headers = {**await auth(api_client, user), "Idempotency-Key": "in-flight"}
    digest = fingerprint("POST", "/api/v1/tasks", "", {"title": "a"})
    # The first request has claimed the key and not finished yet.
    assert server_runtime.idempotency.begin(uuid.UUID(user.account_id), "in-flight", digest) is None
    response = await api_client.post("/tasks", json={"title": "a"}, headers=headers)
    assert_problem(response, 409, "idempotency-in-progress")
    assert response.headers["retry-after"] == "1"


async def test_failed_requests_are_not_stored(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    headers = {**await auth(api_client, make_user()), "Idempotency-Key": "retry-me"}
    missing = str(uuid.uuid4())
    first = await api_client.patch(f"/tasks/{missing}", json={"title": "x"}, headers=headers)
    assert_problem(first, 404, "not-found")
    again = await api_client.patch(f"/tasks/{missing}", json={"title": "x"}, headers=headers)
    assert_problem(again, 404, "not-found")
    assert "idempotent-replayed" not in again.headers


@pytest.mark.parametrize("path", ["/tasks/batch"])
async def test_batches_are_idempotent(
    api_client: httpx.AsyncClient, make_user: MakeUser, path: str
) -> None:
    headers = {**await auth(api_client, make_user()), "Idempotency-Key": "batch-1"}
    first = await api_client.post(path, json=[{"title": "a"}, {"title": "b"}], headers=headers)
    again = await api_client.post(path, json=[{"title": "a"}, {"title": "b"}], headers=headers)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert len((await api_client.get("/tasks", headers=headers)).json()["data"]) == 2
