"""Per-call options, `with_options` and `with_raw_response` where a real server cannot show
them on demand (a 503 then a 200, the exact headers sent), and the sync/async/raw parity."""

from __future__ import annotations

import inspect
import uuid
from typing import Any

import httpx
import respx

from taskmaster import AsyncTaskMasterClient, InvalidRequestError, TaskMasterClient
from taskmaster._raw_views import (
    NOT_RAW,
    AsyncTaskMasterClientWithRawResponse,
    TaskMasterClientWithRawResponse,
)
from tests.sdk.conftest import API, task_json

TASK_ID = "0b7e1b7e-62b5-4a43-9d69-6f8f3b1d2a10"


def _public_methods(cls: type[Any]) -> dict[str, inspect.Signature]:
    found = {}
    for name in dir(cls):
        attr = inspect.getattr_static(cls, name)
        if name.startswith("_") or not inspect.isfunction(attr):
            continue
        found[name] = inspect.signature(attr)
    return found


def test_sync_async_and_raw_views_have_the_same_methods_and_signatures() -> None:
    sync, asyn = _public_methods(TaskMasterClient), _public_methods(AsyncTaskMasterClient)
    sync.pop("close")
    asyn.pop("aclose")  # the one name that differs, as in httpx
    assert sync.keys() == asyn.keys()
    for name, signature in sync.items():
        assert list(signature.parameters.values()) == list(asyn[name].parameters.values()), name
        # The same result, but a list call's pager is the async one.
        expected = str(signature.return_annotation).replace("SyncPager", "AsyncPager")
        assert expected == str(asyn[name].return_annotation), name
    client = TaskMasterClient(API, token="t", verify_tokens=False)
    aclient = AsyncTaskMasterClient(API, token="t", verify_tokens=False)
    request_methods = {
        name
        for name in sync
        if getattr(getattr(TaskMasterClient, name), "__taskmaster_operation__", None)
    }
    raw_names = set(vars(TaskMasterClientWithRawResponse)) - {
        "__init__",
        "__doc__",
        "__module__",
        "__dict__",
        "__weakref__",
    }
    assert raw_names == request_methods - NOT_RAW
    assert {"authenticate", "refresh", "logout"} <= raw_names  # the session's requests too
    assert raw_names == set(vars(AsyncTaskMasterClientWithRawResponse)) - {
        "__init__", "__doc__", "__module__", "__dict__", "__weakref__",
    }  # fmt: skip
    for name in raw_names:
        plain = inspect.signature(getattr(client, name))
        assert inspect.signature(getattr(client.with_raw_response, name)) == plain, name
        aplain = inspect.signature(getattr(aclient, name))
        assert inspect.signature(getattr(aclient.with_raw_response, name)) == aplain, name
        assert plain.parameters == aplain.parameters, name


def test_every_request_method_takes_the_per_call_options() -> None:
    for name, signature in _public_methods(TaskMasterClient).items():
        if not getattr(getattr(TaskMasterClient, name), "__taskmaster_operation__", None):
            continue
        kwargs = [p for p in signature.parameters.values() if p.kind is p.VAR_KEYWORD]
        assert kwargs, name
        assert "Options" in str(kwargs[0].annotation), name
        if signature.parameters.get("idempotency_key") is None and name.startswith(
            ("create_", "update_", "rotate_", "redeliver_", "logout", "authenticate", "refresh")
        ):
            assert "WriteOptions" in str(kwargs[0].annotation), name


def test_retries_taken_counts_the_retries_behind_the_response(
    router: Any, client_factory: Any
) -> None:
    router.get(f"/tasks/{TASK_ID}").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(502),
            httpx.Response(200, json=task_json(id=TASK_ID)),
        ]
    )
    client = client_factory(token="t", verify_tokens=False, max_retries=3)
    raw = client.with_raw_response.get_task(TASK_ID)
    assert raw.retries_taken == 2
    assert raw.http_response.request.headers["X-TaskMaster-Retry-Count"] == "2"
    assert str(raw.parse().id) == TASK_ID


def test_with_options_headers_and_account_are_sent(router: Any, client_factory: Any) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(
        return_value=httpx.Response(200, json=task_json(id=TASK_ID))
    )
    client = client_factory(token="t", verify_tokens=False)
    other = uuid.uuid4()
    acting = client.with_options(headers={"X-Team": "blue"}, account_id=other)
    acting.get_task(TASK_ID)
    sent = route.calls.last.request.headers
    assert sent["X-Team"] == "blue"
    assert sent["X-Account-ID"] == str(other)
    mine = uuid.uuid4()
    acting.get_task(TASK_ID, account_id=mine)  # the method's own account_id wins
    assert route.calls.last.request.headers["X-Account-ID"] == str(mine)
    client.get_task(TASK_ID)  # the original is unchanged
    assert "X-Account-ID" not in route.calls.last.request.headers
    assert acting._pool is client._pool  # same URL: one connection pool


def test_with_options_api_url_opens_its_own_pool() -> None:
    with respx.mock(assert_all_called=False) as network:  # patches httpx's own transports
        route = network.get(f"http://tm-replica.test/api/v1/tasks/{TASK_ID}").mock(
            return_value=httpx.Response(200, json=task_json(id=TASK_ID))
        )
        client = TaskMasterClient(API, token="t", verify_tokens=False)
        elsewhere = client.with_options(api_url="http://tm-replica.test")
        assert elsewhere.api_url == "http://tm-replica.test/api/v1"
        assert elsewhere._pool is not client._pool
        elsewhere.get_task(TASK_ID)
        assert route.called
        elsewhere.close()
        assert not client.is_closed  # the copy closed only its own pool
        client.close()


def test_per_call_options_override_and_merge(router: Any, client_factory: Any) -> None:
    route = router.post("/tasks").mock(return_value=httpx.Response(201, json=task_json()))
    client = client_factory(token="t", verify_tokens=False)
    client.create_task(
        title="t", extra_headers={"X-Trace": "1"}, extra_query={"dry": "yes"},
        extra_body={"beta": {"x": 1}}, idempotency_key="k-1", timeout=7,
    )  # fmt: skip
    request = route.calls.last.request
    assert request.headers["X-Trace"] == "1"
    assert request.headers["Idempotency-Key"] == "k-1"
    assert request.url.params["dry"] == "yes"
    import json

    assert json.loads(request.content) == {"title": "t", "beta": {"x": 1}}
    assert request.extensions["timeout"]["read"] == 7


def test_extra_body_needs_an_object_body(client_factory: Any) -> None:
    client = client_factory(token="t", verify_tokens=False)
    result = client.bulk_create_tasks([{"title": "a"}], extra_body={"x": 1})
    assert isinstance(result.items[0].error, InvalidRequestError)
    assert "extra_body" in str(result.items[0].error)


def test_a_call_is_sent_to_an_absolute_url_and_keeps_its_own(
    router: Any, client_factory: Any
) -> None:
    from taskmaster._generated.tasks import _get_task, _get_task_call

    route = router.get(f"/tasks/{TASK_ID}").mock(
        return_value=httpx.Response(200, json=task_json(id=TASK_ID))
    )
    client = client_factory(token="t", verify_tokens=False)
    call = _get_task_call(_get_task(TASK_ID, None, None, None))
    client._request(call)
    client._request(call, {"extra_query": {"x": "1"}})
    assert [str(c.request.url) for c in route.calls] == [
        f"{API}/tasks/{TASK_ID}",
        f"{API}/tasks/{TASK_ID}?x=1",
    ]
    assert call.kwargs["url"] == f"/tasks/{TASK_ID}"  # a pager sends the same call again


def test_an_etag_is_found_by_the_task_id_or_its_text() -> None:
    from types import SimpleNamespace

    from taskmaster._call import ETagCache

    cache = ETagCache()
    task_id = uuid.UUID(TASK_ID)
    cache.remember(SimpleNamespace(id=task_id, version=3), '"v3"')
    assert cache.get(SimpleNamespace(id=task_id, version=3)) == '"v3"'
    assert cache.get(SimpleNamespace(id=TASK_ID, version=3)) == '"v3"'
    assert cache.get(SimpleNamespace(id=task_id, version=4)) is None
    cache.remember(SimpleNamespace(id="not-a-uuid", version=1), '"n1"')
    assert cache.get(SimpleNamespace(id="not-a-uuid", version=1)) == '"n1"'
