"""Input: dicts and keywords become the generated models; bad input is refused before sending."""

from __future__ import annotations

import datetime
import json
import uuid

import attrs
import httpx
import pytest

from taskmaster import (
    BatchTaskUpdateParams,
    InvalidRequestError,
    Priority,
    TaskCreate,
    TaskCreateParams,
    TaskFilters,
    TaskStatus,
    TaskUpdateParams,
)
from tests.sdk.conftest import task_json


def _fields(model: type) -> set[str]:
    return {f.name for f in attrs.fields(model)} - {"additional_properties"}


def test_typed_dicts_match_the_generated_models() -> None:
    from taskmaster_api.models import BatchTaskUpdate, TaskUpdate

    assert TaskCreateParams.__required_keys__ == {"title"}
    assert set(TaskCreateParams.__annotations__) == _fields(TaskCreate)
    assert set(TaskUpdateParams.__annotations__) == _fields(TaskUpdate)
    batch_keys = BatchTaskUpdateParams.__required_keys__ | BatchTaskUpdateParams.__optional_keys__
    assert batch_keys == _fields(BatchTaskUpdate)
    assert BatchTaskUpdateParams.__required_keys__ == {"id"}


def test_task_filters_match_the_list_tasks_parameters() -> None:
    import inspect

    from taskmaster_api.api.tasks import list_tasks

    generated = set(inspect.signature(list_tasks._get_kwargs).parameters)
    mine = TaskFilters.__required_keys__ | TaskFilters.__optional_keys__
    # Headers are separate keywords of list_tasks (account_id); If-None-Match is raw-only.
    assert mine == generated - {"x_account_id", "if_none_match"}


@pytest.fixture
def sent(router) -> list[dict]:
    bodies: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(201 if request.method == "POST" else 200, json=task_json())

    router.post("/tasks").mock(side_effect=answer)
    router.patch(url__regex=r"/tasks/[^/]+$").mock(side_effect=answer)
    return bodies


def test_dict_keywords_and_models_make_the_same_body(sent, client_factory) -> None:
    client = client_factory(token="t", verify_tokens=False)
    due = datetime.datetime(2026, 11, 30, 17, 0, tzinfo=datetime.UTC)
    project = uuid.uuid4()
    client.create_task(
        {"title": "a", "priority": Priority.HIGH, "due_at": due, "project_id": project}
    )
    client.create_task(title="a", priority="high", due_at=due.isoformat(), project_id=str(project))
    client.create_task(
        TaskCreate(title="a", priority=Priority.HIGH, due_at=due, project_id=project)
    )
    client.create_task(
        {"title": "x", "tags": ("t1", "t2")},
        title="a",
        priority="high",
        due_at=due,
        project_id=project,
        tags=[],
    )  # fmt: skip  (keywords win)
    expected = {
        "title": "a",
        "priority": "high",
        "due_at": "2026-11-30T17:00:00+00:00",
        "project_id": str(project),
    }
    assert sent[:3] == [expected] * 3
    assert sent[3] == {**expected, "tags": []}


def test_update_sends_only_given_fields_and_null_clears(sent, client_factory) -> None:
    client = client_factory(token="t", verify_tokens=False)
    client.update_task(str(uuid.uuid4()), {"description": None}, status=TaskStatus.DONE)
    assert sent == [{"description": None, "status": "done"}]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.create_task({}), "missing required field 'title'"),
        (lambda c: c.create_task({"title": "a", "titel": "b"}), "unknown field(s) 'titel'"),
        (lambda c: c.create_task({"title": "a", "project_id": "nope"}), "create_task"),
        (
            lambda c: c.create_task(title="a", due_at=datetime.datetime(2026, 1, 1)),
            "naive datetime",
        ),
        (lambda c: c.create_task("just a title"), "expected a dict or TaskCreate"),
        (lambda c: c.get_task("not-a-uuid"), "task_id must be a UUID"),
        (lambda c: c.list_tasks(due_before="yesterday"), "ISO 8601"),
        (lambda c: c.list_tasks({"colour": "red"}), "unknown filter(s) 'colour'"),
        (lambda c: c.get_task(uuid.uuid4(), account_id="acme"), "account_id must be a UUID"),
        (lambda c: c.update_task(uuid.uuid4(), {"id": "x"}), "unknown field(s) 'id'"),
    ],
)
def test_bad_input_raises_invalid_request_error_before_sending(
    call, message, router, client_factory
) -> None:
    client = client_factory(token="t", verify_tokens=False)
    with pytest.raises(InvalidRequestError) as caught:
        call(client)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert not router.calls, "nothing may be sent"


def test_if_match_takes_an_etag_or_a_task_this_client_returned(router, client_factory) -> None:
    body = task_json(version=3)
    router.get(f"/tasks/{body['id']}").mock(
        return_value=httpx.Response(200, json=body, headers={"ETag": 'W/"abc-3"'})
    )
    patch = router.patch(f"/tasks/{body['id']}").mock(
        return_value=httpx.Response(200, json={**body, "version": 4}, headers={"ETag": 'W/"abc-4"'})
    )
    client = client_factory(token="t", verify_tokens=False)
    task = client.get_task(body["id"])
    updated = client.update_task(task, title="b", if_match=task)
    assert patch.calls.last.request.headers["If-Match"] == 'W/"abc-3"'
    client.update_task(task.id, title="c", if_match='W/"manual"')
    assert patch.calls.last.request.headers["If-Match"] == 'W/"manual"'
    client.update_task(task.id, title="d", if_match=updated)
    assert patch.calls.last.request.headers["If-Match"] == 'W/"abc-4"'
    stranger = attrs.evolve(task, version=99)
    with pytest.raises(InvalidRequestError, match="no ETag is known"):
        client.update_task(task.id, title="e", if_match=stranger)


def test_if_none_match_returns_the_same_task_on_304(router, client_factory) -> None:
    body = task_json()
    route = router.get(f"/tasks/{body['id']}").mock(
        side_effect=[
            httpx.Response(200, json=body, headers={"ETag": 'W/"e-1"'}),
            httpx.Response(304, headers={"ETag": 'W/"e-1"'}),
        ]
    )
    client = client_factory(token="t", verify_tokens=False)
    task = client.get_task(body["id"])
    again = client.get_task(body["id"], if_none_match=task)
    assert again is task
    assert route.calls.last.request.headers["If-None-Match"] == 'W/"e-1"'
