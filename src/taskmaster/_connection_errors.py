"""The SDK exception for an httpx error that left no response, saying where and likely why.

`[Errno 111] Connection refused` tells a user little; `could not connect to
http://127.0.0.1:8000/api/v1/tasks (connection refused): is the server running?` tells them
what to check. The cause is read from the exception chain (httpx wraps httpcore, which wraps the
socket's `OSError`; anyio adds an "all connection attempts failed" layer), so sync and async
clients word the same failure the same way.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterator

import httpx

from ._deadline import DEADLINE, budget
from ._exceptions import APIConnectionError, APITimeoutError

__all__ = ["connection_error"]


def connection_error(exc: httpx.HTTPError) -> APIConnectionError:
    """The `APIConnectionError` (or `APITimeoutError`) for `exc`, naming the URL and cause."""
    try:
        request = exc.request
    except RuntimeError:  # raised before a request existed
        request = httpx.Request("GET", "http://unknown.invalid")
    url = str(request.url.copy_with(query=None, fragment=None))
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(_timeout_message(exc, request, url), request=request)
    return APIConnectionError(_connect_message(exc, request, url), request=request)


def _timeout_message(exc: httpx.TimeoutException, request: httpx.Request, url: str) -> str:
    limits = request.extensions.get("timeout") or {}
    deadline = request.extensions.get(DEADLINE)
    if isinstance(deadline, float) and time.monotonic() >= deadline:
        return (
            f"{url} did not complete its answer within the {_seconds(budget(request))} deadline "
            "of one attempt: the server is answering too slowly"
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return (
            f"timed out connecting to {url} after {_seconds(limits.get('connect'))}: "
            "is the host reachable (firewall, VPN, proxy)?"
        )
    if isinstance(exc, httpx.PoolTimeout):
        return (
            f"no free connection to {url} within {_seconds(limits.get('pool'))}: "
            "too many requests at once for the connection pool"
        )
    if isinstance(exc, httpx.WriteTimeout):
        return f"timed out sending the request to {url} after {_seconds(limits.get('write'))}"
    return (
        f"{url} sent nothing for {_seconds(limits.get('read'))} (read timeout): "
        "the server is slow or stuck"
    )


def _connect_message(exc: httpx.HTTPError, request: httpx.Request, url: str) -> str:
    host = request.url.host
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = cause.verify_message or "certificate verify failed"
            return (
                f"TLS handshake with {url} failed ({reason}): the server's certificate is not "
                "trusted; pass verify= a CA bundle or an ssl.SSLContext that trusts it"
            )
        if isinstance(cause, ssl.SSLError):
            return (
                f"TLS handshake with {url} failed ({cause.reason or cause}): is it an https "
                "server, on this port?"
            )
        if isinstance(cause, socket.gaierror):
            return (
                f"could not connect to {url} (cannot resolve host {host!r}: {cause.strerror}): "
                "check the host name in api_url"
            )
        if isinstance(cause, ConnectionRefusedError):
            return f"could not connect to {url} (connection refused): is the server running?"
        if isinstance(cause, ConnectionResetError):
            return f"the connection to {url} was reset by the server or a proxy"
        if isinstance(cause, OSError) and cause.errno is not None:
            return f"could not connect to {url} ({cause.strerror or cause}): check the network"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"{url} closed the connection without a complete response ({exc})"
    if isinstance(exc, httpx.ProxyError):
        return f"the proxy failed for {url} ({exc}): check proxy= or HTTPS_PROXY/HTTP_PROXY"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"cannot send to {url} ({exc}): api_url must be http:// or https://"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect to {url} ({exc or type(exc).__name__})"
    return f"the request to {url} failed: {type(exc).__name__}: {exc}"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc`'s causes, innermost last, including the members of exception groups."""
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current is not exc:
            yield current
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        nxt = current.__cause__ or current.__context__
        if nxt is not None:
            pending.append(nxt)


def _seconds(value: object) -> str:
    return f"{value:g} s" if isinstance(value, int | float) else "the timeout"
