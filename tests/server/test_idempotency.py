"""Idempotency-Key: replay, reuse with another body, in-progress conflicts, one commit."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Callable

import httpx
import pytest

from taskmaster_server.db.session import Database
from taskmaster_server.idempotency import IdempotencyStore, StoredResponse, fingerprint
from taskmaster_server.runtime import Runtime
from taskmaster_server.services import serialize, tasks
from taskmaster_server.services.actors import resolve_actor
from taskmaster_server.settings import Settings
from tests.fixtures.server import Backend, ServerUser
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
    # The first request holds the key (its transaction is open) and has not finished yet.
    with server_runtime.idempotency.claim(uuid.UUID(user.account_id), "in-flight", digest):
        response = await api_client.post("/tasks", json={"title": "a"}, headers=headers)
    assert_problem(response, 409, "idempotency-in-progress")
    assert response.headers["retry-after"] == "1"
    # Released without a response kept: the key is free, the retry runs.
    again = await api_client.post("/tasks", json={"title": "a"}, headers=headers)
    assert again.status_code == 201
    assert "idempotent-replayed" not in again.headers


async def test_a_request_running_in_another_process(
    api_client: httpx.AsyncClient, make_user: MakeUser, backend: Backend, server_settings: Settings
) -> None:
    """PostgreSQL answers 409 from the advisory lock; SQLite queues on its write lock, then
    replays what the first request stored."""
    user = make_user()
    account = uuid.UUID(user.account_id)
    headers = {**await auth(api_client, user), "Idempotency-Key": "elsewhere"}
    digest = fingerprint("POST", "/api/v1/tasks", "", {"title": "a"})
    other = Database(backend.url)  # another process's engine and idempotency store
    store = IdempotencyStore(other, server_settings.idempotency_ttl)
    holding, release = threading.Event(), threading.Event()

    def first_request() -> None:
        actor = resolve_actor(other, uuid.UUID(user.user_id), account, None)
        with store.claim(account, "elsewhere", digest) as claim:
            task = tasks.create(other, actor, {"title": "a"})
            body = json.dumps(serialize.task(task)).encode()
            claim.keep(StoredResponse(201, {"location": f"/t/{task.id}"}, body, "application/json"))
            holding.set()
            release.wait(10)

    worker = threading.Thread(target=first_request)
    worker.start()
    try:
        assert await asyncio.to_thread(holding.wait, 10)
        second = asyncio.create_task(
            api_client.post("/tasks", json={"title": "a"}, headers=headers)
        )
        await asyncio.sleep(0.3)
        release.set()
        response = await second
    finally:
        release.set()
        await asyncio.to_thread(worker.join, 10)
        other.dispose()
    if backend.name == "postgresql":
        assert_problem(response, 409, "idempotency-in-progress")
    else:
        assert response.status_code == 201
        assert response.headers["idempotent-replayed"] == "true"
    listed = (await api_client.get("/tasks", headers=headers)).json()["data"]
    assert [task["title"] for task in listed] == ["a"]


async def test_the_write_and_its_record_commit_together(
    api_client: httpx.AsyncClient, make_user: MakeUser, server_runtime: Runtime
) -> None:
    user = make_user()
    account = uuid.UUID(user.account_id)
    headers = {**await auth(api_client, user), "Idempotency-Key": "all-or-nothing"}
    digest = fingerprint("POST", "/api/v1/tasks", "", {"title": "a"})
    db = server_runtime.db
    actor = resolve_actor(db, uuid.UUID(user.user_id), account, None)

    def dies_before_the_commit() -> None:
        with server_runtime.idempotency.claim(account, "all-or-nothing", digest) as claim:
            tasks.create(db, actor, {"title": "a"})
            claim.keep(StoredResponse(201, {}, b"{}", "application/json"))
            raise RuntimeError("the process dies before the commit")

    with pytest.raises(RuntimeError):
        dies_before_the_commit()
    assert (await api_client.get("/tasks", headers=headers)).json()["data"] == []
    again = await api_client.post("/tasks", json={"title": "a"}, headers=headers)
    assert again.status_code == 201
    assert "idempotent-replayed" not in again.headers


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
