"""`client.events.subscribe()`: the WebSocket event stream as a sync or async iterator.

A subscription knows the seq to resume after before it first connects: the `last_seq` it was
given, or else the log's head (`GET /events/head`). Every event and heartbeat moves it forward,
and a dropped connection reopens with backoff and `last_seq` set to it: the server replays what
was missed from its log, so a drop loses nothing and repeats nothing, however early it comes.

Each connection opens with a one-use ticket from `POST /events/ticket`, requested through the
client's own auth (which renews the access token as for any call), so the handshake carries no
token for `websockets`' DEBUG log to print. `websockets` is imported on first use so
`import taskmaster` stays light; the I/O-free decisions are in `_stream_state.py`.

Close codes (see `openapi/events.asyncapi.yaml`): 4401 (a ticket that expired before the
handshake) retries once with a new ticket, then raises `AuthenticationError`; 4403 raises
`PermissionDeniedError`; 4410 (after a `resync_required` message) raises `ResyncRequiredError`;
1008 raises `InvalidRequestError`; anything else (4408 slow consumer, 1001/1012 server restart,
a dropped socket) reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from ._exceptions import TaskMasterError
from ._logs import redact
from ._stream_state import SUBPROTOCOL, _Closed, _StreamState, close_of, transient, websocket_logger

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from taskmaster_api.models import Event

__all__ = ["AsyncEventSubscription", "EventSubscription"]

T = TypeVar("T")


def _called(method: Callable[[], T]) -> T:
    try:
        return method()
    except TaskMasterError as exc:
        closed = transient(exc)
        if closed is None:
            raise
        raise closed from None


async def _awaited(method: Callable[[], Awaitable[T]]) -> T:
    try:
        return await method()
    except TaskMasterError as exc:
        closed = transient(exc)
        if closed is None:
            raise
        raise closed from None


class EventSubscription:
    """Iterate to receive `Event`s; `close()` (or leave the `with` block) to stop."""

    def __init__(self, client: Any, state: _StreamState) -> None:
        self._client = client  # a copy without retries: the subscription has its own backoff
        self._state = state
        self._socket: Any = None
        self._lock = threading.Lock()

    @property
    def last_seq(self) -> int | None:
        """The seq to resume after (the last event yielded, or a later heartbeat's); None only
        until the subscription has read the log's head."""
        return self._state.last_seq

    def __enter__(self) -> EventSubscription:
        # "From now" means from here: read the head now, so events written inside the block
        # before the first `next()` are delivered. A server that is down is retried later.
        with contextlib.suppress(_Closed):
            self._start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._state.closed = True
        with self._lock:
            socket, self._socket = self._socket, None
        if socket is not None:
            socket.close()

    def __iter__(self) -> Iterator[Event]:
        while not self._state.closed:
            try:
                yield from self._connection()
            except _Closed as closed:
                self._state.dropped(closed)
                if self._state.stopped():
                    return
                if not self._state.after_close(closed):
                    time.sleep(self._state.backoff())

    def _start(self) -> None:
        if self._state.last_seq is None:
            self._state.start_after(_called(self._client.get_event_head).latest_seq)

    def _connection(self) -> Iterator[Event]:
        from websockets.exceptions import InvalidHandshake
        from websockets.sync.client import connect

        self._start()
        ticket = _called(self._client.create_event_stream_ticket).ticket
        try:
            socket = connect(
                self._state.url(ticket),
                subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
                open_timeout=10,
                close_timeout=2,
                logger=websocket_logger(),
                **self._state.connect_options,
            )
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            raise _Closed(None, redact(str(exc))) from None
        with self._lock:
            # `close()` from another thread while this connection was being opened.
            stopped, self._socket = self._state.closed, socket
        if stopped:
            self.close_socket(socket)
            return
        # Entered as a context manager: websockets >= 17.1 warns about a bare connect().
        with socket:
            self._state.opened()
            yield from self._messages(socket)

    def _messages(self, socket: Any) -> Iterator[Event]:
        from websockets.exceptions import ConnectionClosed

        try:
            while True:
                try:
                    raw = socket.recv(timeout=self._state.idle_timeout)
                except TimeoutError:
                    raise _Closed(None, "no message within the idle timeout") from None
                except ConnectionClosed as exc:
                    raise close_of(exc) from None
                event = self._state.handle(raw)
                if event is not None:
                    yield event
        finally:
            self.close_socket(socket)

    def close_socket(self, socket: Any) -> None:
        with self._lock:
            if self._socket is socket:
                self._socket = None
        socket.close()


class AsyncEventSubscription:
    """`async for` to receive `Event`s; `await aclose()` (or `async with`) to stop."""

    def __init__(self, client: Any, state: _StreamState) -> None:
        self._client = client
        self._state = state
        self._socket: Any = None

    @property
    def last_seq(self) -> int | None:
        """The seq to resume after (see `EventSubscription.last_seq`)."""
        return self._state.last_seq

    async def __aenter__(self) -> AsyncEventSubscription:
        with contextlib.suppress(_Closed):
            await self._start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._state.closed = True
        socket, self._socket = self._socket, None
        if socket is not None:
            await socket.close()

    async def __aiter__(self) -> AsyncIterator[Event]:
        while not self._state.closed:
            try:
                async for event in self._connection():
                    yield event
            except _Closed as closed:
                self._state.dropped(closed)
                if self._state.stopped():
                    return
                if not self._state.after_close(closed):
                    await asyncio.sleep(self._state.backoff())

    async def _start(self) -> None:
        if self._state.last_seq is None:
            head = await _awaited(self._client.get_event_head)
            self._state.start_after(head.latest_seq)

    async def _connection(self) -> AsyncIterator[Event]:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed, InvalidHandshake

        await self._start()
        ticket = (await _awaited(self._client.create_event_stream_ticket)).ticket
        try:
            socket = await connect(
                self._state.url(ticket),
                subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
                open_timeout=10,
                close_timeout=2,
                logger=websocket_logger(),
                **self._state.connect_options,
            )
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            raise _Closed(None, redact(str(exc))) from None
        if self._state.closed:  # `aclose()` while this connection was being opened
            await socket.close()
            return
        self._socket = socket
        try:
            self._state.opened()
            while True:
                try:
                    raw = await asyncio.wait_for(socket.recv(), self._state.idle_timeout)
                except TimeoutError:
                    raise _Closed(None, "no message within the idle timeout") from None
                except ConnectionClosed as exc:
                    raise close_of(exc) from None
                event = self._state.handle(raw)
                if event is not None:
                    yield event
        finally:
            if self._socket is socket:
                self._socket = None
            await socket.close()
