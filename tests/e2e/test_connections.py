"""The connection settings against uvicorn on 127.0.0.1: a user's own httpx client, HTTP/2,
proxies from the environment and from `proxy=` (REST and WebSocket alike), and `os.fork()`."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from taskmaster import AsyncTaskMasterClient, InvalidRequestError, TaskMasterClient
from tests.e2e.forward_proxy import ForwardProxy

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def user(make_user: Any) -> Any:
    return make_user()


@pytest.fixture
def forward_proxy() -> Iterator[ForwardProxy]:
    proxy = ForwardProxy().start()
    yield proxy
    proxy.stop()


@pytest.fixture
def clean_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def _local_port(response: httpx.Response) -> int:
    stream = response.extensions["network_stream"]
    return int(stream.get_extra_info("client_addr")[1])


# -- http_client= -----------------------------------------------------------------------------


def test_a_users_http_client_keeps_its_settings_and_gets_auth(live_server: Any, user: Any) -> None:
    hooked: list[str] = []
    routed: list[str] = []
    real = httpx.HTTPTransport()

    def route(request: httpx.Request) -> httpx.Response:
        routed.append(request.url.path)
        response = real.handle_request(request)
        response.read()
        return response

    http_client = httpx.Client(
        limits=httpx.Limits(max_connections=3),
        event_hooks={"request": [lambda request: hooked.append(request.url.path)]},
        mounts={f"http://127.0.0.1:{live_server.port}": httpx.MockTransport(route)},
    )
    client = TaskMasterClient(
        live_server.api_url, http_client=http_client, email=user.email, password=user.password
    )
    with client:
        me = client.get_me()  # logs in first: auth applies to the user's client
        assert me.user.email == user.email
        assert client._pool.inner._pool._max_connections == 3  # the user's limits
    assert "/api/v1/me" in hooked
    assert "/api/v1/me" in routed
    assert http_client.is_closed  # the SDK owns it once given: closing the SDK closes it


def test_retries_still_apply_to_a_users_http_client(live_server: Any) -> None:
    statuses = iter([503, 200])

    def flaky(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(statuses), json={"status": "ok", "version": "1"})

    http_client = httpx.Client(transport=httpx.MockTransport(flaky))
    with TaskMasterClient(
        live_server.api_url, http_client=http_client, retry_backoff=0, token="t",
        verify_tokens=False,
    ) as client:  # fmt: skip
        raw = client.with_raw_response.get_health()
    assert raw.status_code == 200
    assert raw.retries_taken == 1


async def test_an_async_users_http_client_is_used(live_server: Any, user: Any) -> None:
    hooked: list[str] = []

    async def hook(request: httpx.Request) -> None:
        hooked.append(request.url.path)

    http_client = httpx.AsyncClient(event_hooks={"request": [hook]})
    async with AsyncTaskMasterClient(
        live_server.api_url, http_client=http_client, email=user.email, password=user.password
    ) as client:
        assert (await client.get_me()).user.email == user.email
    assert "/api/v1/me" in hooked
    assert http_client.is_closed


def test_http_client_must_match_the_flavor(live_server: Any) -> None:
    with pytest.raises(InvalidRequestError, match=r"httpx\.Client"):
        TaskMasterClient(live_server.api_url, http_client=httpx.AsyncClient())  # type: ignore[arg-type]


# -- HTTP/2 -----------------------------------------------------------------------------------


def test_http2_is_enabled_when_h2_is_installed(live_server: Any, user: Any) -> None:
    with TaskMasterClient(
        live_server.api_url, http2=True, email=user.email, password=user.password
    ) as client:
        assert client._pool.inner._pool._http2 is True
        # Cleartext has no ALPN, so the server is reached over HTTP/1.1 and the call works.
        assert client.get_me().user.email == user.email


def test_http2_without_h2_names_the_extra(
    live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "h2", None)  # what `import h2` sees when it is missing
    with pytest.raises(InvalidRequestError, match=r"pip install taskmaster-sdk\[http2\]"):
        TaskMasterClient(live_server.api_url, http2=True)


# -- proxies ----------------------------------------------------------------------------------


def _first_event(client: TaskMasterClient) -> Any:
    client.create_task(title="through the proxy")
    with client.events.subscribe(last_seq=0, idle_timeout=10) as subscription:
        return next(iter(subscription))


def test_environment_proxy_carries_rest_and_websocket(
    live_server: Any, user: Any, forward_proxy: ForwardProxy, clean_proxy_env: pytest.MonkeyPatch
) -> None:
    # httpx and websockets bypass nothing by default: 127.0.0.1 goes through the proxy too.
    clean_proxy_env.setenv("HTTP_PROXY", forward_proxy.url)
    with TaskMasterClient(live_server.api_url, email=user.email, password=user.password) as client:
        event = _first_event(client)
    assert event.type_ == "task.created"
    rest = forward_proxy.targets("GET") + forward_proxy.targets("POST")
    assert f"{live_server.api_url}/tasks" in rest  # absolute-URI: went through the proxy
    assert f"127.0.0.1:{live_server.port}" in forward_proxy.targets("CONNECT")  # the stream


def test_no_proxy_is_respected_for_rest_and_websocket(
    live_server: Any, user: Any, forward_proxy: ForwardProxy, clean_proxy_env: pytest.MonkeyPatch
) -> None:
    clean_proxy_env.setenv("HTTP_PROXY", forward_proxy.url)
    clean_proxy_env.setenv("NO_PROXY", "127.0.0.1")
    with TaskMasterClient(live_server.api_url, email=user.email, password=user.password) as client:
        assert _first_event(client).type_ == "task.created"
    assert forward_proxy.seen == []


def test_explicit_proxy_reaches_rest_and_websocket_without_the_environment(
    live_server: Any, user: Any, forward_proxy: ForwardProxy, clean_proxy_env: pytest.MonkeyPatch
) -> None:
    with TaskMasterClient(
        live_server.api_url, proxy=forward_proxy.url, trust_env=False,
        email=user.email, password=user.password,
    ) as client:  # fmt: skip
        assert _first_event(client).type_ == "task.created"
    assert f"{live_server.api_url}/tasks" in forward_proxy.targets("POST")
    assert f"127.0.0.1:{live_server.port}" in forward_proxy.targets("CONNECT")


def test_trust_env_false_ignores_the_environment(
    live_server: Any, user: Any, forward_proxy: ForwardProxy, clean_proxy_env: pytest.MonkeyPatch
) -> None:
    clean_proxy_env.setenv("HTTP_PROXY", forward_proxy.url)
    with TaskMasterClient(
        live_server.api_url, trust_env=False, email=user.email, password=user.password
    ) as client:
        assert _first_event(client).type_ == "task.created"
    assert forward_proxy.seen == []


async def test_async_client_honours_the_environment_proxy(
    live_server: Any, user: Any, forward_proxy: ForwardProxy, clean_proxy_env: pytest.MonkeyPatch
) -> None:
    clean_proxy_env.setenv("HTTP_PROXY", forward_proxy.url)
    async with AsyncTaskMasterClient(
        live_server.api_url, email=user.email, password=user.password
    ) as client:
        await client.create_task(title="through the proxy")
        async with client.events.subscribe(last_seq=0, idle_timeout=10) as subscription:
            event = await anext(aiter(subscription))
    assert event.type_ == "task.created"
    assert f"{live_server.api_url}/tasks" in forward_proxy.targets("POST")
    assert f"127.0.0.1:{live_server.port}" in forward_proxy.targets("CONNECT")


def test_tls_settings_are_shared_by_rest_and_websocket(live_server: Any) -> None:
    import ssl

    context = ssl.create_default_context()
    with TaskMasterClient(live_server.api_url, verify=context) as client:
        assert client._pool.websocket_options(secure=True)["ssl"] is context
        assert client._pool.inner._pool._ssl_context is context


# -- fork safety ------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_dials_its_own_connections(live_server: Any, user: Any) -> None:
    with TaskMasterClient(live_server.api_url, email=user.email, password=user.password) as client:
        parent_port = _local_port(client.with_raw_response.get_me().http_response)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report its connection's port, never return into pytest
            try:
                port = _local_port(client.with_raw_response.get_me().http_response)
                os.write(write_end, str(port).encode())
            finally:
                os._exit(0)
        os.close(write_end)
        _, status = os.waitpid(pid, 0)
        child_port = int(os.read(read_end, 32) or b"0")
        os.close(read_end)
        assert os.WEXITSTATUS(status) == 0
        assert child_port not in (0, parent_port)  # the child opened a connection of its own
        # ... and the parent's connection is intact and still reused.
        assert _local_port(client.with_raw_response.get_me().http_response) == parent_port
