"""Concurrent upserts of one key leave exactly one task, on SQLite and PostgreSQL.

A live uvicorn with 20 handler threads (the shared live server has one, which would serialise
the requests before they reach the database), and 20 client threads released at once by a
barrier: the upserts meet in the database, where the key's lock must order them.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.settings import Settings
from taskmaster_server.testing import LiveServer
from tests.fixtures.server import ServerUser

CLIENTS = 20


@pytest.fixture(scope="module")
def threaded_server(server_settings: Settings) -> Iterator[LiveServer]:
    app = create_app(server_settings.with_changes(threads=CLIENTS, db_pool_size=CLIENTS // 2))
    server = LiveServer(app).start()
    yield server
    server.stop()
    runtime_of(app).close()


def _headers(server: LiveServer, user: ServerUser) -> dict[str, str]:
    tokens = httpx.post(
        f"{server.api_url}/auth/login",
        json={"email": user.email, "password": user.password},
        timeout=10,
    ).json()
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _all_at_once(
    server: LiveServer, calls: list[tuple[str, Any]], headers: dict[str, str]
) -> list[httpx.Response]:
    barrier = threading.Barrier(len(calls))

    def send(call: tuple[str, Any]) -> httpx.Response:
        path, body = call
        with httpx.Client(base_url=server.api_url, headers=headers, timeout=30) as client:
            client.get("/me")  # connected and warm before the barrier
            barrier.wait(timeout=30)
            return client.post(path, json=body)

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(send, calls))


def _listed(server: LiveServer, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{server.api_url}/tasks", params={"limit": 100, **params}, headers=headers, timeout=10
    )
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def _event_types(server: LiveServer, headers: dict[str, str]) -> Counter[str]:
    response = httpx.get(
        f"{server.api_url}/events", params={"limit": 100}, headers=headers, timeout=10
    )
    return Counter(e["type"] for e in response.json()["data"])


@pytest.mark.timeout(120)
def test_twenty_concurrent_upserts_of_one_key_leave_one_task(
    threaded_server: LiveServer, make_user: Callable[..., ServerUser]
) -> None:
    headers = _headers(threaded_server, make_user())
    # Half send one body, half another: one creates, the rest update or find it unchanged.
    calls = [
        ("/tasks/upsert", {"external_id": "sync-1", "title": f"title {i % 2}"})
        for i in range(CLIENTS)
    ]
    responses = _all_at_once(threaded_server, calls, headers)
    assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses]
    actions = Counter(r.json()["action"] for r in responses)
    assert actions["created"] == 1, actions
    assert sum(r.status_code == 201 for r in responses) == 1
    [task] = _listed(threaded_server, headers, external_id="sync-1")
    assert {r.json()["task"]["id"] for r in responses} == {task["id"]}
    # Every write that changed something is one version and one event; the others none.
    assert task["version"] == 1 + actions["updated"]
    events = _event_types(threaded_server, headers)
    assert events == Counter({"task.created": 1, "task.updated": actions["updated"]})


@pytest.mark.timeout(120)
def test_concurrent_batches_sharing_keys_in_any_order_leave_one_task_per_key(
    threaded_server: LiveServer, make_user: Callable[..., ServerUser]
) -> None:
    headers = _headers(threaded_server, make_user())
    keys = [f"row-{i}" for i in range(10)]
    shuffler = random.Random(20)
    calls = []
    for _ in range(8):
        order = shuffler.sample(keys, len(keys))  # different orders: no deadlock either way
        calls.append(("/tasks/batch/upsert", [{"external_id": k, "title": k} for k in order]))
    responses = _all_at_once(threaded_server, calls, headers)
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    actions = Counter(result["action"] for r in responses for result in r.json()["results"])
    assert actions == Counter({"created": len(keys), "unchanged": len(keys) * 7}), actions
    tasks = _listed(threaded_server, headers)
    assert sorted(t["external_id"] for t in tasks) == keys
    assert _event_types(threaded_server, headers) == Counter({"task.created": len(keys)})
