"""FaultProxy without faults: it must be an invisible, faithful HTTP/1.1 relay first.

Every test talks to a real upstream (uvicorn, `echo_upstream`) through a real proxy on
127.0.0.1, with httpx as the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import random
import socket

import httpx
import pytest
from websockets.sync.client import connect as websocket_connect

from tests.faults.conftest import MakeFaultProxy, client_for
from tests.faults.echo_upstream import EchoApp, EchoUpstream, chunk_part, serve
from tests.faults.proxy import FaultProxy, Timeouts


def test_post_body_and_headers_reach_upstream_intact(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url)
    body = random.Random(5).randbytes(3 * 1024 * 1024)
    headers = {
        "Authorization": "Bearer secret-token",
        "Idempotency-Key": "chunk-0001",
        "X-Request-ID": "req-42",
        "Content-Type": "application/octet-stream",
    }
    with client_for(proxy) as client:
        response = client.post("/api/v1/tasks/batch?atomic=true", content=body, headers=headers)

    assert response.status_code == 200
    assert response.headers["x-upstream"] == "echo"
    assert response.json()["body_sha256"] == hashlib.sha256(body).hexdigest()
    [seen] = echo_upstream.app.received("/api/v1/tasks/batch")
    assert (seen.method, seen.query, seen.body) == ("POST", "atomic=true", body)
    for name, value in headers.items():
        assert seen.headers[name.lower()] == value
    assert seen.headers["host"] == echo_upstream.url.removeprefix("http://")


def test_chunked_request_body_is_forwarded(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url)
    pieces = [bytes([n]) * (1000 + n * 997) for n in range(40)]

    with client_for(proxy) as client:
        response = client.post("/upload", content=iter(pieces))  # an iterator: sent chunked

    assert response.status_code == 200
    [seen] = echo_upstream.app.received("/upload")
    assert seen.headers["transfer-encoding"] == "chunked"
    assert seen.body == b"".join(pieces)


def test_chunked_response_is_relayed_whole(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url)
    with client_for(proxy) as client:
        response = client.get("/chunked", params={"parts": 300, "size": 5000})
        after = client.get("/after")  # the connection is still framed correctly

    assert response.headers["transfer-encoding"] == "chunked"
    assert response.content == b"".join(chunk_part(i, 5000) for i in range(300))
    assert after.status_code == 200
    assert proxy.stats().client_connections == 1


def test_keep_alive_is_reused_on_both_sides_for_every_method(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url)
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]
    with client_for(proxy) as client:
        responses = [client.request(method, "/any", content=b"{}") for method in methods]
        responses.append(client.get("/empty"))  # 204: no body, connection goes on
        responses.append(client.head("/any"))

    assert [r.status_code for r in responses] == [200] * 7 + [204, 200]
    assert responses[6].content == b""  # HEAD has a Content-Length and no body
    assert [r.method for r in echo_upstream.app.received("/any")] == [*methods, "HEAD"]
    stats = proxy.stats()
    assert (stats.client_connections, stats.upstream_connections) == (1, 1)
    assert (stats.requests, stats.forwarded) == (9, 9)
    assert len({r.client_port for r in echo_upstream.app.received()}) == 1


def test_connection_close_is_honoured_on_both_sides(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url)
    with client_for(proxy) as client:
        first = client.get("/one", headers={"Connection": "close"})
        second = client.get("/two")

    assert first.headers["connection"] == "close"
    assert second.status_code == 200
    stats = proxy.stats()
    assert (stats.client_connections, stats.upstream_connections) == (2, 2)


async def test_usable_from_async_tests_with_concurrent_clients(
    echo_upstream: EchoUpstream,
) -> None:
    async with (
        FaultProxy(echo_upstream.url) as proxy,
        httpx.AsyncClient(base_url=proxy.url, trust_env=False, timeout=5.0) as client,
    ):
        responses = await asyncio.gather(*(client.get(f"/n/{i}") for i in range(30)))

    assert all(r.status_code == 200 for r in responses)
    assert sorted(r.json()["path"] for r in responses) == sorted(f"/n/{i}" for i in range(30))
    assert len(echo_upstream.app.received()) == 30


def test_websocket_upgrade_is_piped_through(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url)
    with websocket_connect(f"ws://127.0.0.1:{proxy.port}/events", proxy=None, open_timeout=5) as ws:
        ws.send("hello")
        assert ws.recv(timeout=5) == "hello"
        ws.send(b"\x00\x01binary")
        assert ws.recv(timeout=5) == b"\x00\x01binary"
    assert proxy.stats().forwarded == 1


def test_malformed_request_gets_400_and_the_connection_closes(fault_proxy: MakeFaultProxy) -> None:
    proxy = fault_proxy("http://127.0.0.1:9")  # never contacted
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        answer = _read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert proxy.stats().forwarded == 0


def _read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_unreachable_upstream_gives_502(fault_proxy: MakeFaultProxy) -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        proxy = fault_proxy(f"http://127.0.0.1:{placeholder.getsockname()[1]}")
        with client_for(proxy) as client:
            response = client.post("/api/v1/tasks", json={"title": "x"})
    assert response.status_code == 502
    assert response.headers["content-type"] == "text/html"
    assert proxy.stats().upstream_errors == 1


def test_upstream_read_timeout_gives_504(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url, timeouts=Timeouts(read=0.2))
    with client_for(proxy) as client:
        response = client.get("/sleep", params={"seconds": 0.5})
    assert response.status_code == 504
    assert proxy.stats().upstream_errors == 1


def test_pause_refuses_with_502_until_resume(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url)
    with client_for(proxy) as client:
        assert client.get("/before").status_code == 200
        proxy.pause()
        refused = client.get("/while-paused")
        proxy.resume()
        after = client.get("/after")

    assert (refused.status_code, refused.headers["connection"]) == (502, "close")
    assert after.status_code == 200
    assert [r.path for r in echo_upstream.app.received()] == ["/before", "/after"]
    stats = proxy.stats()
    assert (stats.refused_while_paused, stats.upstream_connections) == (1, 2)


def test_server_restarted_behind_the_proxy(fault_proxy: MakeFaultProxy) -> None:
    app = EchoApp()
    with contextlib.ExitStack() as stack:
        with serve(app) as url:
            proxy = fault_proxy(url)
            client = stack.enter_context(client_for(proxy))
            assert client.get("/first").status_code == 200
        # The server is down: like a real gateway, the proxy answers 502.
        assert client.get("/while-down").status_code == 502
        with serve(app, port=int(url.rsplit(":", 1)[1])):
            # The kept-alive upstream connection died with the old server; a new one is used.
            assert client.get("/second").status_code == 200

    assert [r.path for r in app.received()] == ["/first", "/second"]
    assert proxy.stats().upstream_errors == 1


def test_switching_upstream_sends_new_requests_to_the_new_server(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url)
    other = EchoApp()
    with client_for(proxy) as client, serve(other) as other_url:
        assert client.get("/old").status_code == 200
        proxy.upstream = other_url
        assert client.get("/new").status_code == 200

    assert proxy.upstream == other_url
    assert [r.path for r in echo_upstream.app.received()] == ["/old"]
    assert [r.path for r in other.received()] == ["/new"]


@pytest.mark.parametrize(
    "url",
    ["http://10.0.0.1:80", "http://example.com:80", "https://127.0.0.1:443", "http://127.0.0.1"],
)
def test_upstream_must_be_a_loopback_http_origin(url: str) -> None:
    with pytest.raises(ValueError, match="upstream"):
        FaultProxy(url)


def test_stop_is_idempotent_and_start_twice_is_refused(echo_upstream: EchoUpstream) -> None:
    proxy = FaultProxy(echo_upstream.url).start()
    with pytest.raises(RuntimeError, match="already running"):
        proxy.start()
    proxy.stop()
    proxy.stop()
    with pytest.raises(RuntimeError, match="not running"):
        _ = proxy.url
