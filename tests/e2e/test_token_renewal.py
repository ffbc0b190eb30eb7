"""`client.token` across real refreshes, and one renewal shared by the event stream and REST.

The server rotates refresh tokens and revokes the family when one is spent twice, so a second
refresh with the same token would not just be wasteful: it would log the client out. Counting
the refresh requests that reach the live server is what proves the renewal is single-flight.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

from taskmaster import AsyncTaskMasterClient, TaskMasterClient
from tests.e2e.conftest import SyncAsAsync

BAD_TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.bm90LWEtc2lnbmF0dXJl"
WAIT = 20.0


async def test_client_token_follows_real_refreshes(
    flavor: str, user: Any, make_client: Any
) -> None:
    inner = make_client(flavor)
    client = SyncAsAsync(inner) if flavor == "sync" else inner
    try:
        assert inner.token is None
        pair = await client.authenticate(email=user.email, password=user.password)
        assert inner.token == pair.access_token
        # Make the token look expired: the next call renews it first, through the server.
        inner._auth.tokens = type(inner._auth.tokens)(
            pair.access_token, pair.refresh_token, expires_at=0.0
        )
        await client.get_me()
        after_auto = inner.token
        assert after_auto not in (None, pair.access_token)
        await client.refresh()
        assert inner.token not in (None, after_auto)
        with pytest.raises(AttributeError):
            inner.token = "forged"
        await client.logout()
        assert inner.token is None
    finally:
        if flavor == "sync":
            inner.close()
        else:
            await inner.aclose()


class _Counting:
    """Counts the refresh requests a client sends to the live server."""

    def __init__(self) -> None:
        self.refreshes = 0
        self._lock = threading.Lock()

    def saw(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/auth/refresh"):
            with self._lock:
                self.refreshes += 1


class CountingTransport(httpx.HTTPTransport):
    def __init__(self, counter: _Counting) -> None:
        super().__init__()
        self.counter = counter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.counter.saw(request)
        return super().handle_request(request)


class AsyncCountingTransport(httpx.AsyncHTTPTransport):
    def __init__(self, counter: _Counting) -> None:
        super().__init__()
        self.counter = counter

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.counter.saw(request)
        return await super().handle_async_request(request)


def _refresh_token(live_server: Any, user: Any) -> str:
    with httpx.Client(base_url=live_server.api_url, trust_env=False, timeout=10) as http:
        login = http.post("/auth/login", json={"email": user.email, "password": user.password})
        login.raise_for_status()
        return str(login.json()["refresh_token"])


def test_stream_and_rest_renew_once_between_them(live_server: Any, user: Any) -> None:
    counter = _Counting()
    client = TaskMasterClient(
        live_server.api_url,
        token=BAD_TOKEN,  # refused by the server: the stream gets 4401, REST calls 401
        refresh_token=_refresh_token(live_server, user),
        verify_tokens=False,
        transport=CountingTransport(counter),
    )
    start = threading.Barrier(9)
    events: list[Any] = []
    errors: list[BaseException] = []

    def stream() -> None:
        start.wait(WAIT)
        try:
            with client.events.subscribe(
                types=["task.created"], last_seq=0, idle_timeout=WAIT
            ) as subscription:
                for event in subscription:
                    events.append(event)
                    return
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    def rest() -> None:
        start.wait(WAIT)
        try:
            client.get_me()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=stream)] + [threading.Thread(target=rest) for _ in range(8)]
    with client:
        for thread in threads:
            thread.start()
        for thread in threads[1:]:
            thread.join(WAIT)
        client.create_task(title="seen by the stream")
        threads[0].join(WAIT)
    assert not errors
    assert [e.type_ for e in events] == ["task.created"]
    assert counter.refreshes == 1


async def test_stream_and_rest_renew_once_between_them_async(live_server: Any, user: Any) -> None:
    counter = _Counting()
    client = AsyncTaskMasterClient(
        live_server.api_url,
        token=BAD_TOKEN,
        refresh_token=_refresh_token(live_server, user),
        verify_tokens=False,
        transport=AsyncCountingTransport(counter),
    )

    async def first_event() -> Any:
        async with client.events.subscribe(
            types=["task.created"], last_seq=0, idle_timeout=WAIT
        ) as subscription:
            async for event in subscription:
                return event
        return None

    async with client:
        stream = asyncio.ensure_future(first_event())
        await asyncio.wait_for(asyncio.gather(*(client.get_me() for _ in range(8))), WAIT)
        await client.create_task(title="seen by the stream")
        event = await asyncio.wait_for(stream, WAIT)
    assert event.type_ == "task.created"
    assert counter.refreshes == 1
