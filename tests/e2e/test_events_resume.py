"""An SDK subscriber whose WebSocket connection is cut resumes without a gap or a duplicate.

The subscriber reaches the live server through the fault proxy, which pipes the WebSocket
upgrade as raw bytes. Stopping the proxy cuts the connection (the client sees the TCP
connection close without a close frame); events are then written directly to the server while
the subscriber cannot connect, and the proxy comes back on the same port. The subscriber must
see exactly seqs 1..N, in order, whether the events were written before, during or after the cut.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from taskmaster import AsyncTaskMasterClient, TaskMasterClient
from taskmaster_server.testing import LiveServer
from tests.faults.http11 import MAX_HEAD_BYTES
from tests.faults.proxy import FaultProxy
from tests.fixtures.server import ServerUser

BEFORE, DURING, AFTER = 4, 5, 4
TOTAL = BEFORE + DURING + AFTER
WAIT = 15.0


class PinnedProxy(FaultProxy):
    """A fault proxy that listens on a given port, so a restarted proxy has the same URL."""

    def __init__(self, upstream: str, port: int = 0) -> None:
        super().__init__(upstream)
        self._wanted_port = port

    async def _listen(self) -> asyncio.Server:
        return await asyncio.start_server(
            self._accept, host="127.0.0.1", port=self._wanted_port, limit=MAX_HEAD_BYTES
        )


class Cuttable:
    """The proxy in front of the live server; `cut()` drops every connection and refuses new
    ones until `restore()`."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.proxy: PinnedProxy | None = PinnedProxy(upstream).start()
        self.port = self.proxy.port
        self.url = self.proxy.url

    def cut(self) -> None:
        proxy, self.proxy = self.proxy, None
        if proxy is not None:
            proxy.stop()

    def restore(self) -> None:
        assert self.proxy is None
        self.proxy = PinnedProxy(self.upstream, self.port).start()

    def reconnections(self) -> int:
        assert self.proxy is not None
        return self.proxy.stats().client_connections

    def close(self) -> None:
        self.cut()


class Writer:
    """Writes tasks straight to the server (never through the proxy)."""

    def __init__(self, server: LiveServer, user: ServerUser) -> None:
        self.http = httpx.Client(base_url=server.api_url, timeout=10, trust_env=False)
        login = self.http.post("/auth/login", json={"email": user.email, "password": user.password})
        login.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {login.json()['access_token']}"

    def tasks(self, count: int, label: str) -> None:
        # One batch: `count` events committed together, delivered as one burst.
        items = [{"title": f"{label} {i}"} for i in range(count)]
        response = self.http.post("/tasks/batch", params={"atomic": "true"}, json=items)
        assert response.status_code == 200, response.text


@pytest.fixture
def proxy(live_server: LiveServer) -> Iterator[Cuttable]:
    cuttable = Cuttable(live_server.base_url)
    yield cuttable
    cuttable.close()


@pytest.fixture
def writer(live_server: LiveServer, make_user: Callable[..., ServerUser]) -> Iterator[Writer]:
    user = make_user()
    made = Writer(live_server, user)
    made.user = user  # type: ignore[attr-defined]
    yield made
    made.http.close()


def wait_for(seen: list[int], count: int, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while len(seen) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(seen) >= count, f"saw {seen}, expected {count} events within {timeout} s"


async def await_for(seen: list[int], arrived: asyncio.Event, count: int) -> None:
    try:
        async with asyncio.timeout(WAIT):
            while len(seen) < count:
                arrived.clear()
                await arrived.wait()
    except TimeoutError:
        raise AssertionError(f"saw {seen}, expected {count} events within {WAIT} s") from None


@pytest.mark.timeout(60)
def test_sync_subscriber_resumes_across_a_cut(proxy: Cuttable, writer: Writer) -> None:
    user: ServerUser = writer.user  # type: ignore[attr-defined]
    seen: list[int] = []
    failures: list[BaseException] = []
    with TaskMasterClient(proxy.url, email=user.email, password=user.password) as client:
        subscription = client.events.subscribe(last_seq=0, idle_timeout=10)

        def consume() -> None:
            try:
                for event in subscription:
                    seen.append(event.seq)
            except BaseException as exc:  # reported by the test thread
                failures.append(exc)

        consumer = threading.Thread(target=consume, daemon=True)
        consumer.start()
        try:
            writer.tasks(BEFORE, "before")
            wait_for(seen, BEFORE)
            proxy.cut()
            writer.tasks(DURING, "during")
            time.sleep(0.3)  # the subscriber retries (and fails) while the proxy is down
            proxy.restore()
            writer.tasks(AFTER, "after")
            wait_for(seen, TOTAL)
            time.sleep(0.2)  # a duplicate would arrive now
            assert proxy.reconnections() >= 1  # the stream really came back through the proxy
        finally:
            subscription.close()
            consumer.join(timeout=10)
    assert not failures, failures
    assert not consumer.is_alive()
    assert seen == list(range(1, TOTAL + 1))


@pytest.mark.timeout(60)
async def test_async_subscriber_resumes_across_a_cut(proxy: Cuttable, writer: Writer) -> None:
    user: ServerUser = writer.user  # type: ignore[attr-defined]
    seen: list[int] = []
    arrived = asyncio.Event()
    async with AsyncTaskMasterClient(proxy.url, email=user.email, password=user.password) as client:
        subscription = client.events.subscribe(last_seq=0, idle_timeout=10)

        async def consume() -> None:
            async for event in subscription:
                seen.append(event.seq)
                arrived.set()

        consumer = asyncio.create_task(consume())
        try:
            await asyncio.to_thread(writer.tasks, BEFORE, "before")
            await await_for(seen, arrived, BEFORE)
            await asyncio.to_thread(proxy.cut)
            await asyncio.to_thread(writer.tasks, DURING, "during")
            await asyncio.sleep(0.3)
            await asyncio.to_thread(proxy.restore)
            await asyncio.to_thread(writer.tasks, AFTER, "after")
            await await_for(seen, arrived, TOTAL)
            await asyncio.sleep(0.2)
            assert proxy.reconnections() >= 1
        finally:
            await subscription.aclose()
            await asyncio.wait_for(consumer, 10)
    assert seen == list(range(1, TOTAL + 1))
