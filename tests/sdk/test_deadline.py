"""Each attempt has an overall deadline: a server trickling its answer byte by byte, which no
per-read timeout catches, is cut off at `timeout`, sync and async, and for raw generated calls.

The server is real (sockets on 127.0.0.1), since the point is what happens between reads.
"""

from __future__ import annotations

import json
import time
import uuid

import httpx
import pytest

from taskmaster import APITimeoutError, AsyncTaskMasterClient, TaskMasterClient
from tests.sdk.conftest import task_json
from tests.sdk.misbehaving import MisbehavingServer, trickle

TASK_ID = str(uuid.uuid4())
BODY = json.dumps(task_json(id=TASK_ID)).encode()  # ~500 bytes: ~25 s at one byte per 50 ms
EVERY = 0.05
TIMEOUT = 1.0
# Generous: the machine running the suite may be loaded; the bug held calls for 25 s and more.
SLACK = 2.5


def _server(head_at_once: bool) -> MisbehavingServer:
    server = MisbehavingServer(lambda conn: None)
    server._answer = trickle(BODY, EVERY, server.stopped, head_at_once=head_at_once)
    return server


@pytest.mark.parametrize("head_at_once", [False, True], ids=["slow-head", "slow-body"])
def test_a_trickling_server_is_cut_off_at_the_deadline(head_at_once: bool) -> None:
    with _server(head_at_once) as server:
        client = TaskMasterClient(server.url, token="t", verify_tokens=False, timeout=TIMEOUT,
                                  max_retries=0)  # fmt: skip
        with client:
            started = time.monotonic()
            with pytest.raises(APITimeoutError, match="deadline") as caught:
                client.get_task(TASK_ID)
            took = time.monotonic() - started
    assert TIMEOUT * 0.9 <= took < TIMEOUT + SLACK
    assert str(server.url.removesuffix("/api/v1")) in str(caught.value)


def test_retries_get_a_deadline_each_and_the_call_stays_bounded() -> None:
    with _server(False) as server:
        client = TaskMasterClient(server.url, token="t", verify_tokens=False, timeout=TIMEOUT,
                                  max_retries=1, retry_backoff=0.1)  # fmt: skip
        with client:
            started = time.monotonic()
            with pytest.raises(APITimeoutError):
                client.get_task(TASK_ID)
            took = time.monotonic() - started
        assert server.connections == 2
    assert 2 * TIMEOUT * 0.9 <= took < 2 * TIMEOUT + 0.1 + SLACK


def test_a_per_call_timeout_sets_that_calls_deadline() -> None:
    server = _server(True)
    client = TaskMasterClient(server.url, token="t", verify_tokens=False, max_retries=0)
    with server, client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            client.get_task(TASK_ID, timeout=0.5)
        took = time.monotonic() - started
    assert took < 0.5 + SLACK


def test_raw_generated_calls_have_the_deadline_too() -> None:
    from taskmaster_api.api.tasks import get_task

    with _server(True) as server:
        client = TaskMasterClient(server.url, token="t", verify_tokens=False, timeout=TIMEOUT,
                                  max_retries=0)  # fmt: skip
        with client:
            started = time.monotonic()
            with pytest.raises(httpx.TimeoutException):
                get_task.sync_detailed(uuid.UUID(TASK_ID), client=client.raw)
            took = time.monotonic() - started
    assert took < TIMEOUT + SLACK


@pytest.mark.parametrize("head_at_once", [False, True], ids=["slow-head", "slow-body"])
async def test_a_trickling_server_is_cut_off_at_the_deadline_async(head_at_once: bool) -> None:
    with _server(head_at_once) as server:
        client = AsyncTaskMasterClient(server.url, token="t", verify_tokens=False,
                                       timeout=TIMEOUT, max_retries=0)  # fmt: skip
        async with client:
            started = time.monotonic()
            with pytest.raises(APITimeoutError, match="deadline"):
                await client.get_task(TASK_ID)
            took = time.monotonic() - started
    assert TIMEOUT * 0.9 <= took < TIMEOUT + SLACK


def test_a_normal_answer_is_unaffected() -> None:
    """A fast server answering several requests on one kept-alive connection."""
    with MisbehavingServer(lambda conn: None) as server:
        server._answer = trickle(BODY, 0.0, server.stopped, head_at_once=True)
        with TaskMasterClient(server.url, token="t", verify_tokens=False, timeout=TIMEOUT) as c:
            for _ in range(3):
                assert str(c.get_task(TASK_ID).id) == TASK_ID
        assert server.connections == 1
