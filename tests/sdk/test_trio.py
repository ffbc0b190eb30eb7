"""The async client under trio: retries sleep, renewals lock and bulk calls run through anyio.

Each test is a sync function that runs its body with `trio.run`, so no pytest plugin decides
which event loop runs it. The sleeps here are real (short backoffs): the point is that trio's
own sleep is the one awaited. The real server is met through the live uvicorn fixture.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from taskmaster import AsyncTaskMasterClient
from tests.sdk.conftest import API, Recorder, task_json
from tests.sdk.test_bulk import batch_answer

trio = pytest.importorskip("trio")

TASK_ID = str(uuid.uuid4())


def _client(router: respx.Router) -> AsyncTaskMasterClient:
    """A client of the fake server with short, real (not recorded) backoffs."""
    transport = httpx.MockTransport(router.async_handler)
    return AsyncTaskMasterClient(
        API, token="t", verify_tokens=False, retry_backoff=0.01, transport=transport
    )


def test_a_retry_sleeps_under_trio(router: respx.Router) -> None:
    server = Recorder(
        httpx.Response(503, headers={"Retry-After": "0.05"}),
        httpx.ConnectError("refused"),
        httpx.Response(200, json=task_json(id=TASK_ID)),
    )
    router.get(f"/tasks/{TASK_ID}").mock(side_effect=server)

    async def main() -> tuple[str, float]:
        started = trio.current_time()
        async with _client(router) as client:
            task = await client.get_task(TASK_ID)
        return str(task.id), trio.current_time() - started

    task_id, took = trio.run(main)
    assert task_id == TASK_ID
    assert took >= 0.05  # the Retry-After was slept, on trio's clock
    assert len(server.headers) == 3


def test_bulk_runs_its_chunks_in_a_trio_nursery(router: respx.Router) -> None:
    calls = Recorder(httpx.Response(503), batch_answer())  # type: ignore[arg-type]
    router.post("/tasks/batch").mock(side_effect=calls)

    async def main() -> Any:
        async with _client(router) as client:
            return await client.bulk_create_tasks(
                ({"title": f"t{i}"} for i in range(250)), concurrency=2
            )

    result = trio.run(main)
    assert result.ok
    assert [task.title for task in result.tasks] == [f"t{i}" for i in range(250)]
    assert len(calls.headers) == 4  # three chunks, one of them retried after the 503


def test_the_async_client_against_the_live_server_under_trio(
    live_server: Any, make_user: Callable[..., Any]
) -> None:
    user = make_user()

    async def main() -> tuple[str, int, str | None]:
        async with AsyncTaskMasterClient(
            live_server.api_url, email=user.email, password=user.password
        ) as client:
            created = await client.create_task(title="under trio")
            again = await client.get_task(created.id, max_retries=0)
            page = await client.list_tasks()
            return again.title, len([t async for t in page]), again._request_id

    title, count, request_id = trio.run(main)
    assert title == "under trio"
    assert count == 1
    assert request_id
