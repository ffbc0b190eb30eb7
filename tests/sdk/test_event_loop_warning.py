"""A sync client called inside a running event loop blocks it: the SDK says so, once."""

from __future__ import annotations

import logging
import threading
import uuid

import httpx
import pytest

from taskmaster import _auth
from tests.sdk.conftest import task_json

TASK_ID = str(uuid.uuid4())


async def test_a_sync_call_in_a_running_loop_warns_once(
    router, client_factory, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_auth, "_loop_warned", threading.Event())
    router.get(f"/tasks/{TASK_ID}").mock(return_value=httpx.Response(200, json=task_json()))
    client = client_factory(token="t", verify_tokens=False)
    with caplog.at_level(logging.WARNING, logger="taskmaster"):
        client.get_task(TASK_ID)
        client.get_task(TASK_ID)
    warnings = [r for r in caplog.records if "running event loop" in r.getMessage()]
    assert len(warnings) == 1
    assert "AsyncTaskMasterClient" in warnings[0].getMessage()


def test_a_sync_call_outside_a_loop_does_not_warn(
    router, client_factory, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_auth, "_loop_warned", threading.Event())
    router.get(f"/tasks/{TASK_ID}").mock(return_value=httpx.Response(200, json=task_json()))
    client = client_factory(token="t", verify_tokens=False)
    with caplog.at_level(logging.WARNING, logger="taskmaster"):
        client.get_task(TASK_ID)
    assert not [r for r in caplog.records if "running event loop" in r.getMessage()]
