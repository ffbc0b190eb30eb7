"""The SDK over real sockets: uvicorn on 127.0.0.1 (`live_server`).

The plan's snippets run here exactly as written (no transport argument), the quickstart example
runs as a subprocess, and the client is checked for leaked connections.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from taskmaster import APIConnectionError, TaskMasterClient

ROOT = Path(__file__).resolve().parents[2]


def _token(live_server: Any, user: Any) -> str:
    with TaskMasterClient(live_server.api_url) as client:
        return client.authenticate(email=user.email, password=user.password).access_token


def test_plan_snippets_run_as_written(live_server: Any, user: Any) -> None:
    url = api_url = live_server.api_url
    token = _token(live_server, user)
    credentials = {"email": user.email, "password": user.password}

    from taskmaster import AsyncTaskMasterClient, TaskMasterClient

    client = TaskMasterClient(
        api_url=url, token=token, max_retries=3, retry_backoff=1.0, retry_on=[429, 500, 502, 503]
    )
    client.close()
    with TaskMasterClient(api_url, token) as client:
        tasks = client.list_tasks()
        assert list(tasks) == []
        task_id = client.create_task({"title": "..."}).id
        client.get_task(task_id)
        client.update_task(task_id, {"status": "done"})
        client.delete_task(task_id)
        created = client.bulk_create_tasks([{"title": "one"}, {"title": "two"}])
        client.bulk_update_tasks([{"id": t.id, "priority": "high"} for t in created.tasks])
        client.authenticate(credentials)
    with TaskMasterClient(api_url, email=user.email, password=user.password) as client:
        assert len(list(client.list_tasks(priority="high"))) == 2

    import asyncio

    async def run() -> int:
        async with AsyncTaskMasterClient(api_url, token) as c:
            tasks = await c.list_tasks()
            return len([t async for t in tasks])

    assert asyncio.run(run()) == 2

    from taskmaster import (
        AuthenticationError,
        NotFoundError,
        Priority,
        RateLimitError,
        SubTask,
        Task,
        TaskMasterError,
        TaskStatus,
        ValidationError,
    )

    assert all(issubclass(e, TaskMasterError) for e in (AuthenticationError, ValidationError))
    assert all(issubclass(e, TaskMasterError) for e in (NotFoundError, RateLimitError))
    assert {Task.__name__, SubTask.__name__} == {"Task", "SubTask"}
    assert TaskStatus("done") is TaskStatus.DONE
    assert Priority("high") is Priority.HIGH


def _connections_to(port: int) -> int:
    return sum(
        1
        for c in psutil.Process().net_connections(kind="tcp")
        if c.raddr and c.raddr.port == port and c.status == psutil.CONN_ESTABLISHED
    )


def test_no_connection_is_left_open(live_server: Any, user: Any) -> None:
    before = _connections_to(live_server.port)
    with TaskMasterClient(live_server.api_url, email=user.email, password=user.password) as client:
        for _ in range(5):
            client.create_task(title="x")
        assert len(list(client.list_tasks(limit=2))) == 5
        copy = client.with_options(timeout=5)
        copy.get_me()
        copy.close()
        assert _connections_to(live_server.port) > before  # the pool keeps one open meanwhile
    assert _connections_to(live_server.port) == before


async def test_no_connection_is_left_open_async(live_server: Any, user: Any) -> None:
    from taskmaster import AsyncTaskMasterClient

    before = _connections_to(live_server.port)
    async with AsyncTaskMasterClient(
        live_server.api_url, email=user.email, password=user.password
    ) as client:
        for _ in range(3):
            await client.create_task(title="x")
        assert len([t async for t in client.list_tasks(limit=2)]) == 3
    assert _connections_to(live_server.port) == before


def test_a_closed_port_raises_connection_error_after_retries() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: nothing listens
    # A refused connection may be a server restarting: it is retried for the retry budget
    # (docs/retries-and-timeouts.md), here a short one, as an interactive program would set.
    client = TaskMasterClient(
        f"http://127.0.0.1:{port}", "t", max_retries=1, retry_backoff=0.01, retry_budget=1.0
    )
    started = time.monotonic()
    with client, pytest.raises(APIConnectionError, match=r"connection refused\): is the server"):
        client.get_health()
    assert time.monotonic() - started < 10


@pytest.mark.slow
def test_quickstart_example_runs(live_server: Any, user: Any) -> None:
    env = {
        **os.environ,
        "TASKMASTER_API_URL": live_server.base_url,
        "TASKMASTER_EMAIL": user.email,
        "TASKMASTER_PASSWORD": user.password,
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert f"signed in as {user.email}" in out
    assert "120 created, 0 failed" in out
    assert "pages of [50, 50, 20] -> 120 backlog tasks" in out
    assert "a stale ETag is refused and nothing is written: 412" in out
    assert "not found, as expected (request id " in out
    assert "120 backlog tasks and the project" in out
