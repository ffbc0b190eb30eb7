"""Fixtures for the SDK against the real server: one test body runs on both clients.

`tm` is a client for a fresh user, parametrized over the sync client (in-process through
`SyncASGITransport`) and the async client (in-process through
`httpx.ASGITransport`), and over the `backend` (SQLite, PostgreSQL) the server fixtures run on.
Test bodies are async and `await` every call; for the sync client `SyncAsAsync` runs the call
directly, so the same body checks both clients.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from taskmaster import AsyncPager, AsyncTaskMasterClient, TaskMasterClient
from tests.e2e.asgi_sync import SyncASGITransport

TEST_URL = "http://testserver"


class SyncAsAsync:
    """A sync client whose methods can be awaited, so one test body drives both clients."""

    def __init__(self, client: TaskMasterClient) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.client, name)
        if not callable(attr):
            return attr

        async def call(*args: Any, **kwargs: Any) -> Any:
            return attr(*args, **kwargs)

        return call


async def collect(pager: Any) -> list[Any]:
    """Every item of a sync or async pager."""
    if isinstance(pager, AsyncPager):
        return [item async for item in pager]
    return list(pager)


async def pages(pager: Any) -> list[Any]:
    """Every page of a sync or async pager."""
    if isinstance(pager, AsyncPager):
        return [page async for page in pager.iter_pages()]
    return list(pager.iter_pages())


@pytest.fixture
def sync_transport(asgi_app: Any) -> Iterator[httpx.BaseTransport]:
    transport = SyncASGITransport(asgi_app)
    yield transport
    transport.shutdown()


@pytest.fixture
def async_transport(asgi_app: Any) -> httpx.AsyncBaseTransport:
    return httpx.ASGITransport(app=asgi_app)


@pytest.fixture
def user(make_user: Callable[..., Any]) -> Any:
    return make_user()


@pytest.fixture
def make_client(
    sync_transport: httpx.BaseTransport, async_transport: httpx.AsyncBaseTransport
) -> Callable[..., Any]:
    """`make_client(flavor, **options)`: an unauthenticated-by-default client of that flavor."""

    def make(flavor: str, **options: Any) -> Any:
        if flavor == "sync":
            return TaskMasterClient(TEST_URL, transport=sync_transport, **options)
        return AsyncTaskMasterClient(TEST_URL, transport=async_transport, **options)

    return make


@pytest.fixture(params=["sync", "async"])
def flavor(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def tm(flavor: str, user: Any, make_client: Callable[..., Any]) -> AsyncIterator[Any]:
    """A logged-in client for a fresh user: `await tm.method(...)` on either flavor."""
    client = make_client(flavor, email=user.email, password=user.password)
    if flavor == "sync":
        with client:
            yield SyncAsAsync(client)
    else:
        async with client:
            yield client
