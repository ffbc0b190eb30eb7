"""One client connection through the fault proxy: read requests, fault or forward them, relay.

Each client connection gets its own upstream connection, opened on its first forwarded request
and reused while both sides keep alive, so keep-alive behaves end to end as it would without the
proxy. The `Connection` header travels unchanged both ways, so the client and the upstream always
agree on whether a connection survives an exchange.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

from tests.faults.answers import error_answer, fault_answer
from tests.faults.http11 import (
    MAX_HEAD_BYTES,
    BodyFraming,
    Framing,
    ProtocolError,
    Request,
    Response,
    read_request,
    read_response,
    relay_body,
    response_framing,
    within,
)
from tests.faults.injector import Counter, Decision, FaultInjector
from tests.faults.plan import BEFORE_FORWARDING, Fault

__all__ = ["ClientConnection", "Timeouts", "UpstreamSwitch", "UpstreamTarget"]

_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

# Errors that end an exchange: a peer went away, timed out or spoke something else than HTTP/1.1.
# IncompleteReadError is an EOFError.
_EXCHANGE_ERRORS = (OSError, EOFError, TimeoutError, ProtocolError)


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Bounds on every wait, in seconds."""

    #: Opening an upstream connection.
    connect: float = 5.0
    #: Each read or drain on either side while a request or response is under way.
    read: float = 30.0
    #: A client connection (or a WebSocket tunnel) with no traffic is closed after this.
    idle: float = 60.0
    #: An upstream connection idle longer than this is replaced rather than reused, so the proxy
    #: never races a server closing it for its own keep-alive timeout (uvicorn's is 5 s).
    upstream_max_idle: float = 2.0


@dataclass(frozen=True, slots=True)
class UpstreamTarget:
    host: str
    port: int
    #: Bumped on every switch or resume, so connections to the old target are not reused.
    generation: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def _parse_upstream(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname is None or parts.port is None:
        raise ValueError(f"upstream must look like http://127.0.0.1:PORT, got {url!r}")
    if parts.hostname not in _LOOPBACK_HOSTS:
        raise ValueError(f"upstream must be on the loopback interface, got {parts.hostname!r}")
    if parts.path not in ("", "/") or parts.query:
        raise ValueError(f"upstream is an origin without path or query, got {url!r}")
    return parts.hostname, parts.port


class UpstreamSwitch:
    """Where requests go, and whether they go at all; set from the test thread at any time."""

    def __init__(self, url: str) -> None:
        host, port = _parse_upstream(url)
        self._lock = threading.Lock()
        self._target = UpstreamTarget(host, port, 0)
        self._paused = False

    def target(self) -> UpstreamTarget:
        with self._lock:
            return self._target

    def switch(self, url: str) -> None:
        host, port = _parse_upstream(url)
        with self._lock:
            self._target = UpstreamTarget(host, port, self._target.generation + 1)

    @property
    def paused(self) -> bool:
        with self._lock:
            return self._paused

    def pause(self) -> None:
        with self._lock:
            self._paused = True

    def resume(self) -> None:
        with self._lock:
            self._paused = False
            # The server behind was probably restarted: never reuse a connection from before.
            old = self._target
            self._target = UpstreamTarget(old.host, old.port, old.generation + 1)


@dataclass(slots=True)
class _Upstream:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    target: UpstreamTarget
    idle_since: float

    def reusable(self, target: UpstreamTarget, max_idle: float) -> bool:
        return (
            target == self.target
            and not self.reader.at_eof()
            and not self.writer.is_closing()
            and time.monotonic() - self.idle_since < max_idle
        )


def _abort(writer: asyncio.StreamWriter) -> None:
    """Drop a connection with a TCP RST: SO_LINGER 0, then close without flushing."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _close(writer: asyncio.StreamWriter) -> None:
    if not writer.is_closing():
        writer.close()
    with contextlib.suppress(*_EXCHANGE_ERRORS):
        await within(1.0, writer.wait_closed())


class ClientConnection:
    """Serves the requests of one accepted client connection until either side ends it."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        switch: UpstreamSwitch,
        injector: FaultInjector,
        timeouts: Timeouts,
    ) -> None:
        self._reader, self._writer = reader, writer
        self._switch, self._injector, self._timeouts = switch, injector, timeouts
        self._upstream: _Upstream | None = None

    async def serve(self) -> None:
        try:
            while await self._serve_one():
                pass
        except _EXCHANGE_ERRORS:
            # Mid-response: nothing sensible can be sent any more, so the client sees a reset.
            _abort(self._writer)
        finally:
            await self._drop_upstream()
            await _close(self._writer)

    async def _serve_one(self) -> bool:
        """Serve one request; True when the connection stays open for another."""
        try:
            request = await within(self._timeouts.idle, read_request(self._reader))
        except TimeoutError:
            return False
        except ProtocolError:
            await self._answer(error_answer(HTTPStatus.BAD_REQUEST, None))
            return False
        if request is None:
            return False
        if self._switch.paused:
            # Like a gateway whose upstream is down: refuse quickly and drop the connection.
            self._injector.count(Counter.REQUESTS)
            self._injector.count(Counter.REFUSED_WHILE_PAUSED)
            await self._drop_upstream()
            await self._answer(error_answer(HTTPStatus.BAD_GATEWAY, request))
            return False
        decision = self._injector.decide(request.method, request.path)
        if decision.fault in BEFORE_FORWARDING:
            return await self._answer_fault(request, decision)
        return await self._forward(request, decision)

    async def _answer(self, data: bytes) -> None:
        self._writer.write(data)
        await within(self._timeouts.read, self._writer.drain())

    async def _answer_fault(self, request: Request, decision: Decision) -> bool:
        assert decision.fault is not None
        close = request.head.wants_close
        # Read the body the way a server shedding load does, so the connection stays usable.
        await relay_body(self._reader, None, request.framing, self._timeouts.read)
        self._record(request, decision)
        await self._answer(fault_answer(decision.fault, decision.plan, request, close=close))
        return not close

    def _record(self, request: Request, decision: Decision) -> None:
        assert decision.fault is not None
        self._injector.record(decision.request_number, request.method, request.path, decision.fault)

    async def _forward(self, request: Request, decision: Decision) -> bool:
        try:
            upstream = await self._upstream_for_request()
            await self._send_request(upstream, request)
            response = await self._final_response(upstream)
        except _EXCHANGE_ERRORS as exc:
            self._injector.count(Counter.UPSTREAM_ERRORS)
            await self._drop_upstream()
            timed_out = isinstance(exc, TimeoutError)
            status = HTTPStatus.GATEWAY_TIMEOUT if timed_out else HTTPStatus.BAD_GATEWAY
            with contextlib.suppress(*_EXCHANGE_ERRORS):
                await self._answer(error_answer(status, request))
            return False
        return await self._relay_response(upstream, request, response, decision)

    async def _upstream_for_request(self) -> _Upstream:
        target = self._switch.target()
        current = self._upstream
        if current is not None and current.reusable(target, self._timeouts.upstream_max_idle):
            return current
        await self._drop_upstream()
        opening = asyncio.open_connection(target.host, target.port, limit=MAX_HEAD_BYTES)
        reader, writer = await within(self._timeouts.connect, opening)
        self._injector.count(Counter.UPSTREAM_CONNECTIONS)
        self._upstream = _Upstream(reader, writer, target, time.monotonic())
        return self._upstream

    async def _send_request(self, upstream: _Upstream, request: Request) -> None:
        head = request.head
        head.start_line = f"{request.method} {request.target} {request.version}"
        head.replace("Host", f"{upstream.target.host}:{upstream.target.port}")
        head.replace("Proxy-Connection", None)
        upstream.writer.write(head.encode())
        await relay_body(self._reader, upstream.writer, request.framing, self._timeouts.read)
        self._injector.count(Counter.FORWARDED)

    async def _final_response(self, upstream: _Upstream) -> Response:
        """The upstream's final response head; interim (1xx) ones go straight to the client."""
        while True:
            response = await within(self._timeouts.read, read_response(upstream.reader))
            if response.status >= 200 or response.status == HTTPStatus.SWITCHING_PROTOCOLS:
                return response
            await self._answer(response.head.encode())

    async def _relay_response(
        self, upstream: _Upstream, request: Request, response: Response, decision: Decision
    ) -> bool:
        framing = response_framing(request.method, response)
        if response.status == HTTPStatus.SWITCHING_PROTOCOLS:
            await self._answer(response.head.encode())
            await self._tunnel(upstream)
            return False
        if decision.fault is Fault.RESET_AFTER_RESPONSE:
            # The upstream must have answered in full (the write is committed) before the reset.
            await relay_body(upstream.reader, None, framing, self._timeouts.read)
            self._record(request, decision)
            _abort(self._writer)
            return False
        if decision.fault is Fault.SLOW_RESPONSE:
            self._record(request, decision)
            await asyncio.sleep(decision.plan.slow_delay)
        self._writer.write(response.head.encode())
        await relay_body(upstream.reader, self._writer, framing, self._timeouts.read)
        upstream.idle_since = time.monotonic()
        ends = request.head.wants_close or response.head.wants_close
        if ends or framing.kind is Framing.UNTIL_CLOSE:
            await self._drop_upstream()
            return False
        return True

    async def _tunnel(self, upstream: _Upstream) -> None:
        """Pipe raw bytes both ways after a 101 until either side closes or goes idle."""
        raw = BodyFraming(Framing.UNTIL_CLOSE)
        idle = self._timeouts.idle
        pipes = [
            asyncio.create_task(relay_body(self._reader, upstream.writer, raw, idle)),
            asyncio.create_task(relay_body(upstream.reader, self._writer, raw, idle)),
        ]
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pipe in pipes:
                pipe.cancel()
            await asyncio.gather(*pipes, return_exceptions=True)

    async def _drop_upstream(self) -> None:
        upstream, self._upstream = self._upstream, None
        if upstream is not None:
            await _close(upstream.writer)
