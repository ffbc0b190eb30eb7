"""A stream client that stops reading is disconnected (4408) instead of buffering without bound.

The client is a raw socket with a tiny receive buffer that completes the WebSocket handshake
and then never reads. Large events fill its socket, the server's send stalls, and after
``event_stream_grace`` the server gives up on it: the connection's task ends (the server
counts a slow consumer and no open connection), and the socket is closed by the server (the
client, once it reads again, drains what was in flight and reaches end of stream).
"""

from __future__ import annotations

import base64
import os
import socket
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.events.asgi import StreamingApp
from taskmaster_server.settings import Settings
from taskmaster_server.testing import LiveServer
from tests.fixtures.server import ServerUser

GRACE = 0.5
DEADLINE = 20.0


@pytest.fixture
def impatient(server_settings: Settings) -> Iterator[tuple[LiveServer, StreamingApp]]:
    """A server with a small per-connection buffer and a short send grace."""
    settings = server_settings.with_changes(
        event_stream_buffer=8, event_stream_grace=GRACE, event_heartbeat_interval=30.0
    )
    app = create_app(settings)
    server = LiveServer(app).start()
    yield server, app
    server.stop()
    runtime_of(app).close()


def _stalled_client(server: LiveServer, token: str) -> socket.socket:
    """Open the stream with a 4 KiB receive buffer, read the 101, and return the socket."""
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: sets the window
    client.settimeout(5)
    client.connect(("127.0.0.1", server.port))
    key = base64.b64encode(os.urandom(16)).decode()
    client.sendall(
        (
            "GET /api/v1/events/ws?last_seq=0 HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{server.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Protocol: taskmaster.v1, bearer.{token}\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = client.recv(1)
        assert chunk, "the server closed before answering the handshake"
        head += chunk
    assert head.startswith(b"HTTP/1.1 101"), head
    return client


def _wait(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.timeout(60)
def test_a_client_that_stops_reading_is_disconnected(
    impatient: tuple[LiveServer, StreamingApp], make_user: Callable[..., ServerUser]
) -> None:
    server, app = impatient
    assert app.events is not None
    stream = app.events.stream
    user = make_user()
    with httpx.Client(base_url=server.api_url, timeout=10, trust_env=False) as http:
        login = http.post("/auth/login", json={"email": user.email, "password": user.password})
        token = login.json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        client = _stalled_client(server, token)
        try:
            assert _wait(lambda: stream.open_connections == 1, 5)
            # ~2 KiB per event, 100 per batch: far more than the socket buffers hold.
            items = [{"title": f"big {i}", "description": "x" * 2000} for i in range(100)]
            for _ in range(40):
                response = http.post("/tasks/batch", params={"atomic": "true"}, json=items)
                assert response.status_code == 200, response.text
                if stream.slow_consumers:
                    break
            assert _wait(lambda: stream.slow_consumers == 1, DEADLINE), "not disconnected"
            assert _wait(lambda: stream.open_connections == 0, 5)
            # Reading again: what was in flight, then the end of the stream (no more events).
            client.settimeout(10)
            received = 0
            while chunk := client.recv(1 << 16):
                received += len(chunk)
            assert received > 0
        finally:
            client.close()
