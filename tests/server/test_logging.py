"""One structured access-log line per request; no secrets in any log."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import httpx
import pytest

from taskmaster_server.log import JsonFormatter, redact
from tests.fixtures.server import ServerUser
from tests.server.helpers import login

MakeUser = Callable[..., ServerUser]


async def test_access_log_line(
    api_client: httpx.AsyncClient, make_user: MakeUser, caplog: pytest.LogCaptureFixture
) -> None:
    user = make_user()
    caplog.set_level(logging.INFO)
    tokens = await login(api_client, user)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}", "X-Request-ID": "req-123"}
    await api_client.get("/tasks", headers=bearer)
    formatter = JsonFormatter()
    lines = [
        json.loads(formatter.format(r)) for r in caplog.records if r.name == "taskmaster.access"
    ]
    line = next(entry for entry in lines if entry.get("request_id") == "req-123")
    assert line["method"] == "GET"
    assert line["path"] == "/api/v1/tasks"
    assert line["status"] == 200
    assert line["account_id"] == user.account_id
    assert line["user_id"] == user.user_id
    assert line["duration_ms"] >= 0
    everything = "\n".join(formatter.format(r) for r in caplog.records)
    for secret in (user.password, tokens["access_token"], tokens["refresh_token"]):
        assert secret not in everything


def test_redaction() -> None:
    text = (
        'Authorization: Bearer abc.def.ghi {"password": "hunter2"} refresh_token=rt_secret123 '
        "whsec_AAAABBBB eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.sig ?ticket=tk_abc"
    )
    cleaned = redact(text)
    for secret in (
        "abc.def.ghi",
        "hunter2",
        "rt_secret123",
        "whsec_AAAABBBB",
        "eyJhbGci",
        "tk_abc",
    ):
        assert secret not in cleaned
