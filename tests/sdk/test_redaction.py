"""One list of secret patterns: the SDK's logs and the server's logs both redact through
`taskmaster._redaction`, so a secret format hidden on one side is hidden on the other."""

from __future__ import annotations

import logging
import re

import pytest

from taskmaster import _logs, _redaction
from taskmaster._redaction import SECRET_PATTERNS, redact

SECRETS = {
    "bearer": "Authorization: Bearer abc.def.ghi",
    "jwt": "token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature",
    "refresh token": "refresh rt_4QmZ8c2V0Xy1ZbE5nVjJ6a1d3R3Fy",
    "webhook secret": "secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La",
    "stream ticket": "GET /api/v1/events/ws?ticket=tk_Y2FmZWJhYmVkZWFkYmVlZg",
    "bare ticket": "connect with tk_Y2FmZWJhYmVkZWFkYmVlZg now",
    "password": '{"password": "correct horse battery staple"}',
    "token field": "token=opaque-value-123",
}
HIDDEN = {
    "bearer": "abc.def.ghi",
    "jwt": "eyJzdWIiOiIxIn0",
    "refresh token": "4QmZ8c2V0Xy1ZbE5nVjJ6a1d3R3Fy",
    "webhook secret": "MfKQ9r8GKYqrTwjUPD8ILPZIo2La",
    "stream ticket": "Y2FmZWJhYmVkZWFkYmVlZg",
    "bare ticket": "Y2FmZWJhYmVkZWFkYmVlZg",
    "password": "battery staple",
    "token field": "opaque-value-123",
}


def test_both_sides_redact_through_the_one_list() -> None:
    log = pytest.importorskip("taskmaster_server.log")
    assert log.redact is _redaction.redact
    assert _logs.redact is _redaction.redact
    # No second list of patterns hiding in either module.
    for module in (log, _logs):
        assert not [v for v in vars(module).values() if isinstance(v, re.Pattern)]
    assert len(SECRET_PATTERNS) >= 4


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_every_secret_kind_is_hidden(kind: str) -> None:
    cleaned = redact(SECRETS[kind])
    assert HIDDEN[kind] not in cleaned
    assert "[redacted" in cleaned


def test_text_without_a_secret_is_returned_as_is() -> None:
    text = "GET /api/v1/tasks?limit=5 -> 200 in 3.1 ms (request_id=abc)"
    assert redact(text) is text


@pytest.mark.parametrize("kind", ["stream ticket", "jwt", "password"])
def test_the_server_access_log_hides_what_the_sdk_hides(kind: str) -> None:
    log = pytest.importorskip("taskmaster_server.log")
    record = logging.LogRecord(
        "taskmaster.access", logging.INFO, __file__, 1, "%s", (SECRETS[kind],), None
    )
    line = log.JsonFormatter().format(record)
    assert HIDDEN[kind] not in line
