"""The WebSocket endpoint ``/api/v1/events/ws`` (protocol: ``openapi/events.asyncapi.yaml``).

Per connection: authenticate (``bearer.<token>`` subprotocol or ``?ticket=``), send a heartbeat
with the seq the stream starts after (``last_seq``, or the latest seq), replay the log after it
(or ``resync_required`` + close 4410 when retention cut it or it is beyond the latest seq), then
deliver live events as the broker signals commits. Delivery always reads the log from the last seq
sent, so replay and live never overlap or leave a gap.

Slow consumers: outgoing messages wait in a bounded buffer (``event_stream_buffer`` messages),
and each send must complete within ``event_stream_grace`` seconds. uvicorn's send blocks once
the socket's kernel buffers and its transport's write buffer are full, so a client that stops
reading first stalls one send; that send timing out (or the buffer staying full for the grace
period) closes the connection with 4408. Memory per connection is thus bounded by the buffer
plus the transport's high-water mark, whatever the client does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketState

from taskmaster_server.auth.tokens import InvalidToken
from taskmaster_server.db.models import Project
from taskmaster_server.events import feed, tickets
from taskmaster_server.events.broker import EventBroker, Subscription
from taskmaster_server.problems import Problem
from taskmaster_server.runtime import Runtime
from taskmaster_server.services.actors import resolve_actor

__all__ = ["EventStream"]

log = logging.getLogger("taskmaster.events")

SUBPROTOCOL = "taskmaster.v1"
BEARER_PREFIX = "bearer."
EVENT_TYPES = frozenset(
    f"{kind}.{verb}"
    for kind, verbs in {
        "task": ("created", "updated", "completed", "deleted"),
        "subtask": ("created", "updated", "deleted"),
        "project": ("created", "updated", "deleted"),
    }.items()
    for verb in verbs
)
PAGE = 100

UNAUTHENTICATED = 4401
FORBIDDEN = 4403
SLOW_CONSUMER = 4408
RESYNC_REQUIRED = 4410
GOING_AWAY = 1001
BAD_REQUEST = 1008


class Refused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class SlowConsumer(Exception):
    pass


@dataclass(frozen=True)
class StreamRequest:
    account_id: uuid.UUID
    last_seq: int | None
    where: feed.EventFilter


def _bearer(scope: Scope) -> str | None:
    for offered in scope.get("subprotocols", []):
        if offered.startswith(BEARER_PREFIX):
            return str(offered[len(BEARER_PREFIX) :])
    return None


def _parse_query(params: Any) -> tuple[int | None, feed.EventFilter]:
    last_seq: int | None = None
    raw = params.get("last_seq")
    if raw is not None:
        if not raw.isdigit() or int(raw) >= 2**63:
            raise Refused(BAD_REQUEST, "last_seq must be a non-negative integer")
        last_seq = int(raw)
    project_id: uuid.UUID | None = None
    if params.get("project_id"):
        try:
            project_id = uuid.UUID(params["project_id"])
        except ValueError:
            raise Refused(BAD_REQUEST, "project_id must be a UUID") from None
    types: frozenset[str] | None = None
    if params.get("types"):
        types = frozenset(t.strip() for t in params["types"].split(",") if t.strip())
        unknown = types - EVENT_TYPES
        if unknown:
            raise Refused(BAD_REQUEST, f"unknown event type {sorted(unknown)[0]}")
    return last_seq, feed.EventFilter(types, project_id)


def authorize(runtime: Runtime, scope: Scope, params: Any) -> StreamRequest:
    """Who is connecting and what they asked for; raises ``Refused`` (blocking: DB reads)."""
    last_seq, where = _parse_query(params)
    token, ticket = _bearer(scope), params.get("ticket")
    if token is not None:
        try:
            claims = runtime.tokens.verify(token)
        except InvalidToken as exc:
            raise Refused(UNAUTHENTICATED, f"invalid access token: {exc}") from None
        user_id, account_id = claims.user_id, claims.account_id
    elif ticket:
        holder = tickets.redeem(runtime.db, ticket)
        if holder is None:
            raise Refused(UNAUTHENTICATED, "unknown, used or expired ticket")
        user_id, account_id = holder.user_id, holder.account_id
    else:
        raise Refused(UNAUTHENTICATED, "send bearer.<token> as a subprotocol or ?ticket=")
    try:
        actor = resolve_actor(runtime.db, user_id, account_id, None)
    except Problem:
        raise Refused(UNAUTHENTICATED, "the account is no longer accessible") from None
    if where.project_id is not None:
        with runtime.db.read() as session:
            project = session.get(Project, where.project_id)
            if project is None or project.account_id != actor.account_id:
                raise Refused(FORBIDDEN, "the project is not in this account")
    return StreamRequest(actor.account_id, last_seq, where)


class EventStream:
    """The ASGI endpoint; one per app."""

    def __init__(self, runtime: Runtime, broker: EventBroker) -> None:
        self.runtime = runtime
        self.broker = broker
        #: Connections being served now, and those closed as slow consumers (for tests, metrics).
        self.open_connections = 0
        self.slow_consumers = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive, send)
        subprotocol = SUBPROTOCOL if SUBPROTOCOL in scope.get("subprotocols", []) else None
        try:
            request = await asyncio.to_thread(
                authorize, self.runtime, scope, websocket.query_params
            )
        except Refused as refused:
            # Accept first: a close before accepting is an HTTP 403 without our close code.
            await websocket.accept(subprotocol=subprotocol)
            await websocket.close(refused.code, refused.reason)
            return
        # Where the replay starts is read before accepting: without `last_seq`, everything that
        # commits after the client sees the handshake complete is delivered.
        start = await asyncio.to_thread(
            feed.replay_start, self.runtime.db, request.account_id, request.last_seq
        )
        await websocket.accept(subprotocol=subprotocol)
        connection = _Connection(self.runtime, self.broker, websocket, request, start)
        self.open_connections += 1
        try:
            if await connection.run() == SLOW_CONSUMER:
                self.slow_consumers += 1
                log.warning("closed a slow event stream consumer (4408)")
        finally:
            self.open_connections -= 1


class _Connection:
    def __init__(
        self,
        runtime: Runtime,
        broker: EventBroker,
        websocket: WebSocket,
        request: StreamRequest,
        start: tuple[int, feed.OutOfRange | None],
    ) -> None:
        settings = runtime.settings
        self.start = start
        self.db = runtime.db
        self.broker = broker
        self.websocket = websocket
        self.request = request
        self.heartbeat = settings.event_heartbeat_interval
        self.grace = settings.event_stream_grace
        self.buffer: asyncio.Queue[str] = asyncio.Queue(maxsize=settings.event_stream_buffer)

    async def run(self) -> int | None:
        """Serve until the client leaves or is closed; returns the close code sent, if any."""
        subscription = await self.broker.subscribe(self.request.account_id)
        tasks = [
            asyncio.create_task(self._pump(subscription)),
            asyncio.create_task(self._send()),
            asyncio.create_task(self._receive()),
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.broker.unsubscribe(subscription)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        pump, sender = tasks[0], tasks[1]
        if (
            sender in done
            and not sender.cancelled()
            and isinstance(sender.exception(), SlowConsumer)
        ):
            return await self._close(sender)
        return await self._close(pump if pump in done else None)

    async def _close(self, ended: asyncio.Task[None] | None) -> int | None:
        if ended is None or ended.cancelled():
            return None  # the client left (or the send failed): nothing to close
        error = ended.exception()
        if isinstance(error, Refused):
            code, reason = error.code, error.reason
        elif isinstance(error, SlowConsumer):
            code, reason = SLOW_CONSUMER, "slow consumer: the client stopped reading"
        elif error is None:
            code, reason = GOING_AWAY, "server shutting down"
        else:
            raise error
        if self.websocket.application_state != WebSocketState.DISCONNECTED:
            with contextlib.suppress(Exception):
                # A client that stopped reading may never answer the close handshake.
                await asyncio.wait_for(self.websocket.close(code, reason), 2.0)
        return code

    async def _put(self, message: dict[str, Any]) -> None:
        text = json.dumps(message, separators=(",", ":"), ensure_ascii=False)
        try:
            await asyncio.wait_for(self.buffer.put(text), self.grace)
        except TimeoutError:
            raise SlowConsumer from None

    async def _catch_up(self, cursor: int) -> int:
        """Queue every matching event after ``cursor``; returns the new cursor."""
        while True:
            window = await asyncio.to_thread(
                feed.read_window, self.db, self.request.account_id, cursor, self.request.where, PAGE
            )
            for event in window.events:
                await self._put({"kind": "event", "event": event})
            if window.cursor == cursor or window.cursor >= window.head:
                return window.cursor
            cursor = window.cursor

    async def _start(self) -> int:
        cursor, gap = self.start
        if gap is not None:
            message = {
                "kind": "resync_required",
                "oldest_seq": gap.oldest,
                "latest_seq": gap.latest,
            }
            await self.buffer.put(json.dumps(message))
            await self.buffer.join()
            if gap.ahead:
                raise Refused(RESYNC_REQUIRED, "last_seq is beyond the event log's latest seq")
            raise Refused(RESYNC_REQUIRED, "last_seq is older than the event log's retention")
        return cursor

    async def _pump(self, subscription: Subscription) -> None:
        cursor = await self._start()
        # The first frame states where the stream starts, so a client that gave no `last_seq`
        # has its resume point at once: a drop before the first event or periodic heartbeat
        # then resumes from here instead of from "now", which would skip what committed
        # between the two connections.
        await self._put({"kind": "heartbeat", "seq": cursor})
        cursor = await self._catch_up(cursor)
        next_beat = time.monotonic() + self.heartbeat
        while not subscription.closing:
            timeout = max(0.0, next_beat - time.monotonic())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(subscription.woken.wait(), timeout)
            subscription.woken.clear()
            # Also at every heartbeat: a wake-up lost between processes only delays an event.
            cursor = await self._catch_up(cursor)
            if time.monotonic() >= next_beat:
                await self._put({"kind": "heartbeat", "seq": cursor})
                next_beat = time.monotonic() + self.heartbeat

    async def _send(self) -> None:
        while True:
            text = await self.buffer.get()
            try:
                # Blocks while the client's socket is full; uvicorn's send is safe to cancel
                # (it waits for the transport to be writable before writing anything).
                await asyncio.wait_for(self.websocket.send_text(text), self.grace)
            except TimeoutError:
                raise SlowConsumer from None
            self.buffer.task_done()

    async def _receive(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
