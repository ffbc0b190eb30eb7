"""Slow clients (slowloris): connections that never finish their headers or body are closed
after the read deadlines, and the server keeps answering meanwhile. A real uvicorn on
127.0.0.1 with the protocol ``serve`` uses (read_deadlines.py)."""

from __future__ import annotations

import resource
import selectors
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.read_deadlines import DeadlineProtocol
from taskmaster_server.settings import Settings
from taskmaster_server.testing import LiveServer

pytestmark = pytest.mark.slow

SLOW_CONNECTIONS = 1000
DEADLINE = 2.0


class ShortDeadlines(DeadlineProtocol):
    header_timeout = DEADLINE
    body_timeout = DEADLINE


@pytest.fixture
def server(server_settings: Settings) -> Iterator[LiveServer]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = 3 * SLOW_CONNECTIONS  # both ends live in this process, plus the usual files
    if soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.skip(f"needs {needed} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    app = create_app(server_settings)
    live = LiveServer(app, http=ShortDeadlines).start()
    yield live
    live.stop()
    runtime_of(app).close()
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _open(port: int, first_bytes: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if first_bytes:
        sock.sendall(first_bytes)
    sock.setblocking(False)
    return sock


def _wait_closed(sockets: list[socket.socket], timeout: float) -> float:
    """Seconds until the server closed every socket (each reads EOF)."""
    started = time.monotonic()
    selector = selectors.DefaultSelector()
    for sock in sockets:
        selector.register(sock, selectors.EVENT_READ)
    open_count = len(sockets)
    while open_count:
        remaining = timeout - (time.monotonic() - started)
        if remaining <= 0:
            pytest.fail(f"{open_count} of {len(sockets)} slow connections still open")
        for key, _ in selector.select(remaining):
            ready = key.fileobj
            assert isinstance(ready, socket.socket)
            try:
                data = ready.recv(4096)
            except ConnectionResetError:
                data = b""
            if not data:
                selector.unregister(ready)
                ready.close()
                open_count -= 1
    selector.close()
    return time.monotonic() - started


def test_partial_headers_and_bodies_are_cut_off_while_health_answers(server: LiveServer) -> None:
    partial = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
    body = b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    body += b'Content-Length: 100\r\n\r\n{"email":'
    opened = time.monotonic()
    sockets = [_open(server.port, partial) for _ in range(SLOW_CONNECTIONS - 20)]
    sockets += [_open(server.port, b"") for _ in range(10)]  # silent after connecting
    sockets += [_open(server.port, body) for _ in range(10)]
    with httpx.Client(base_url=server.base_url, timeout=5) as client:
        started = time.monotonic()
        health = client.get("/api/v1/health")
        answered = time.monotonic() - started
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        closed = _wait_closed(sockets, timeout=DEADLINE + 30)
        # A client that sends its request at a normal pace is not affected.
        assert client.get("/api/v1/health").status_code == 200
    total = time.monotonic() - opened
    assert total >= DEADLINE  # not closed before the deadline
    print(
        f"{SLOW_CONNECTIONS} slow connections: /health in {answered * 1000:.0f} ms with all open;"
        f" all closed {total:.1f} s after opening (deadline {DEADLINE} s, waited {closed:.1f} s)"
    )


def test_a_keep_alive_connection_is_cut_off_when_its_next_request_stalls(
    server: LiveServer,
) -> None:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
    answer = b""
    while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
        answer += sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 200")
    sock.sendall(b"GET /api/v1/health HTTP/1.1\r\n")  # and never the rest
    started = time.monotonic()
    sock.settimeout(DEADLINE + 20)
    assert sock.recv(4096) == b""
    assert time.monotonic() - started >= DEADLINE * 0.9
    sock.close()
