"""Logging and redaction: TASKMASTER_LOG=debug shows requests, retries and refreshes, and no
token, password or secret ever reaches a log line or a repr."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap

import httpx
import pytest

from taskmaster import FileTokenStore, TokenSet
from taskmaster._auth import Credentials
from taskmaster._logs import logger, redact, setup_logging
from tests.sdk.conftest import Keys, problem


def test_debug_log_shows_requests_retries_and_refreshes_without_secrets(
    keys: Keys, router, client_factory, caplog
) -> None:
    first, second = keys.pair(expires_in=5), keys.pair()
    router.post("/auth/login").mock(return_value=httpx.Response(200, json=first))
    router.post("/auth/refresh").mock(return_value=httpx.Response(200, json=second))
    router.get("/me").mock(
        side_effect=[httpx.Response(503), httpx.Response(401, json=problem(401, "unauthorized"))]
    )
    setup_logging()
    client = client_factory(email="ada@example.com", password="s3cret-pw", max_retries=1)
    with caplog.at_level(logging.DEBUG, logger="taskmaster"), pytest.raises(Exception):  # noqa: B017, PT011
        client.get_me()
    text = caplog.text
    assert "POST http://tm.test/api/v1/auth/login -> 200" in text
    assert "retrying GET http://tm.test/api/v1/me" in text
    assert "refreshing the access token" in text
    for secret in (
        "s3cret-pw",
        first["access_token"],
        first["refresh_token"],
        second["access_token"],
        second["refresh_token"],
    ):
        assert secret not in text


def test_taskmaster_log_env_installs_a_stderr_handler() -> None:
    code = textwrap.dedent(
        """
        import httpx
        from taskmaster import TaskMasterClient
        from taskmaster._logs import logger
        def answer(request):
            return httpx.Response(200, json={"status": "ok", "version": "1"})
        with TaskMasterClient("http://tm.test", "eyJhbGciOi.eyJzdWIiOiIxIn0.c2ln",
                              transport=httpx.MockTransport(answer), verify_tokens=False) as c:
            c.get_health()
            logger.warning("leaked Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIxIn0.c2ln")
        """
    )
    env = {**os.environ, "TASKMASTER_LOG": "debug"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert "GET http://tm.test/api/v1/health -> 200" in result.stderr
    assert "eyJzdWIiOiIxIn0" not in result.stderr
    assert "Bearer [redacted]" in result.stderr


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
        ("token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature", "eyJzdWIiOiIxIn0"),
        ("refresh rt_4QmZ8c2V0Xy1ZbE5nVjJ6a1d3R3Fy", "4QmZ8c2V0Xy1ZbE5nVjJ6a1d3R3Fy"),
        ("secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La", "MfKQ9r8GKYqrTwjUPD8ILPZIo2La"),
        ('{"password": "hunter2", "email": "a@b.c"}', "hunter2"),
        ("password=hunter2&email=a", "hunter2"),
        ('{"password": "correct horse battery staple"}', "battery staple"),
        ('{"password": "a \\"quoted\\" phrase", "x": 1}', "phrase"),
        ("password='two words'", "words"),
    ],
)
def test_redact(text: str, hidden: str) -> None:
    assert hidden not in redact(text)


def test_the_logger_filter_redacts_records_for_any_handler(caplog) -> None:
    setup_logging()
    with caplog.at_level(logging.INFO, logger="taskmaster"):
        logger.info("got %s", "Bearer eyJa.eyJb.c")
    assert "eyJb" not in caplog.text
    assert "[redacted]" in caplog.text


def test_reprs_hide_secrets(keys: Keys, tmp_path, client_factory) -> None:
    pair = keys.pair()
    tokens = TokenSet(pair["access_token"], pair["refresh_token"], 1.0, "acc")
    assert pair["access_token"] not in repr(tokens)
    assert pair["refresh_token"] not in repr(tokens)
    assert "s3cret" not in repr(Credentials("a@b.c", "s3cret"))
    client = client_factory(
        token=pair["access_token"], refresh_token=pair["refresh_token"], email="a@b.c",
        password="s3cret",
    )  # fmt: skip
    for text in (repr(client), repr(client._auth), str(client.__dict__.get("_auth"))):
        assert pair["access_token"] not in text
        assert pair["refresh_token"] not in text
        assert "s3cret" not in text
    store = FileTokenStore(tmp_path / "t.json")
    store.save("http://x", tokens)
    assert pair["access_token"] not in repr(store)
    assert json.loads(store.path.read_text())["http://x"]["access_token"] == pair["access_token"]
