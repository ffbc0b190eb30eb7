"""A tiny real upstream for the proxy's own tests: uvicorn on 127.0.0.1, recording every request.

uvicorn parses HTTP independently of the proxy, so a framing bug in the proxy cannot hide behind
a matching bug on the other side. Routes (any method):

- `/chunked?parts=N&size=M`: N numbered parts of M bytes, streamed without Content-Length (chunked)
- `/sleep?seconds=S`: answers after S seconds
- `/empty`: 204
- anything else: JSON describing the request as received (method, path, headers, body digest)
- WebSocket on any path: echoes every message
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import uvicorn

__all__ = ["EchoApp", "EchoUpstream", "Received", "chunk_part", "serve"]

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_START_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Received:
    """One HTTP request as the upstream saw it."""

    method: str
    path: str
    query: str
    #: Lower-case names; a repeated field keeps its last value.
    headers: dict[str, str]
    body: bytes
    #: The peer's port: the same value for two requests means one kept-alive connection.
    client_port: int


@dataclass(frozen=True, slots=True)
class EchoUpstream:
    """A running echo upstream: its app (for `received()`) and its origin URL."""

    app: EchoApp
    url: str


def chunk_part(index: int, size: int) -> bytes:
    """Part `index` of a `/chunked` response: its number repeated, so order and loss both show."""
    return (f"{index:07d}\n".encode() * (size // 8 + 1))[:size]


class EchoApp:
    """The ASGI app; `received()` lists what reached it, from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[Received] = []

    def received(self, path: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self._received if path is None or r.path == path]

    def clear(self) -> None:
        with self._lock:
            self._received.clear()

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._echo_websocket(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    async def _http(self, scope: Message, receive: Receive, send: Send) -> None:
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        query = scope["query_string"].decode()
        received = Received(
            scope["method"], scope["path"], query, headers, bytes(body), scope["client"][1]
        )
        with self._lock:
            self._received.append(received)
        params = {key: values[-1] for key, values in parse_qs(query).items()}
        if scope["path"] == "/chunked":
            await self._chunked(send, int(params.get("parts", 3)), int(params.get("size", 10)))
            return
        if scope["path"] == "/sleep":
            await asyncio.sleep(float(params.get("seconds", 1)))
        if scope["path"] == "/empty":
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await self._describe(send, received)

    async def _describe(self, send: Send, received: Received) -> None:
        payload = {
            "method": received.method,
            "path": received.path,
            "query": received.query,
            "headers": received.headers,
            "body_length": len(received.body),
            "body_sha256": hashlib.sha256(received.body).hexdigest(),
        }
        body = json.dumps(payload).encode()
        headers = [(b"content-type", b"application/json"), (b"x-upstream", b"echo")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _chunked(self, send: Send, parts: int, size: int) -> None:
        headers = [(b"content-type", b"application/octet-stream")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for index in range(parts):
            await send(
                {"type": "http.response.body", "body": chunk_part(index, size), "more_body": True}
            )
        await send({"type": "http.response.body", "body": b""})

    async def _echo_websocket(self, receive: Receive, send: Send) -> None:
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        while (message := await receive())["type"] == "websocket.receive":
            await send(
                {
                    "type": "websocket.send",
                    "text": message.get("text"),
                    "bytes": message.get("bytes"),
                }
            )


@contextmanager
def serve(app: EchoApp, port: int = 0) -> Iterator[str]:
    """Run `app` under uvicorn on 127.0.0.1:`port` (0: a free one); yields its origin URL.

    A given port is bound with SO_REUSEADDR, so a test can restart a server where it was.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", ws="websockets-sansio", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the echo upstream did not start")
            time.sleep(0.005)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=_START_TIMEOUT)
        sock.close()
