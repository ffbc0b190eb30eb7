"""What an event subscription decides without I/O: URLs, messages, close codes, backoff, and
the connection changes it reports (`ConnectionChange`, one INFO line each on `taskmaster`).

The resume point: a subscription always has a seq to resume after before it connects (the one
given, or the log's head read with `GET /events/head`), and every heartbeat or event moves it
forward. A dropped connection therefore reopens after that seq and the server replays what was
missed; nothing depends on a heartbeat having arrived before the drop.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

import httpx

from ._exceptions import (
    APIConnectionError,
    InvalidRequestError,
    RateLimitError,
    ServerError,
    TaskMasterError,
    error_for_problem,
)
from ._json import PARSE_ERRORS, loads
from ._logs import logger, redact

if TYPE_CHECKING:
    from taskmaster_api.models import Event

__all__ = ["SUBPROTOCOL", "ConnectionChange", "websocket_logger"]

SUBPROTOCOL = "taskmaster.v1"
PROBLEM_BASE = "https://taskmaster.dev/problems/"
_FATAL = {4403: ("forbidden", 403), 4410: ("resync-required", 410)}
# What a ticket or head request may fail with and still be worth retrying with backoff.
_TRANSIENT = (APIConnectionError, ServerError, RateLimitError)

ConnectionState = Literal["connected", "disconnected", "reconnected", "resumed"]


@dataclass(frozen=True)
class ConnectionChange:
    """What happened to an event subscription's connection, for `on_connection_change`.

    `state` is `connected` (the first connection is open), `disconnected` (it dropped; `reason`
    says why), `reconnected` (a new connection is open, resuming after `last_seq`) or `resumed`
    (the server accepted that resume point and is replaying what was missed). `last_seq` is
    the seq the subscription resumes after at that moment.
    """

    state: ConnectionState
    last_seq: int | None
    reason: str | None = None


class _Closed(Exception):
    """The connection ended; `code` is None when it dropped without a close frame."""

    def __init__(self, code: int | None, reason: str = "") -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class _RedactingAdapter(logging.LoggerAdapter):  # type: ignore[type-arg]
    """The `websockets.client` logger, with every message redacted before any handler sees it.

    The handshake carries no token (a one-use ticket opens the stream), but websockets logs the
    request line with that ticket at DEBUG; this hides it too, without touching the logger's
    configuration for anyone else.
    """

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        if self.isEnabledFor(level):
            try:
                text = str(msg) % args if args else str(msg)
            except (TypeError, ValueError):
                text = f"{msg} {args!r}"
            self.logger.log(level, "%s", redact(text), **kwargs)


_websocket_logger: _RedactingAdapter | None = None


def websocket_logger() -> logging.LoggerAdapter:  # type: ignore[type-arg]
    global _websocket_logger
    if _websocket_logger is None:
        _websocket_logger = _RedactingAdapter(logging.getLogger("websockets.client"), {})
    return _websocket_logger


def transient(exc: TaskMasterError) -> _Closed | None:
    """A `_Closed` to reconnect after, when a ticket or head request failed in passing."""
    if isinstance(exc, _TRANSIENT):
        return _Closed(None, f"{type(exc).__name__}: {exc}")
    return None


class _StreamState:
    """Everything a subscription decides without I/O: URLs, messages, close codes, backoff."""

    def __init__(
        self,
        api_url: str,
        *,
        types: Sequence[str] | str | None,
        project_id: Any,
        last_seq: int | None,
        idle_timeout: float,
        max_backoff: float,
        on_connection_change: Callable[[ConnectionChange], object] | None = None,
    ) -> None:
        if last_seq is not None and (not isinstance(last_seq, int) or last_seq < 0):
            raise InvalidRequestError("last_seq must be a non-negative integer")
        self.api_url = api_url
        self.last_seq = last_seq
        self.idle_timeout = idle_timeout
        self.max_backoff = max_backoff
        self.on_connection_change = on_connection_change
        self.failures = 0
        self.retried_ticket = False  # a 4401 already had its one retry with a fresh ticket
        self.resync: dict[str, Any] = {}  # the server's resync_required message
        self.closed = False
        self.connections = 0  # connections opened so far
        self.up = False  # a connection is open
        self._awaiting_first = False  # no message yet on the open connection
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

    def start_after(self, head: int) -> None:
        """Resume after `head` (the log's latest seq) unless a resume point is known already."""
        if self.last_seq is None:
            self.last_seq = head

    def url(self, ticket: str | None = None) -> str:
        url = httpx.URL(self.api_url + "/events/ws")
        query = dict(self._query)
        if self.last_seq is not None:
            query["last_seq"] = str(self.last_seq)
        if ticket is not None:
            query["ticket"] = ticket
        scheme = "wss" if url.scheme == "https" else "ws"
        return str(url.copy_with(scheme=scheme, query=urlencode(query).encode() or None))

    # Connection changes: one INFO line each, and the user's callback.

    def _change(self, state: ConnectionState, reason: str | None = None) -> None:
        change = ConnectionChange(state, self.last_seq, reason)
        if state == "disconnected":
            logger.info(
                "event stream disconnected (%s); resuming after seq %s", reason, self.last_seq
            )
        elif state == "resumed":
            logger.info("event stream resumed after seq %s", self.last_seq)
        else:
            logger.info("event stream %s; events after seq %s follow", state, self.last_seq)
        if self.on_connection_change is not None:
            self.on_connection_change(change)

    def opened(self) -> None:
        self.connections += 1
        self.up = self._awaiting_first = True
        self._change("connected" if self.connections == 1 else "reconnected")

    def dropped(self, closed: _Closed) -> None:
        """A connection ended, or an attempt to open one failed."""
        self._awaiting_first = False
        what = f"close {closed.code}" if closed.code is not None else "connection lost"
        reason = f"{what}: {closed.reason}" if closed.reason else what
        if not self.up:
            logger.debug("event stream: could not connect (%s)", reason)
        elif not self.closed:
            self.up = False
            self._change("disconnected", reason)
        self.up = False

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
        self.retried_ticket = False
        if kind == "resync_required":
            self.resync = {k: v for k, v in message.items() if k != "kind"}
            return None
        if self._awaiting_first:
            self._awaiting_first = False
            if self.connections > 1:
                self._change("resumed")
        if kind == "heartbeat":
            # The server sends one on connecting (the seq the stream starts after), then one
            # after every event up to `seq` (that matched our filter).
            seq = message.get("seq")
            if isinstance(seq, int) and (self.last_seq is None or seq > self.last_seq):
                self.last_seq = seq
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
        """Raise for a close that reconnecting cannot fix; True to reconnect at once."""
        if closed.code == 4401:
            # The ticket expired before the handshake, or was spent: one retry with a new one.
            # (The access token itself is renewed by the ticket request's own auth.)
            if self.retried_ticket:
                raise self._error(401, "unauthorized", closed.reason or "unauthenticated")
            self.retried_ticket = True
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

    def _error(self, status: int, slug: str, detail: str, **extra: Any) -> TaskMasterError:
        problem = {"type": PROBLEM_BASE + slug, "status": status, "detail": detail, **extra}
        response = httpx.Response(status, json=problem, request=httpx.Request("GET", self.url()))
        return error_for_problem(status, response.json(), response)


def close_of(exc: Exception) -> _Closed:
    received = getattr(exc, "rcvd", None)
    if received is not None:
        return _Closed(received.code, received.reason)
    return _Closed(None, str(exc))
