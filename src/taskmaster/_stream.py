"""`client.subscribe()`: the WebSocket event stream as a sync or async iterator.

Each subscription remembers the last seq it yielded and, when the connection drops, reconnects
with backoff and `last_seq` set to it: the server replays what was missed from its log, so a
drop loses nothing and repeats nothing. The access token goes in the handshake's
`Sec-WebSocket-Protocol` header (`taskmaster.v1, bearer.<token>`), obtained and renewed through
the client's own auth. `websockets` is imported on first use so `import taskmaster` stays light.

Close codes (see `openapi/events.asyncapi.yaml`): 4401 renews the token once and reconnects,
then raises `AuthenticationError`; 4403 raises `PermissionDeniedError`; 4410 (after a
`resync_required` message) raises `ResyncRequiredError`; 1008 raises `InvalidRequestError`;
anything else (4408 slow consumer, 1001/1012 server restart, a dropped socket) reconnects.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx

from ._exceptions import (
    AuthenticationError,
    InvalidRequestError,
    TaskMasterError,
    error_for_problem,
)
from ._json import PARSE_ERRORS, loads
from ._logs import logger

if TYPE_CHECKING:
    from taskmaster_api.models import Event

    from ._auth import TokenAuth

__all__ = ["AsyncEventSubscription", "EventSubscription"]

SUBPROTOCOL = "taskmaster.v1"
PROBLEM_BASE = "https://taskmaster.dev/problems/"
_FATAL = {4403: ("forbidden", 403), 4410: ("resync-required", 410)}


class _Closed(Exception):
    """The connection ended; `code` is None when it dropped without a close frame."""

    def __init__(self, code: int | None, reason: str = "") -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class _StreamState:
    """Everything a subscription decides without I/O: URLs, messages, close codes, backoff."""

    def __init__(
        self,
        api_url: str,
        auth: TokenAuth,
        *,
        types: Sequence[str] | str | None,
        project_id: Any,
        last_seq: int | None,
        idle_timeout: float,
        max_backoff: float,
    ) -> None:
        if last_seq is not None and (not isinstance(last_seq, int) or last_seq < 0):
            raise InvalidRequestError("last_seq must be a non-negative integer")
        self.api_url = api_url
        self.auth = auth
        self.last_seq = last_seq
        self.idle_timeout = idle_timeout
        self.max_backoff = max_backoff
        self.failures = 0
        self.renewed = False
        self.must_renew = False  # a 4401 asked for a new token before the next connection
        self.token_used: str | None = None  # the token of the last handshake
        self.resync: dict[str, Any] = {}  # the server's resync_required message
        self.closed = False
        # `websockets.connect` arguments: the client's proxy and TLS settings (`_connections`).
        self.connect_options: dict[str, Any] = {}
        self._query: dict[str, str] = {}
        if types:
            names = [types] if isinstance(types, str) else [getattr(t, "value", t) for t in types]
            self._query["types"] = ",".join(str(n) for n in names)
        if project_id is not None:
            self._query["project_id"] = str(getattr(project_id, "id", project_id))

    def stopped(self) -> bool:
        return self.closed

    def url(self) -> str:
        url = httpx.URL(self.api_url + "/events/ws")
        query = dict(self._query)
        if self.last_seq is not None:
            query["last_seq"] = str(self.last_seq)
        scheme = "wss" if url.scheme == "https" else "ws"
        return str(url.copy_with(scheme=scheme, query=urlencode(query).encode() or None))

    def subprotocols(self) -> list[str]:
        token = self.auth.tokens.access_token
        if not token:
            raise AuthenticationError(
                "The event stream needs an access token: give the client credentials or a token.",
                response=self._response(401, "unauthorized", "no access token"),
                problem=None,
            )
        self.token_used = token
        return [SUBPROTOCOL, f"bearer.{token}"]

    def handle(self, raw: str | bytes) -> Event | None:
        """The event in a server message, or None for a heartbeat / duplicate."""
        from taskmaster_api.models import Event

        try:
            message = loads(raw)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            logger.warning("the event stream sent a malformed message; reconnecting")
            raise _Closed(None, "malformed message")
        kind = message.get("kind")
        self.failures = 0
        self.renewed = False
        if kind == "heartbeat":
            # The server sends it after every event up to `seq` (that matched our filter).
            seq = message.get("seq")
            if isinstance(seq, int) and (self.last_seq is None or seq > self.last_seq):
                self.last_seq = seq
            return None
        if kind == "resync_required":
            self.resync = {k: v for k, v in message.items() if k != "kind"}
            return None
        payload = message.get("event")
        if kind != "event" or not isinstance(payload, dict):
            return None  # a newer server's message kind
        seq = payload.get("seq")
        if not isinstance(seq, int) or (self.last_seq is not None and seq <= self.last_seq):
            return None
        self.last_seq = seq
        try:
            return Event.from_dict(payload)
        except PARSE_ERRORS:
            return None  # an event type newer than this SDK: skipped, as the spec allows

    def after_close(self, closed: _Closed) -> bool:
        """Raise for a close that reconnecting cannot fix; True when the token must be renewed."""
        self.renewed = self.renewed and closed.code == 4401
        if closed.code == 4401:
            if self.renewed or not self.auth.can_renew():
                raise self._error(401, "unauthorized", closed.reason or "unauthenticated")
            self.renewed = self.must_renew = True
            return True
        if closed.code == 1008:
            raise InvalidRequestError(f"The event stream refused the request: {closed.reason}")
        if closed.code in _FATAL:
            slug, status = _FATAL[closed.code]
            if closed.code == 4410:
                raise self._error(status, slug, self._resync_detail(closed.reason), **self.resync)
            raise self._error(status, slug, closed.reason)
        return False

    @property
    def oldest_seq(self) -> int | None:
        oldest = self.resync.get("oldest_seq")
        return oldest if isinstance(oldest, int) else None

    def _resync_detail(self, reason: str) -> str:
        """Why the stream cannot resume after `last_seq`: too old for the log's retention, or
        ahead of its latest seq (a restored database, a reset counter). Both are answered alike:
        fetch the current state, then subscribe again from the latest seq."""
        after = "fetch the current state, then subscribe again from the latest seq."
        oldest = self.oldest_seq
        if self.last_seq is not None and oldest is not None and self.last_seq < oldest - 1:
            return (
                f"The event log no longer reaches back to seq {self.last_seq} "
                f"(oldest kept: {oldest}); {after}"
            )
        latest = self.resync.get("latest_seq")
        if self.last_seq is not None and (oldest is None or self.last_seq >= oldest - 1):
            behind = f" (latest: {latest})" if isinstance(latest, int) else ""
            return (
                f"seq {self.last_seq} is ahead of the event log{behind}, as after a restore or a "
                f"reset ({reason or 'resync required'}); {after}"
            )
        return f"The event stream cannot resume ({reason or 'resync required'}); {after}"

    def backoff(self) -> float:
        delay = min(0.25 * 2**self.failures, self.max_backoff)
        self.failures += 1
        return float(delay * random.uniform(0.5, 1.0))

    def _response(self, status: int, slug: str, detail: str, **extra: Any) -> httpx.Response:
        problem = {"type": PROBLEM_BASE + slug, "status": status, "detail": detail, **extra}
        request = httpx.Request("GET", self.url())
        return httpx.Response(status, json=problem, request=request)

    def _error(self, status: int, slug: str, detail: str, **extra: Any) -> TaskMasterError:
        response = self._response(status, slug, detail, **extra)
        return error_for_problem(status, response.json(), response)


def _close_of(exc: Exception) -> _Closed:
    received = getattr(exc, "rcvd", None)
    if received is not None:
        return _Closed(received.code, received.reason)
    return _Closed(None, str(exc))


class EventSubscription:
    """Iterate to receive `Event`s; `close()` (or leave the `with` block) to stop."""

    def __init__(self, http: httpx.Client, state: _StreamState) -> None:
        self._http = http
        self._state = state
        self._socket: Any = None
        self._lock = threading.Lock()

    @property
    def last_seq(self) -> int | None:
        """The seq to resume after (the last event yielded, or a later heartbeat's)."""
        return self._state.last_seq

    def __enter__(self) -> EventSubscription:
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
                if self._state.stopped():
                    return
                if not self._state.after_close(closed):
                    time.sleep(self._state.backoff())

    def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            return self._http.send(request, auth=None)
        except httpx.HTTPError as exc:  # the server is unreachable: reconnect with backoff
            raise _Closed(None, f"token renewal failed: {exc}") from None

    def _prepare(self) -> None:
        auth = self._state.auth
        if self._state.must_renew:
            auth.run(self._send, auth.renew_flow, auth.unchanged(self._state.token_used))
            self._state.must_renew = False
        auth.run(self._send, auth.prepare_flow, auth.needs_preparing)

    def _connection(self) -> Iterator[Event]:
        from websockets.exceptions import InvalidHandshake
        from websockets.sync.client import connect

        self._prepare()
        try:
            socket = connect(
                self._state.url(),
                subprotocols=self._state.subprotocols(),  # type: ignore[arg-type]
                open_timeout=10,
                close_timeout=2,
                **self._state.connect_options,
            )
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            raise _Closed(None, str(exc)) from None
        with self._lock:
            self._socket = socket
        # Entered as a context manager: websockets >= 17.1 warns about a bare connect().
        with socket:
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
                    raise _close_of(exc) from None
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

    def __init__(self, http: httpx.AsyncClient, state: _StreamState) -> None:
        self._http = http
        self._state = state
        self._socket: Any = None

    @property
    def last_seq(self) -> int | None:
        return self._state.last_seq

    async def __aenter__(self) -> AsyncEventSubscription:
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
                if self._state.stopped():
                    return
                if not self._state.after_close(closed):
                    await asyncio.sleep(self._state.backoff())

    async def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._http.send(request, auth=None)
        except httpx.HTTPError as exc:
            raise _Closed(None, f"token renewal failed: {exc}") from None

    async def _prepare(self) -> None:
        auth = self._state.auth
        if self._state.must_renew:
            await auth.arun(self._send, auth.renew_flow, auth.unchanged(self._state.token_used))
            self._state.must_renew = False
        await auth.arun(self._send, auth.prepare_flow, auth.needs_preparing)

    async def _connection(self) -> AsyncIterator[Event]:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed, InvalidHandshake

        await self._prepare()
        try:
            socket = await connect(
                self._state.url(),
                subprotocols=self._state.subprotocols(),  # type: ignore[arg-type]
                open_timeout=10,
                close_timeout=2,
                **self._state.connect_options,
            )
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            raise _Closed(None, str(exc)) from None
        self._socket = socket
        try:
            while True:
                try:
                    raw = await asyncio.wait_for(socket.recv(), self._state.idle_timeout)
                except TimeoutError:
                    raise _Closed(None, "no message within the idle timeout") from None
                except ConnectionClosed as exc:
                    raise _close_of(exc) from None
                event = self._state.handle(raw)
                if event is not None:
                    yield event
        finally:
            if self._socket is socket:
                self._socket = None
            await socket.close()
