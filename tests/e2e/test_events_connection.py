"""What a subscriber sees of its connection, against the real server: the resume point known
before the first connection, the log's head without walking it, the resync fields, connection
changes, and the one retry of a stream ticket that expired before its handshake."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from taskmaster import (
    AsyncTaskMasterClient,
    AuthenticationError,
    ConnectionChange,
    ResyncRequiredError,
    TaskMasterClient,
)
from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.settings import Settings
from taskmaster_server.testing import LiveServer
from tests.fixtures.server import ServerUser

WAIT = 15.0


def test_subscribing_from_now_fixes_now_on_entering_the_block(live_server: Any, user: Any) -> None:
    changes: list[ConnectionChange] = []
    with TaskMasterClient(live_server.api_url, email=user.email, password=user.password) as client:
        for title in ("a", "b", "c"):
            client.create_task(title=title)
        head = client.get_event_head()
        assert (head.latest_seq, head.oldest_seq) == (3, 1)
        subscription = client.events.subscribe(on_connection_change=changes.append)
        assert subscription.last_seq is None
        with subscription as events:
            assert events.last_seq == 3  # before any connection
            client.create_task(title="written before iterating")
            received: list[Any] = []
            consumer = threading.Thread(target=lambda: received.append(next(iter(events))))
            consumer.start()
            consumer.join(WAIT)
        assert [e.data["object"]["title"] for e in received] == ["written before iterating"]
        assert received[0].seq == 4
    assert [(c.state, c.last_seq) for c in changes] == [("connected", 3)]


async def test_async_head_and_resync_fields(live_server: Any, user: Any) -> None:
    async with AsyncTaskMasterClient(
        live_server.api_url, email=user.email, password=user.password
    ) as client:
        await client.create_task(title="one")
        head = await client.get_event_head()
        assert head.latest_seq == 1
        with pytest.raises(ResyncRequiredError) as caught:
            await client.list_events(after=5)
        async with client.events.subscribe(types=["task.created"]) as events:
            assert events.last_seq == 1
            await client.create_task(title="two")
            async with asyncio.timeout(WAIT):
                event = await anext(aiter(events))
        assert (event.seq, event.data["object"]["title"]) == (2, "two")
    assert (caught.value.latest_seq, caught.value.oldest_seq) == (1, 1)


@pytest.fixture
def expired_tickets(server_settings: Settings) -> Iterator[LiveServer]:
    """A server whose stream tickets have expired by the time they are redeemed."""
    app = create_app(server_settings.with_changes(event_ticket_ttl=-1))
    server = LiveServer(app).start()
    yield server
    server.stop()
    runtime_of(app).close()


def test_an_expired_ticket_is_retried_once_then_raises(
    expired_tickets: LiveServer, make_user: Callable[..., ServerUser]
) -> None:
    user = make_user()
    with TaskMasterClient(
        expired_tickets.api_url, email=user.email, password=user.password
    ) as client:
        events = client.events.subscribe(idle_timeout=WAIT)
        with events, pytest.raises(AuthenticationError, match="ticket"):
            next(iter(events))
