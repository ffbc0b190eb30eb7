"""A subscriber opened without `last_seq` loses nothing when the server dies before its first
event or heartbeat.

The server is a real `python -m taskmaster_server serve` process on a SQLite file. The
subscriber connects, the server is killed (SIGKILL) ~1.5 s later, well before its first periodic
heartbeat, and a new process is started on the same port and file. Task A is created as soon as
`/health` answers, while the subscriber is still backing off; task B once it has resumed. It
must see both: its resume point was known from the start (the log's head, read before the
first connection, and the seq the server states in its first frame), so the reconnection
replays A. Before, it reconnected "from now" and A was lost. A poller that took the head with
`get_event_head()` before the kill sees both as well.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from taskmaster import AsyncTaskMasterClient, ConnectionChange, TaskMasterClient
from tests.fixtures.serve_process import ServerProcess, free_port, serve_env

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

EMAIL = "events-restart@example.com"
PASSWORD = "correct horse battery staple"
HEARTBEAT = 6.0  # seconds: far after the kill, so no periodic heartbeat arrives before it
KILL_AFTER = 1.5  # seconds after the subscriber connected
WAIT = 20.0
RECONNECT_CAP = 1.0  # seconds: the subscription's backoff cap (8 s by default), to keep it fast


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    env = serve_env(tmp_path, EMAIL, PASSWORD, TASKMASTER_EVENT_HEARTBEAT=str(HEARTBEAT))
    process = ServerProcess(env, free_port())
    process.start()
    yield process
    process.stop()


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def titles(events: list[object]) -> list[str]:
    return [e.data["object"]["title"] for e in events]  # type: ignore[attr-defined]


def check_reported(changes: list[ConnectionChange], caplog: pytest.LogCaptureFixture) -> None:
    assert [c.state for c in changes] == ["connected", "disconnected", "reconnected", "resumed"]
    assert {c.last_seq for c in changes} == {0}  # the head before A: where the replay starts
    assert changes[1].reason
    lines = [r.getMessage() for r in caplog.records if r.name == "taskmaster"]
    for state in ("disconnected", "reconnected", "resumed"):
        (line,) = [m for m in lines if f"event stream {state}" in m]
        assert "seq 0" in line, line


def test_a_sync_subscriber_sees_what_was_written_while_it_reconnected(
    server: ServerProcess, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="taskmaster")
    changes: list[ConnectionChange] = []
    seen: list[object] = []
    failures: list[BaseException] = []
    with TaskMasterClient(server.url + "/api/v1", email=EMAIL, password=PASSWORD) as client:
        head = client.get_event_head()
        subscription = client.events.subscribe(
            types=["task.created"], idle_timeout=3 * HEARTBEAT, on_connection_change=changes.append
        )
        subscription._state.max_backoff = RECONNECT_CAP

        def consume() -> None:
            try:
                seen.extend(subscription)
            except BaseException as exc:  # reported below
                failures.append(exc)

        consumer = threading.Thread(target=consume, daemon=True)
        consumer.start()
        try:
            wait_until(lambda: [c.state for c in changes] == ["connected"], "the first connection")
            time.sleep(KILL_AFTER)
            server.kill()
            server.start()
            client.create_task(title="A")
            wait_until(lambda: changes[-1].state == "resumed", "the subscriber to resume")
            client.create_task(title="B")
            wait_until(lambda: len(seen) >= 2, "A and B")
        finally:
            subscription.close()
            consumer.join(10)
        polled = client.list_events(after=head.latest_seq, types=["task.created"])
        assert titles(list(polled)) == ["A", "B"]
    assert not failures, failures
    assert titles(seen) == ["A", "B"]
    check_reported(changes, caplog)


async def test_an_async_subscriber_sees_what_was_written_while_it_reconnected(
    server: ServerProcess, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="taskmaster")
    changes: list[ConnectionChange] = []
    seen: list[object] = []
    progress = asyncio.Event()  # set on every connection change and every event

    def changed(change: ConnectionChange) -> None:
        changes.append(change)
        progress.set()

    async def until(condition: Callable[[], bool], what: str) -> None:
        try:
            async with asyncio.timeout(WAIT):
                while True:
                    progress.clear()
                    if condition():
                        return
                    await progress.wait()
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}") from None

    async with AsyncTaskMasterClient(
        server.url + "/api/v1", email=EMAIL, password=PASSWORD
    ) as client:
        head = await client.get_event_head()
        subscription = client.events.subscribe(
            types=["task.created"], idle_timeout=3 * HEARTBEAT, on_connection_change=changed
        )
        subscription._state.max_backoff = RECONNECT_CAP

        async def consume() -> None:
            async for event in subscription:
                seen.append(event)
                progress.set()

        consumer = asyncio.create_task(consume())
        try:
            await until(lambda: [c.state for c in changes] == ["connected"], "the connection")
            await asyncio.sleep(KILL_AFTER)
            await asyncio.to_thread(server.kill)
            await asyncio.to_thread(server.start)
            await client.create_task(title="A")
            await until(lambda: changes[-1].state == "resumed", "the subscriber to resume")
            await client.create_task(title="B")
            await until(lambda: len(seen) >= 2, "A and B")
        finally:
            await subscription.aclose()
            await asyncio.wait_for(consumer, 10)
        polled = [
            e async for e in client.list_events(after=head.latest_seq, types=["task.created"])
        ]
        assert titles(polled) == ["A", "B"]
    assert titles(seen) == ["A", "B"]
    check_reported(changes, caplog)
