"""The generated namespaces (`client.tasks.get`) and `with_streaming_response`, against the real
server on both clients."""

from __future__ import annotations

import inspect
import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from taskmaster import NotFoundError, Task, TaskMasterClient
from tests.e2e.conftest import collect


async def _result(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


@pytest.fixture
async def client(flavor: str, user: Any, make_client: Callable[..., Any]) -> AsyncIterator[Any]:
    client = make_client(flavor, email=user.email, password=user.password)
    if flavor == "sync":
        with client:
            yield client
    else:
        async with client:
            yield client


async def test_a_namespace_method_is_the_flat_method(client: Any) -> None:
    assert type(client).get_task is type(client.tasks).get  # one function, two names
    task = await _result(client.tasks.create(title="namespaced", tags=("a", "b")))
    assert isinstance(task, Task)
    assert task.tags == ["a", "b"]  # any sequence for an array
    same = await _result(client.get_task(task.id))
    assert same.id == task.id
    changed = await _result(client.tasks.update(task, status="done", if_match=task))
    assert changed.status.value == "done"
    listed = await collect(client.tasks.list(status=["done"], project_id=task.project_id))
    assert [t.id for t in listed] == [task.id]
    await _result(client.tasks.delete(changed, if_match=changed))
    with pytest.raises(NotFoundError):
        await _result(client.tasks.get(task))  # an object with .id is an id


async def test_streaming_reads_the_body_only_on_demand(client: Any) -> None:
    for i in range(3):
        await _result(client.create_task(title=f"s{i}"))
    view = client.tasks.with_streaming_response
    if isinstance(client, TaskMasterClient):
        with view.list(limit=2) as response:
            assert response.status_code == 200
            body = b"".join(response.iter_bytes())
        with client.with_streaming_response.list_tasks(limit=2) as response:
            pager = response.parse()
            everything = [t.title for t in pager]
    else:
        async with view.list(limit=2) as response:
            assert response.status_code == 200
            assert not response.http_response.is_stream_consumed
            body = b"".join([chunk async for chunk in response.iter_bytes()])
        async with client.with_streaming_response.list_tasks(limit=2) as response:
            pager = await response.parse()
            everything = [t.title async for t in pager]
    assert len(json.loads(body)["data"]) == 2
    assert sorted(everything) == ["s0", "s1", "s2"]  # parse() gives the pager, which pages on


def test_over_a_socket_the_body_is_not_read_before_it_is_asked_for(
    live_server: Any, user: Any
) -> None:
    with TaskMasterClient(live_server.api_url, email=user.email, password=user.password) as c:
        c.create_task(title="lazy")
        with c.tasks.with_streaming_response.list() as response:
            assert not response.http_response.is_stream_consumed
            lines = list(response.iter_lines())
        assert response.http_response.is_closed
        assert json.loads("".join(lines))["data"][0]["title"] == "lazy"


async def test_streaming_raises_the_typed_error_on_entry(client: Any) -> None:
    streamed = client.tasks.with_streaming_response.get(uuid.uuid4())
    if isinstance(client, TaskMasterClient):
        with pytest.raises(NotFoundError):
            streamed.__enter__()
    else:
        with pytest.raises(NotFoundError):
            await streamed.__aenter__()


async def test_raw_views_of_namespaces(client: Any) -> None:
    raw = await _result(client.projects.with_raw_response.create(name="raw project"))
    assert raw.status_code == 201
    project = raw.parse()
    nested = await _result(client.with_raw_response.projects.get(project.id))
    assert nested.parse().name == "raw project"


async def test_the_bulk_helpers_hang_off_the_tasks_namespace(client: Any) -> None:
    result = await _result(client.tasks.bulk_create([{"title": f"b{i}"} for i in range(3)]))
    assert result.ok
    assert result.succeeded_count == 3
    single = await _result(client.tasks.batch_create([{"title": "one request"}]))
    assert (single.succeeded, single.failed) == (1, 0)  # one request, the server's answer
