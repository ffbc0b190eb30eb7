"""An overall deadline for each attempt of a request, at the socket, sync and async alike.

httpx timeouts are per operation: `timeout=3` allows 3 s per socket read, so a server that
trickles one byte every 0.5 s holds a call for as long as it likes. Each attempt therefore also
gets a deadline: the largest of its timeouts (`connect`, `read`, `write`, `pool`), counted from
the moment the attempt starts and covering connecting, sending, the response head and its body.

It is enforced where the time is spent: the network backend of the httpx transports the SDK
wraps. Every socket operation's own timeout is cut to what is left of the deadline, and one
that starts after it raises at once, so a trickling server gets a `ReadTimeout` at the deadline.
The retrying transport starts each attempt's clock (`start_attempt`); the deadline lives in a
context variable, so it follows the request into its body read and never leaks to another
thread or task. Transports the SDK cannot look into (a `MockTransport`, an ASGI app) have no
sockets to bound.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    import ssl
    from collections.abc import Iterable

    import httpcore

__all__ = ["DEADLINE", "install", "start_attempt"]

# Where the deadline of a request's current attempt is kept (monotonic seconds).
DEADLINE = "taskmaster.deadline"
_deadline: ContextVar[float | None] = ContextVar("taskmaster_deadline", default=None)


def budget(request: httpx.Request) -> float | None:
    """The attempt's overall budget in seconds: its largest timeout (None: no deadline)."""
    limits = request.extensions.get("timeout")
    if not isinstance(limits, dict) or not limits:
        return None
    largest: float | None = None
    for value in limits.values():  # a plain loop: this runs on every attempt
        if not isinstance(value, (int, float)):  # a tuple: faster than `int | float`
            return None  # some phase may take forever: so may the attempt
        if largest is None or value > largest:
            largest = value
    return None if largest is None else float(largest)


def start_attempt(request: httpx.Request) -> None:
    """Start the clock of one attempt of `request`."""
    seconds = budget(request)
    deadline = None if seconds is None else time.monotonic() + seconds
    request.extensions[DEADLINE] = deadline
    _deadline.set(deadline)


def _cut(timeout: float | None, on_expiry: str) -> float | None:
    """`timeout` cut to what is left of the deadline; the httpcore timeout `on_expiry` (httpx
    maps it like its own) once nothing is left."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        import httpcore  # loaded already: the transport that called us uses it

        raise getattr(httpcore, on_expiry)("the attempt's deadline passed")
    return left if timeout is None else min(timeout, left)


# The wrappers duck-type httpcore's stream and backend interfaces instead of subclassing them,
# so `import taskmaster` does not import httpcore (httpx itself defers it).
class _Stream:
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _cut(timeout, "ReadTimeout"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:  # httpcore writes b"" twice per bodiless request; its streams ignore that
            self._stream.write(buffer, _cut(timeout, "WriteTimeout"))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> _Stream:
        timeout = _cut(timeout, "ConnectTimeout")
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend:
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> _Stream:
        timeout = _cut(timeout, "ConnectTimeout")
        return _Stream(
            self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> _Stream:
        timeout = _cut(timeout, "ConnectTimeout")
        return _Stream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncStream:
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, _cut(timeout, "ReadTimeout"))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            await self._stream.write(buffer, _cut(timeout, "WriteTimeout"))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> _AsyncStream:
        timeout = _cut(timeout, "ConnectTimeout")
        stream = await self._stream.start_tls(ssl_context, server_hostname, timeout)
        return _AsyncStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncBackend:
    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> _AsyncStream:
        timeout = _cut(timeout, "ConnectTimeout")
        stream = await self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _AsyncStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> _AsyncStream:
        timeout = _cut(timeout, "ConnectTimeout")
        return _AsyncStream(await self._backend.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def install(transport: object) -> None:
    """Bound the sockets of an httpx transport (and its proxy's) by the attempt deadline.

    httpx builds its httpcore pool with the default network backend and no way to pass another;
    the pool reads `_network_backend` only when it opens a connection, so swapping it before
    the first request covers every connection. Anything else is left as it is.
    """
    wrapper: type[_Backend | _AsyncBackend]
    if isinstance(transport, httpx.HTTPTransport):
        wrapper = _Backend
    elif isinstance(transport, httpx.AsyncHTTPTransport):
        wrapper = _AsyncBackend
    else:
        return
    pool: Any = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is not None and not isinstance(backend, _Backend | _AsyncBackend):
        pool._network_backend = wrapper(backend)
