"""Connection failures name the URL and the likely cause, sync and async alike.

Refused connections, silent servers and untrusted certificates are real sockets on 127.0.0.1;
a DNS failure is raised by a transport (resolving a name would leave the machine).
"""

from __future__ import annotations

import socket
import uuid

import httpx
import pytest

from taskmaster import (
    APIConnectionError,
    APITimeoutError,
    AsyncTaskMasterClient,
    TaskMasterClient,
)
from tests.sdk.misbehaving import MisbehavingServer, read_head, self_signed_context

TASK_ID = str(uuid.uuid4())


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _call(flavor: str, url: str, **options: object) -> BaseException:
    """The exception `get_task` raises on a client of that flavor."""
    import asyncio

    options = {"token": "t", "verify_tokens": False, "max_retries": 0, **options}
    if flavor == "sync":
        with (
            TaskMasterClient(url, **options) as client,  # type: ignore[arg-type]
            pytest.raises(APIConnectionError) as caught,
        ):
            client.get_task(TASK_ID)
        return caught.value

    async def run() -> BaseException:
        async with AsyncTaskMasterClient(url, **options) as client:  # type: ignore[arg-type]
            with pytest.raises(APIConnectionError) as caught:
                await client.get_task(TASK_ID)
        return caught.value

    return asyncio.run(run())


FLAVORS = pytest.mark.parametrize("flavor", ["sync", "async"])


@FLAVORS
def test_connection_refused_says_is_the_server_running(flavor: str) -> None:
    port = _closed_port()
    error = _call(flavor, f"http://127.0.0.1:{port}")
    assert type(error) is APIConnectionError
    assert str(error).startswith(
        f"could not connect to http://127.0.0.1:{port}/api/v1/tasks/{TASK_ID} "
        "(connection refused): is the server running?"
    )


@FLAVORS
def test_a_dns_failure_names_the_host(flavor: str) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        try:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc

    # A MockTransport serves the sync and the async interface alike.
    error = _call(flavor, "http://tm.invalid", transport=httpx.MockTransport(fail))
    assert "cannot resolve host 'tm.invalid'" in str(error)
    assert "check the host name in api_url" in str(error)


@FLAVORS
def test_an_untrusted_certificate_says_what_to_pass(flavor: str) -> None:
    with MisbehavingServer(read_head, tls=self_signed_context()) as server:
        error = _call(flavor, server.url)
    assert "TLS handshake with https://127.0.0.1:" in str(error)
    assert "certificate" in str(error)
    assert "verify=" in str(error)


@FLAVORS
def test_tls_to_a_plain_http_server_is_named(flavor: str) -> None:
    def plain(conn: socket.socket) -> None:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    with MisbehavingServer(plain) as server:
        error = _call(flavor, server.url.replace("http://", "https://"))
    assert "TLS handshake with https://127.0.0.1:" in str(error)
    assert "is it an https server" in str(error)


@FLAVORS
def test_a_silent_server_times_out_with_the_read_timeout_named(flavor: str) -> None:
    with MisbehavingServer(read_head) as server:  # reads the request, never answers
        error = _call(flavor, server.url, timeout=httpx.Timeout(5.0, read=0.3))
    assert isinstance(error, APITimeoutError)
    assert "sent nothing for 0.3 s (read timeout)" in str(error)
    assert server.url in str(error)
