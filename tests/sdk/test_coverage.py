"""Every operation of the spec is reachable from both clients, or listed in RAW_ONLY.

The operation list is the spec's: each operation is a method of its tag's namespace
(`client.tasks.get`), sync and async, typed, with a raw and a streaming view, called here with
arguments taken from the spec (its path parameters, its request body's example); the few
hand-written ones (auth) are client methods. Reachable means more than tagged: each tagged method is called against a mock that answers
only the spec's method and path for that operation (with the spec's own example body), so a
method tagged with the wrong operation, or one that cannot parse the documented answer, fails.
"""

from __future__ import annotations

import inspect
import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from taskmaster import AsyncTaskMasterClient, TaskMasterClient
from taskmaster._generated import _client as generated_client
from taskmaster._generated._client import RESOURCES
from taskmaster._raw import RAW_ONLY, client_operations
from taskmaster._response import APIResponse, AsyncAPIResponse
from tests.pipeline.openapi_walk import load_spec
from tests.sdk.conftest import API

SPEC = load_spec()
ID = str(uuid.uuid4())
ID2 = str(uuid.uuid4())


def spec_operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """`{operationId: (METHOD, path template, operation)}`."""
    found = {}
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found[operation["operationId"]] = (method.upper(), path, operation)
    return found


OPERATIONS = spec_operations()

# One call per high-level method, with placeholder arguments. Keyed by operationId.
CALLS: dict[str, Callable[[Any], Any]] = {
    "get_health": lambda c: c.get_health(),
    "get_readiness": lambda c: c.get_readiness(),
    "login": lambda c: c.authenticate(email="ada@example.com", password="pw"),
    "refresh_token": lambda c: c.refresh(),
    "logout": lambda c: c.logout(),
    "get_me": lambda c: c.get_me(),
    "list_accounts": lambda c: c.list_accounts(),
    "get_account": lambda c: c.get_account(ID),
    "list_projects": lambda c: c.list_projects(limit=10),
    "create_project": lambda c: c.create_project(name="Launch"),
    "get_project": lambda c: c.get_project(ID),
    "update_project": lambda c: c.update_project(ID, name="Launch 2"),
    "delete_project": lambda c: c.delete_project(ID),
    "list_tasks": lambda c: c.list_tasks({"status": "pending"}),
    "create_task": lambda c: c.create_task({"title": "x"}),
    "batch_create_tasks": lambda c: c.bulk_create_tasks([{"title": "x"}]),
    "batch_update_tasks": lambda c: c.bulk_update_tasks([{"id": ID, "status": "done"}]),
    "batch_delete_tasks": lambda c: c.bulk_delete_tasks([ID]),
    "upsert_task": lambda c: c.upsert_task(external_id="crm-1", title="x"),
    "batch_upsert_tasks": lambda c: c.bulk_upsert_tasks([{"external_id": "crm-1", "title": "x"}]),
    "get_task": lambda c: c.get_task(ID, project_id=ID2, account_id=ID2),
    "update_task": lambda c: c.update_task(ID, {"status": "done"}),
    "delete_task": lambda c: c.delete_task(ID),
    "list_subtasks": lambda c: c.list_subtasks(ID),
    "create_subtask": lambda c: c.create_subtask(ID, title="step"),
    "update_subtask": lambda c: c.update_subtask(ID, ID2, status="done"),
    "delete_subtask": lambda c: c.delete_subtask(ID, ID2),
    "list_webhooks": lambda c: c.list_webhooks(),
    "create_webhook": lambda c: c.create_webhook(
        url="https://hooks.example.com/x", events=["task.created"]
    ),
    "get_webhook": lambda c: c.get_webhook(ID),
    "update_webhook": lambda c: c.update_webhook(ID, enabled=False),
    "delete_webhook": lambda c: c.delete_webhook(ID),
    "rotate_webhook_secret": lambda c: c.rotate_webhook_secret(ID),
    "list_webhook_deliveries": lambda c: c.list_webhook_deliveries(ID, status="failed"),
    "redeliver_webhook_delivery": lambda c: c.redeliver_webhook_delivery(ID, ID2),
    "list_events": lambda c: c.list_events(after=3, types=["task.created"]),
    "create_event_stream_ticket": lambda c: c.create_event_stream_ticket(),
    "get_event_head": lambda c: c.get_event_head(),
}


def test_tags_and_raw_only_cover_the_spec_exactly_once() -> None:
    spec_ids = set(OPERATIONS)
    assert spec_ids, "no operations read from the spec"
    for cls in (TaskMasterClient, AsyncTaskMasterClient):
        covered = set(client_operations(cls))
        assert not covered & set(RAW_ONLY), "an operation is both wrapped and raw-only"
        assert covered - spec_ids == set(), "a method is tagged with an unknown operation"
        missing = spec_ids - covered - set(RAW_ONLY)
        assert missing == set(), f"not reachable from {cls.__name__} and not in RAW_ONLY"
    assert set(RAW_ONLY) <= spec_ids
    assert all(len(reason) > 20 for reason in RAW_ONLY.values()), "say why it is raw-only"


def test_sync_and_async_clients_have_the_same_methods() -> None:
    sync_ops = client_operations(TaskMasterClient)
    async_ops = client_operations(AsyncTaskMasterClient)
    assert sync_ops == async_ops
    for operation, name in async_ops.items():
        sync_params = inspect.signature(getattr(TaskMasterClient, name)).parameters
        async_params = inspect.signature(getattr(AsyncTaskMasterClient, name)).parameters
        assert list(sync_params) == list(async_params), operation


def test_every_wrapped_operation_has_a_call_here() -> None:
    assert set(CALLS) == set(client_operations(TaskMasterClient))


def _url_pattern(path: str) -> str:
    pattern = re.sub(r"\{[^}]+\}", "[^/]+", path)
    return rf"^{re.escape(API)}{pattern}(\?.*)?$"


def _success(operation: dict[str, Any]) -> httpx.Response:
    """The operation's first 2xx response, with the spec's example as the body."""
    status, response = next(
        (int(s), r) for s, r in operation["responses"].items() if s.startswith("2")
    )
    content = response.get("content", {}).get("application/json")
    if content is None:
        return httpx.Response(status)
    ref = content["schema"]["$ref"].rsplit("/", 1)[1]
    schema = SPEC["components"]["schemas"][ref]
    example = schema["example"]
    if ref == "TaskList":  # the spec's example is empty; one item exercises the parser
        example = {"data": [SPEC["components"]["schemas"]["Task"]["example"]], "has_more": False,
                   "next_cursor": None}  # fmt: skip
    return httpx.Response(status, json=example)


@pytest.mark.parametrize("flavor", ["sync", "async"])
@pytest.mark.parametrize("operation_id", sorted(CALLS))
async def test_each_method_calls_its_operation(operation_id: str, flavor: str) -> None:
    method, path, operation = OPERATIONS[operation_id]
    router = respx.Router(assert_all_called=False, assert_all_mocked=True)
    route = router.route(method=method, url__regex=_url_pattern(path)).mock(
        return_value=_success(operation)
    )
    options: dict[str, Any] = {"token": "t", "refresh_token": "rt_x", "verify_tokens": False}
    if flavor == "sync":
        client: Any = TaskMasterClient(
            API, transport=httpx.MockTransport(router.handler), **options
        )
    else:
        client = AsyncTaskMasterClient(
            API, transport=httpx.MockTransport(router.async_handler), **options
        )
    try:
        result = CALLS[operation_id](client)
        if inspect.isawaitable(result):
            result = await result
    finally:
        await client.aclose() if flavor == "async" else client.close()
    assert route.call_count == 1, f"{operation_id} did not call {method} {path}"
    request = route.calls.last.request
    assert request.headers["X-TaskMaster-Retry-Count"] == "0"
    if method in ("POST", "PATCH"):
        assert request.headers.get("Idempotency-Key")
    if operation_id == "get_task":
        assert request.headers["X-Account-ID"] == ID2
        assert request.url.params["project_id"] == ID2


def test_raw_only_operations_are_callable_through_client_raw(router, client_factory) -> None:
    from taskmaster_api.api.events import create_event_stream_ticket

    ticket = SPEC["components"]["schemas"]["StreamTicket"]["example"]
    route = router.post("/events/ticket").mock(
        side_effect=[httpx.Response(503), httpx.Response(201, json=ticket)]
    )
    client = client_factory(token="tok", verify_tokens=False)
    parsed = create_event_stream_ticket.sync(client=client.raw)
    assert parsed is not None
    assert parsed.ticket == ticket["ticket"]
    assert route.call_count == 2  # retried by the same transport
    assert route.calls.last.request.headers["Authorization"] == "Bearer tok"


def namespace_operations(client_class: type[Any]) -> dict[str, tuple[str, str]]:
    """`{operationId: (namespace, method)}` over the client's generated namespaces."""
    found: dict[str, tuple[str, str]] = {}
    for attr in RESOURCES:
        resource_class = inspect.signature(getattr(client_class, attr).func).return_annotation
        resource_class = getattr(generated_client, resource_class)
        for name, method in vars(resource_class).items():  # generated, not the mixed-in helpers
            operation = getattr(method, "__taskmaster_operation__", None)
            if isinstance(operation, str):
                found[operation] = (attr, name)
    return found


HAND_WRITTEN = {"login", "refresh_token", "logout"}  # the session: client methods (CALLS)


def test_every_operation_is_a_namespace_method_or_hand_written() -> None:
    for cls in (TaskMasterClient, AsyncTaskMasterClient):
        covered = namespace_operations(cls)
        missing = set(OPERATIONS) - set(covered) - HAND_WRITTEN - set(RAW_ONLY)
        assert missing == set(), f"{cls.__name__}: no namespace method for {sorted(missing)}"
        assert set(covered) <= set(OPERATIONS)
    assert namespace_operations(TaskMasterClient) == namespace_operations(AsyncTaskMasterClient)


def _arguments(path: str, operation: dict[str, Any]) -> list[Any]:
    """Positional arguments for an operation's namespace method, from the spec alone: an id
    per path parameter, then the request body's example (in a list for a batch)."""
    args: list[Any] = [ID] * path.count("{")
    content = operation.get("requestBody", {}).get("content", {})
    if content:
        schema = next(iter(content.values()))["schema"]
        example = _example(schema.get("$ref") or schema["items"].get("$ref"))
        args.append(example if "$ref" in schema else [example if example else ID])
    return args


def _example(ref: str | None) -> dict[str, Any]:
    if ref is None:
        return {}
    return dict(SPEC["components"]["schemas"][ref.rsplit("/", 1)[1]]["example"])


NAMESPACED = namespace_operations(TaskMasterClient)


@pytest.mark.parametrize("view", ["plain", "raw", "streaming"])
@pytest.mark.parametrize("flavor", ["sync", "async"])
@pytest.mark.parametrize("operation_id", sorted(NAMESPACED))
async def test_each_namespace_method_and_view_calls_its_operation(
    operation_id: str, flavor: str, view: str
) -> None:
    method, path, operation = OPERATIONS[operation_id]
    attr, name = NAMESPACED[operation_id]
    router = respx.Router(assert_all_called=False, assert_all_mocked=True)
    route = router.route(method=method, url__regex=_url_pattern(path)).mock(
        return_value=_success(operation)
    )
    options: dict[str, Any] = {"token": "t", "verify_tokens": False}
    args = _arguments(path, operation)
    if flavor == "sync":
        client: Any = TaskMasterClient(
            API, transport=httpx.MockTransport(router.handler), **options
        )
        resource = getattr(client, attr)
        assert getattr(resource, name).__taskmaster_operation__ == operation_id
        assert (
            inspect.signature(getattr(resource, name)).return_annotation != inspect.Signature.empty
        )
        with client:
            if view == "plain":
                result = getattr(resource, name)(*args)
            elif view == "raw":
                raw = getattr(resource.with_raw_response, name)(*args)
                assert isinstance(raw, APIResponse)
                assert raw.status_code == route.calls.last.response.status_code
                result = raw.parse()
            else:
                with getattr(resource.with_streaming_response, name)(*args) as streamed:
                    result = streamed.parse()
    else:
        client = AsyncTaskMasterClient(
            API, transport=httpx.MockTransport(router.async_handler), **options
        )
        resource = getattr(client, attr)
        async with client:
            if view == "plain":
                result = getattr(resource, name)(*args)
                if inspect.isawaitable(result):
                    result = await result
            elif view == "raw":
                raw = await getattr(resource.with_raw_response, name)(*args)
                assert isinstance(raw, AsyncAPIResponse)
                result = raw.parse()
            else:
                async with getattr(resource.with_streaming_response, name)(*args) as streamed:
                    result = await streamed.parse()
    assert route.call_count == 1, f"{operation_id} did not call {method} {path} once"
    success = _success(operation)
    if success.content:
        assert result is not None, operation_id
