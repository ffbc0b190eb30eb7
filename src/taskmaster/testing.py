"""Test your own code against a real Task Master, in-process: no mocks, no network.

Installed with the `server` extra, this is a pytest plugin (registered as the `taskmaster`
entry point, so it is active as soon as the package is installed). Its fixtures:

==========================  ==========================================================
fixture                     what
==========================  ==========================================================
``taskmaster_server``       a `TestServer` (one per test session): the reference server on
                            a fresh in-memory SQLite database, served in-process
``taskmaster_client``       a `TaskMasterClient` logged in as a new user, with an account
                            of its own
``async_taskmaster_client`` the same as an `AsyncTaskMasterClient` (in async tests)
==========================  ==========================================================

    def test_my_report(taskmaster_client):
        taskmaster_client.create_task(title="Write the report")
        assert my_code.pending_titles(taskmaster_client) == ["Write the report"]

Each test's user has an account of its own, and all data is scoped per account, so tests never
see each other's data. For a database of its own, or without pytest, use `TestServer` directly:
`with TestServer() as server: client = server.client(server.create_user())`.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from tempfile import TemporaryDirectory
from types import TracebackType
from typing import Any, Self

import httpx
import pytest

from ._client import AsyncTaskMasterClient, TaskMasterClient

__all__ = ["TestServer", "TestUser"]

SERVER_EXTRA = "taskmaster.testing needs the server extra: pip install taskmaster-sdk[server]"
TEST_URL = "http://taskmaster.test"
PASSWORD = "taskmaster testing password"


class TestUser:
    """A user of a `TestServer`: its email, password and account id."""

    __test__ = False  # not a test class, whatever pytest's collection rules say

    def __init__(self, email: str, password: str, account_id: str) -> None:
        self.email = email
        self.password = password
        self.account_id = account_id

    def __repr__(self) -> str:
        return f"<TestUser {self.email} account={self.account_id}>"


class TestServer:
    """The reference server on a fresh in-memory SQLite database, served in-process.

    `client()` and `async_client()` return clients that reach it without a socket; each
    `create_user()` makes a user with an account of its own. `close()` drops the database.
    """

    __test__ = False

    def __init__(self) -> None:
        try:
            from taskmaster_server.app import create_app
            from taskmaster_server.db.migrate import upgrade
            from taskmaster_server.settings import Settings
        except ImportError as exc:
            raise ImportError(SERVER_EXTRA) from exc
        import sqlite3

        # A named in-memory database shared by the server's connections; the keeper connection
        # keeps it alive (SQLite drops it with its last connection).
        name = f"taskmaster-{uuid.uuid4().hex}"
        self._keeper = sqlite3.connect(f"file:{name}?mode=memory&cache=shared", uri=True)
        url = f"sqlite:///file:{name}?mode=memory&cache=shared&uri=true"
        upgrade(url)
        self._keys = TemporaryDirectory(prefix="taskmaster-testing-")
        settings = Settings(
            database_url=url,
            jwt_private_key=Path(self._keys.name) / "jwt-es256.pem",
            rate_limit="1000000/minute",
            login_rate_limit="1000000/minute",
            login_ip_rate_limit="1000000/minute",
            login_email_rate_limit="1000000/hour",
            webhook_worker=False,
            # Cheap hashes: a test suite logs in many times; production keeps the defaults.
            argon2_time_cost=1,
            argon2_memory_kib=1024,
        )
        self.app = create_app(settings)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._closed = False

    @property
    def runtime(self) -> Any:
        from taskmaster_server.app import runtime_of

        return runtime_of(self.app)

    def create_user(self, role: str = "owner", account_id: str | None = None) -> TestUser:
        """A new user (with an account of its own, or a member of `account_id`)."""
        from taskmaster_server.services import accounts

        email = f"user-{uuid.uuid4().hex[:12]}@example.com"
        created = accounts.create_user(
            self.runtime.db,
            self.runtime.passwords,
            email=email,
            password=PASSWORD,
            account_id=uuid.UUID(account_id) if account_id else None,
            role=role,
        )
        return TestUser(email, PASSWORD, str(created.account_id))

    def client(self, user: TestUser | None = None, **options: Any) -> TaskMasterClient:
        """A sync client, logged in as `user` (None: not logged in)."""
        login: dict[str, Any] = (
            {} if user is None else {"email": user.email, "password": user.password}
        )
        return TaskMasterClient(TEST_URL, transport=_SyncASGI(self), **login, **options)

    def async_client(self, user: TestUser | None = None, **options: Any) -> AsyncTaskMasterClient:
        """An async client, logged in as `user` (None: not logged in)."""
        login: dict[str, Any] = (
            {} if user is None else {"email": user.email, "password": user.password}
        )
        transport = httpx.ASGITransport(app=self.app)
        return AsyncTaskMasterClient(TEST_URL, transport=transport, **login, **options)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.runtime.close()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()
        self._keeper.close()
        self._keys.cleanup()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _SyncASGI(httpx.BaseTransport):
    """httpx serves ASGI apps to async clients only: run the app on the server's own loop."""

    def __init__(self, server: TestServer) -> None:
        self._server = server
        self._transport = httpx.ASGITransport(app=server.app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            response = await self._transport.handle_async_request(request)
            content = b"".join([chunk async for chunk in response.aiter_raw()])
            return httpx.Response(
                response.status_code, headers=response.headers, content=content,
                extensions=response.extensions,
            )  # fmt: skip

        return asyncio.run_coroutine_threadsafe(send(), self._server._loop).result()


# -- the pytest plugin ------------------------------------------------------------------------

_async_fixture: Any
try:  # async fixtures need an async runner; pytest-asyncio's strict mode wants its own marker
    from pytest_asyncio import fixture as _async_fixture
except ImportError:  # anyio's pytest plugin runs plain async fixtures
    _async_fixture = pytest.fixture


@pytest.fixture(scope="session")
def taskmaster_server() -> Iterator[TestServer]:
    """The reference server on an in-memory database made for this test session, in-process.

    One per session (per xdist worker): building the app takes seconds. Tests stay apart
    because each client fixture logs in as a new user with an account of its own, and all data
    is scoped per account. For a database of its own, a test can use `TestServer()` directly.
    """
    with TestServer() as server:
        yield server


@pytest.fixture
def taskmaster_client(taskmaster_server: TestServer) -> Iterator[TaskMasterClient]:
    """A `TaskMasterClient` logged in as a fresh user of `taskmaster_server`."""
    with taskmaster_server.client(taskmaster_server.create_user()) as client:
        yield client


@_async_fixture  # type: ignore[untyped-decorator]
async def async_taskmaster_client(
    taskmaster_server: TestServer,
) -> AsyncIterator[AsyncTaskMasterClient]:
    """An `AsyncTaskMasterClient` logged in as a fresh user of `taskmaster_server` (for async
    tests: pytest-asyncio or anyio)."""
    async with taskmaster_server.async_client(taskmaster_server.create_user()) as client:
        yield client
