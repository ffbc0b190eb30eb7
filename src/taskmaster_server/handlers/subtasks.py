"""Subtasks."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import Response

from taskmaster_server.handlers._http import acting, idempotent, json_response, no_content, runtime
from taskmaster_server.services import subtasks

__all__ = ["create_subtask", "delete_subtask", "list_subtasks", "update_subtask"]


def list_subtasks(task_id: str) -> Response:
    data = subtasks.list_for_task(runtime().db, acting(), uuid.UUID(task_id))
    return json_response({"data": data})


def create_subtask(task_id: str, body: dict[str, Any]) -> Response:
    actor = acting(writer=True)

    def produce() -> Response:
        data = subtasks.create(runtime().db, actor, uuid.UUID(task_id), body)
        return json_response(data, 201)

    return idempotent(actor, body, produce)


def update_subtask(task_id: str, subtask_id: str, body: dict[str, Any]) -> Response:
    actor = acting(writer=True)

    def produce() -> Response:
        data = subtasks.update(runtime().db, actor, uuid.UUID(task_id), uuid.UUID(subtask_id), body)
        return json_response(data)

    return idempotent(actor, body, produce)


def delete_subtask(task_id: str, subtask_id: str) -> Response:
    actor = acting(writer=True)
    subtasks.delete(runtime().db, actor, uuid.UUID(task_id), uuid.UUID(subtask_id))
    return no_content()
