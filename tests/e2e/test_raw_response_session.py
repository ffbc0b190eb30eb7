"""`authenticate()`, `refresh()` and `logout()` with the per-call options and
`with_raw_response`, against the real server, on both clients.

Their requests are built by the token renewal (`_auth_requests.py`), not by `_request`, so they
are checked apart from the other methods (`test_raw_response.py`).
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from taskmaster import (
    APIResponse,
    APITimeoutError,
    AsyncTaskMasterClient,
    AuthenticationError,
    TaskMasterClient,
    TokenPair,
    ValidationError,
)


async def _result(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


@pytest.fixture
async def anonymous(flavor: str, make_client: Callable[..., Any]) -> AsyncIterator[Any]:
    """A client of that flavor that has not logged in (no credentials, no tokens)."""
    client = make_client(flavor)
    if flavor == "sync":
        with client:
            yield client
    else:
        async with client:
            yield client


async def test_raw_authenticate_gives_the_login_response_and_the_token_pair(
    anonymous: Any, user: Any
) -> None:
    mine = f"login-{uuid.uuid4().hex}"
    raw = await _result(
        anonymous.with_raw_response.authenticate(
            email=user.email, password=user.password, extra_headers={"X-Request-ID": mine}
        )
    )
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.http_response.request.url.path.endswith("/auth/login")
    assert raw.request_id == mine == raw.headers["X-Request-ID"]  # the server echoed it
    assert raw.headers["RateLimit"]
    assert raw.retries_taken == 0
    pair = raw.parse()
    assert isinstance(pair, TokenPair)
    assert pair.access_token == anonymous.token
    await _result(anonymous.get_me())  # the client is logged in with that pair


async def test_raw_refresh_gives_the_refresh_response(anonymous: Any, user: Any) -> None:
    await _result(anonymous.authenticate(email=user.email, password=user.password))
    before = anonymous.token
    mine = f"refresh-{uuid.uuid4().hex}"
    key = f"refresh-key-{uuid.uuid4()}"
    raw = await _result(
        anonymous.with_raw_response.refresh(
            extra_headers={"X-Request-ID": mine}, idempotency_key=key, timeout=9
        )
    )
    assert raw.status_code == 200
    sent = raw.http_response.request
    assert sent.url.path.endswith("/auth/refresh")
    assert sent.headers["Idempotency-Key"] == key
    assert sent.extensions["timeout"]["read"] == 9
    assert raw.request_id == mine
    assert raw.parse() is None  # what refresh() returns
    assert anonymous.token != before
    await _result(anonymous.get_me())


async def test_refresh_falling_back_to_login_gives_the_logins_response(
    flavor: str, user: Any, make_client: Callable[..., Any]
) -> None:
    client = make_client(
        flavor, refresh_token="not-a-refresh-token", email=user.email, password=user.password
    )
    try:
        raw = await _result(client.with_raw_response.refresh(extra_headers={"X-Trace": "r"}))
        assert raw.status_code == 200
        assert raw.http_response.request.url.path.endswith("/auth/login")
        assert raw.http_response.request.headers["X-Trace"] == "r"  # on the fallback login too
        assert client.token is not None
    finally:
        await _result(client.close() if flavor == "sync" else client.aclose())


async def test_authenticate_sends_extra_query_and_body_and_refuses_unknown_options(
    anonymous: Any, user: Any
) -> None:
    # The server checks the query string: refusing the extra parameter shows it arrived.
    with pytest.raises(ValidationError) as refused:
        await _result(
            anonymous.authenticate(
                email=user.email, password=user.password, extra_query={"trace": "yes"}
            )
        )
    assert any("trace" in e.pointer for e in refused.value.errors)
    # extra_body is merged over the SDK's body and wins: this login sends the wrong password.
    with pytest.raises(AuthenticationError):
        await _result(
            anonymous.authenticate(
                email=user.email, password=user.password, extra_body={"password": "wrong"}
            )
        )
    with pytest.raises(TypeError, match="extra_header"):
        await _result(
            anonymous.authenticate(
                email=user.email, password=user.password, extra_header={"X": "1"}
            )
        )
    assert anonymous.token is None  # none of these calls logged in


async def test_refused_credentials_still_raise(anonymous: Any, user: Any) -> None:
    with pytest.raises(AuthenticationError):
        await _result(
            anonymous.with_raw_response.authenticate(email=user.email, password="wrong-password")
        )
    assert anonymous.token is None


async def test_raw_logout_passes_its_options(anonymous: Any, user: Any) -> None:
    await _result(anonymous.authenticate(email=user.email, password=user.password))
    mine = f"logout-{uuid.uuid4().hex}"
    raw = await _result(
        anonymous.with_raw_response.logout(extra_headers={"X-Request-ID": mine}, timeout=8)
    )
    assert raw.status_code == 204
    assert raw.request_id == mine
    assert raw.http_response.request.extensions["timeout"]["read"] == 8
    assert raw.parse() is None
    assert anonymous.token is None


def test_authenticate_timeout_bounds_the_login_on_real_sockets(live_server: Any, user: Any) -> None:
    with TaskMasterClient(live_server.api_url, max_retries=0) as client:
        # A deadline already past when the attempt starts: the login cannot be sent.
        with pytest.raises(APITimeoutError):
            client.authenticate(email=user.email, password=user.password, timeout=1e-6)
        assert client.token is None
        pair = client.authenticate(email=user.email, password=user.password, timeout=10)
        assert client.token == pair.access_token


async def test_async_refresh_timeout_bounds_the_refresh_on_real_sockets(
    live_server: Any, user: Any
) -> None:
    async with AsyncTaskMasterClient(live_server.api_url, max_retries=0) as client:
        await client.authenticate(email=user.email, password=user.password)
        before = client.token
        with pytest.raises(APITimeoutError):
            await client.refresh(timeout=1e-6)
        assert client.token == before  # a failed refresh leaves the tokens as they were
        await client.refresh(timeout=10)
        assert client.token != before
