"""`with_raw_response` and the per-call options against the real server, on both clients."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from taskmaster import (
    APIResponse,
    AsyncAPIResponse,
    InvalidRequestError,
    NotFoundError,
    Task,
    TaskMasterClient,
    ValidationError,
)
from tests.e2e.conftest import collect


async def _result(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


@pytest.fixture
async def client(flavor: str, user: Any, make_client: Callable[..., Any]) -> AsyncIterator[Any]:
    """The client itself (not `tm`'s wrapper): the raw view's methods are awaited as needed."""
    client = make_client(flavor, email=user.email, password=user.password)
    if flavor == "sync":
        with client:
            yield client
    else:
        async with client:
            yield client


async def test_raw_response_has_the_headers_and_parses_to_the_result(client: Any) -> None:
    raw = await _result(client.with_raw_response.create_task(title="raw"))
    async_client = not isinstance(client, TaskMasterClient)
    assert isinstance(raw, APIResponse)
    assert isinstance(raw, AsyncAPIResponse) == async_client
    assert raw.status_code == 201
    assert raw.headers["ETag"].startswith('W/"')
    assert raw.request_id == raw.http_response.headers["X-Request-ID"]
    assert raw.retries_taken == 0
    task = raw.parse()
    assert isinstance(task, Task)
    assert task.title == "raw"
    fetched = await _result(client.with_raw_response.get_task(task.id))
    assert fetched.parse().id == task.id
    assert fetched.headers["ETag"] == raw.headers["ETag"]
    assert fetched.headers["RateLimit"]  # the server's rate-limit state, readable per call
    # The ETag the raw call saw is remembered as for a plain call: if_match=task works.
    await _result(client.update_task(task, {"title": "changed"}, if_match=fetched.parse()))


async def test_error_statuses_still_raise_the_typed_exceptions(client: Any) -> None:
    with pytest.raises(NotFoundError):
        await _result(client.with_raw_response.get_task(uuid.uuid4()))


async def test_a_list_gives_its_first_pages_response(client: Any) -> None:
    for i in range(3):
        await _result(client.create_task(title=f"t{i}"))
    raw = await _result(client.with_raw_response.list_tasks(limit=2))
    assert raw.http_response.request.url.params["limit"] == "2"
    assert "cursor" not in raw.http_response.request.url.params
    pager = raw.parse()
    assert len(pager.data) == 2
    assert len(await collect(pager)) == 3  # the pager still walks every page


async def test_idempotent_replays_are_visible(client: Any) -> None:
    key = f"raw-{uuid.uuid4()}"
    first = await _result(client.with_raw_response.create_task(title="once", idempotency_key=key))
    again = await _result(client.with_raw_response.create_task(title="once", idempotency_key=key))
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.parse().id == first.parse().id


async def test_extra_headers_and_query_reach_the_server(client: Any) -> None:
    mine = f"trace-{uuid.uuid4().hex}"
    raw = await _result(client.with_raw_response.get_me(extra_headers={"X-Request-ID": mine}))
    assert raw.request_id == mine  # the server echoes the request id it was sent
    for i in range(2):
        await _result(client.create_task(title=f"q{i}"))
    pager = await _result(client.list_tasks(extra_query={"limit": 1}))
    assert len(pager.data) == 1
    assert pager.has_more


async def test_extra_body_is_merged_unchecked(client: Any) -> None:
    task = await _result(client.create_task(title="mine", extra_body={"description": "extra"}))
    assert task.title == "mine"
    assert task.description == "extra"
    # Unknown to the SDK: sent as is, so it is the server that refuses it.
    with pytest.raises(ValidationError) as refused:
        await _result(client.create_task(title="x", extra_body={"not_a_field": 1}))
    assert any("not_a_field" in (e.pointer + e.detail) for e in refused.value.errors)
    # The same field among the user's own is checked by the SDK before anything is sent.
    with pytest.raises(InvalidRequestError, match="not_a_field"):
        await _result(client.create_task({"title": "x", "not_a_field": 1}))


async def test_write_options_carry_an_idempotency_key(client: Any) -> None:
    key = f"ticket-{uuid.uuid4()}"
    first = await _result(client.with_raw_response.create_event_stream_ticket(idempotency_key=key))
    assert first.http_response.request.headers["Idempotency-Key"] == key
    assert first.parse().ticket


async def test_unknown_options_are_refused(client: Any) -> None:
    with pytest.raises(TypeError, match="extra_header"):
        await _result(client.get_me(extra_header={"X": "1"}))
