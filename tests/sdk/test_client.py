"""Client configuration: URL, environment, headers, timeouts, context managers, raw access."""

from __future__ import annotations

import uuid

import httpx
import pytest

from taskmaster import (
    APITimeoutError,
    AsyncTaskMasterClient,
    InvalidRequestError,
    TaskMasterClient,
)
from taskmaster._base import USER_AGENT
from tests.sdk.conftest import API, problem, task_json


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://tm.test", "http://tm.test/api/v1"),
        ("http://tm.test/", "http://tm.test/api/v1"),
        ("http://tm.test/api/v1/", "http://tm.test/api/v1"),
        ("https://tm.test:8443/custom/prefix", "https://tm.test:8443/custom/prefix"),
    ],
)
def test_api_url_is_normalized(given: str, expected: str) -> None:
    with TaskMasterClient(given, "t") as client:
        assert client.api_url == expected


@pytest.mark.parametrize("bad", ["", "tm.test", "ftp://tm.test", "http://"])
def test_bad_api_url_is_refused(bad: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TASKMASTER_API_URL", raising=False)
    with pytest.raises(InvalidRequestError, match="api_url"):
        TaskMasterClient(bad, "t")


def test_environment_supplies_url_and_credentials(monkeypatch, router, client_factory) -> None:
    monkeypatch.setenv("TASKMASTER_API_URL", API)
    monkeypatch.setenv("TASKMASTER_EMAIL", "env@example.com")
    monkeypatch.setenv("TASKMASTER_PASSWORD", "env-pw")
    client = TaskMasterClient()
    assert client.api_url == API
    assert client._auth.credentials is not None
    assert client._auth.credentials.email == "env@example.com"
    client.close()
    monkeypatch.setenv("TASKMASTER_TOKEN", "env-token")
    explicit = TaskMasterClient(token="mine")  # explicit auth ignores the environment's
    assert explicit._auth.tokens.access_token == "mine"
    assert explicit._auth.credentials is None
    explicit.close()
    monkeypatch.delenv("TASKMASTER_PASSWORD")
    with pytest.raises(InvalidRequestError, match="together"):
        TaskMasterClient()


def test_headers_user_agent_and_bearer(router, client_factory) -> None:
    route = router.get("/me").mock(return_value=httpx.Response(500))
    client = client_factory(token="tok", verify_tokens=False, max_retries=0, headers={"X-App": "1"})
    with pytest.raises(Exception, match="500"):
        client.get_me()
    headers = route.calls.last.request.headers
    assert headers["User-Agent"] == USER_AGENT
    assert headers["Authorization"] == "Bearer tok"
    assert headers["X-App"] == "1"
    uuid.UUID(headers["X-Request-ID"])


def test_timeout_per_client_and_per_call(router, client_factory) -> None:
    seen: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json=task_json())

    router.get(url__regex=r"/tasks/[^/]+$").mock(side_effect=answer)
    client = client_factory(token="t", verify_tokens=False, timeout=7.0)
    client.get_task(uuid.uuid4())
    client.get_task(uuid.uuid4(), timeout=1.5)
    client.with_options(timeout=httpx.Timeout(3.0, connect=1.0)).get_task(uuid.uuid4())
    assert seen[0]["read"] == 7.0
    assert seen[1]["read"] == 1.5
    assert (seen[2]["read"], seen[2]["connect"]) == (3.0, 1.0)


def test_a_timeout_is_reported_as_api_timeout_error(router, client_factory) -> None:
    router.get("/me").mock(side_effect=httpx.ConnectTimeout("too slow"))
    client = client_factory(token="t", verify_tokens=False, max_retries=0)
    with pytest.raises(APITimeoutError) as caught:
        client.get_me(timeout=0.01)
    assert caught.value.request is not None


def test_context_managers_close_the_pool() -> None:
    closed: list[str] = []

    class Transport(httpx.MockTransport):
        def close(self) -> None:
            closed.append("sync")

    class AsyncTransport(httpx.MockTransport):
        async def aclose(self) -> None:
            closed.append("async")

    with TaskMasterClient(API, "t", transport=Transport(lambda r: httpx.Response(200))) as client:
        copy = client.with_options(max_retries=0)
        copy.close()
        assert closed == []  # a copy never closes the shared pool
    assert client.is_closed
    assert closed == ["sync"]

    async def run() -> None:
        async with AsyncTaskMasterClient(
            API, "t", transport=AsyncTransport(lambda r: httpx.Response(200))
        ) as aclient:
            pass
        assert aclient.is_closed

    import asyncio

    asyncio.run(run())
    assert closed == ["sync", "async"]


def test_raw_client_shares_auth_retries_and_pool(router, client_factory) -> None:
    from taskmaster_api.api.tasks import get_task

    body = task_json()
    route = router.get(f"/tasks/{body['id']}").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=body)]
    )
    client = client_factory(token="tok", verify_tokens=False)
    response = get_task.sync_detailed(uuid.UUID(body["id"]), client=client.raw)
    assert response.status_code == 200
    assert response.parsed is not None
    assert route.call_count == 2
    assert route.calls.last.request.headers["Authorization"] == "Bearer tok"
    assert client.raw.get_httpx_client() is client._http


async def test_async_raw_client(router, async_client_factory) -> None:
    from taskmaster_api.api.accounts import get_me

    router.get("/me").mock(return_value=httpx.Response(401, json=problem(401, "unauthorized")))
    client = async_client_factory(token="tok", verify_tokens=False)
    response = await get_me.asyncio_detailed(client=client.raw)
    assert response.status_code == 401  # raw calls return what the generated code returns
    assert client.raw.get_async_httpx_client() is client._http


def test_retry_on_must_be_error_statuses() -> None:
    with pytest.raises(InvalidRequestError, match="retry_on"):
        TaskMasterClient(API, "t", retry_on=[200])
    with pytest.raises(InvalidRequestError, match="max_retries"):
        TaskMasterClient(API, "t", max_retries=-1)


def test_plan_constructor_forms() -> None:
    url = API
    token = "t"
    client = TaskMasterClient(
        api_url=url, token=token, max_retries=3, retry_backoff=1.0, retry_on=[429, 500, 502, 503]
    )
    assert client.max_retries == 3
    assert client._policy.backoff == 1.0
    assert client._policy.retry_on == {429, 500, 502, 503}
    client.close()
    with TaskMasterClient(api_url=url, email="a@b.c", password="pw") as other:
        assert other._auth.credentials is not None
