"""Tasks: single calls, batches and the list."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import Response

from taskmaster_server.handlers._http import (
    acting,
    created,
    dumps,
    header,
    idempotent,
    json_response,
    no_content,
    not_modified_or,
    page_response,
    request,
    runtime,
)
from taskmaster_server.problems import Problem
from taskmaster_server.services import batch, serialize, tasks, upsert
from taskmaster_server.services.task_queries import TaskFilters, list_page
from taskmaster_server.validation import checker_for

__all__ = [
    "batch_create_tasks",
    "batch_delete_tasks",
    "batch_update_tasks",
    "batch_upsert_tasks",
    "create_task",
    "delete_task",
    "get_task",
    "list_tasks",
    "update_task",
    "upsert_task",
]


def list_tasks(
    limit: int = 50,
    cursor: str | None = None,
    offset: int | None = None,
    project_id: str | None = None,
    status: list[str] | None = None,
    priority: list[str] | None = None,
    tag: list[str] | None = None,
    due_before: str | None = None,
    due_after: str | None = None,
    updated_since: str | None = None,
    external_id: str | None = None,
    search: str | None = None,
    sort: str | None = None,
) -> Response:
    filters = TaskFilters(
        project_id=project_id,
        status=tuple(status or ()),
        priority=tuple(priority or ()),
        tag=tuple(tag or ()),
        due_before=due_before,
        due_after=due_after,
        updated_since=updated_since,
        external_id=external_id,
        search=search,
        sort=sort or "created_at",
    )
    page = list_page(runtime().db, acting(), filters, limit=limit, cursor=cursor, offset=offset)
    return page_response(page, with_etag=True)


def _with_etag(task: Any, status: int = 200) -> Response:
    return json_response(
        serialize.task(task), status, {"ETag": serialize.etag(task.id, task.version)}
    )


def create_task(body: dict[str, Any]) -> Response:
    actor = acting(writer=True)

    def produce() -> Response:
        task = tasks.create(runtime().db, actor, body)
        return created(
            serialize.task(task),
            f"/tasks/{task.id}",
            {"ETag": serialize.etag(task.id, task.version)},
        )

    return idempotent(actor, body, produce)


def get_task(task_id: str, project_id: str | None = None) -> Response:
    data = tasks.read(runtime().db, acting(), uuid.UUID(task_id), project_id)
    return not_modified_or(dumps(data), serialize.etag(data["id"], data["version"]))


def _if_match_required() -> str | None:
    value = header("If-Match")
    if value is None and runtime().settings.require_if_match:
        raise Problem(
            "precondition-required",
            "This server requires If-Match with the task's ETag on updates and deletes.",
        )
    return value


def update_task(task_id: str, body: dict[str, Any]) -> Response:
    actor = acting(writer=True)
    if_match = _if_match_required()

    def produce() -> Response:
        return _with_etag(tasks.update(runtime().db, actor, uuid.UUID(task_id), body, if_match))

    return idempotent(actor, body, produce)


def delete_task(task_id: str) -> Response:
    actor = acting(writer=True)
    tasks.delete(runtime().db, actor, uuid.UUID(task_id), _if_match_required())
    return no_content()


def _batch(operation_id: str, body: list[Any], atomic: bool, action: Any) -> Response:
    actor = acting(writer=True)
    rt = runtime()
    checker = checker_for(rt.spec.batch_item_schema(operation_id))

    def produce() -> Response:
        outcome = batch.run_batch(
            rt.db,
            actor,
            body,
            checker,
            action(actor),
            atomic=atomic,
            instance=request().url.path,
        )
        return json_response(outcome.as_json())

    return idempotent(actor, body, produce)


def batch_create_tasks(body: list[Any], atomic: bool = False) -> Response:
    return _batch("batch_create_tasks", body, atomic, batch.create_action)


def batch_update_tasks(body: list[Any], atomic: bool = False) -> Response:
    return _batch("batch_update_tasks", body, atomic, batch.update_action)


def batch_delete_tasks(body: list[Any], atomic: bool = False) -> Response:
    return _batch("batch_delete_tasks", body, atomic, batch.delete_action)


def upsert_task(body: dict[str, Any]) -> Response:
    actor = acting(writer=True)

    def produce() -> Response:
        action, task = upsert.upsert(runtime().db, actor, body)
        data = {"action": action, "task": serialize.task(task)}
        headers = {"ETag": serialize.etag(task.id, task.version)}
        if action == "created":
            return created(data, f"/tasks/{task.id}", headers)
        return json_response(data, 200, headers)

    return idempotent(actor, body, produce)


def batch_upsert_tasks(body: list[Any], atomic: bool = False) -> Response:
    actor = acting(writer=True)
    rt = runtime()
    checker = checker_for(rt.spec.batch_item_schema("batch_upsert_tasks"))

    def produce() -> Response:
        actions: dict[int, upsert.Action] = {}
        outcome = batch.run_batch(
            rt.db,
            actor,
            body,
            checker,
            upsert.upsert_action(actor, actions),
            atomic=atomic,
            instance=request().url.path,
        )
        upsert.with_actions(outcome.results, actions)
        return json_response(outcome.as_json())

    return idempotent(actor, body, produce)
