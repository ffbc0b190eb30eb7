"""`client.get/post/...` on paths without a method, where the real server cannot show it on
demand: a write retried after a 503 keeps its Idempotency-Key, a bad body is a typed error.
The happy paths run against the real server in tests/e2e/test_sdk_conveniences.py."""

from __future__ import annotations

import httpx
import pytest

from taskmaster import APIResponseValidationError, APITimeoutError, Task
from taskmaster._retry import RETRY_COUNT
from tests.sdk.conftest import Recorder, task_json


def test_a_custom_post_is_retried_with_one_idempotency_key(router, client_factory, sleeps) -> None:
    server = Recorder(
        httpx.Response(503, headers={"Retry-After": "1"}),
        httpx.ConnectError("refused"),
        httpx.Response(201, json=task_json(title="beta")),
    )
    router.post("/beta/tasks").mock(side_effect=server)
    client = client_factory(token="t", verify_tokens=False)
    task = client.post("/beta/tasks", body={"title": "beta"}, cast_to=Task, timeout=5.0)
    assert task.title == "beta"
    keys = server.values("Idempotency-Key")
    assert len(set(keys)) == 1
    assert keys[0]
    assert server.values(RETRY_COUNT) == ["0", "1", "2"]
    assert server.values("Authorization") == ["Bearer t"] * 3


async def test_async_custom_calls_map_timeouts_and_bad_bodies(
    router, async_client_factory, sleeps
) -> None:
    router.get("/beta/slow").mock(side_effect=httpx.ReadTimeout("slow"))
    router.get("/beta/list").mock(return_value=httpx.Response(200, json=[1, 2]))
    client = async_client_factory(token="t", verify_tokens=False)
    with pytest.raises(APITimeoutError):
        await client.get("/beta/slow", cast_to=dict, max_retries=0)
    assert await client.get("/beta/list", cast_to=list) == [1, 2]
    with pytest.raises(APIResponseValidationError, match="JSON dict"):
        await client.get("/beta/list", cast_to=dict)
    with pytest.raises(APIResponseValidationError, match="not a Task"):
        await client.get("/beta/list", cast_to=Task)
