"""Models → the JSON shapes of the spec."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from taskmaster_server.db.models import (
    Account,
    Project,
    SubTask,
    Task,
    User,
    Webhook,
    WebhookDelivery,
)

__all__ = [
    "PRIORITIES",
    "PRIORITY_RANK",
    "TaskFields",
    "account",
    "delivery",
    "etag",
    "isotime",
    "project",
    "subtask",
    "task",
    "user",
    "webhook",
]

PRIORITIES = ("low", "medium", "high", "urgent")
PRIORITY_RANK = {name: rank for rank, name in enumerate(PRIORITIES, start=1)}


def isotime(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def etag(object_id: Any, version: int) -> str:
    return f'W/"{object_id}-{version}"'


def user(row: User) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "email": row.email,
        "name": row.name,
        "created_at": isotime(row.created_at),
    }


def account(row: Account) -> dict[str, Any]:
    return {"id": str(row.id), "name": row.name, "created_at": isotime(row.created_at)}


def project(row: Project) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "account_id": str(row.account_id),
        "name": row.name,
        "description": row.description,
        "external_id": row.external_id,
        "is_default": row.is_default,
        "created_at": isotime(row.created_at),
        "updated_at": isotime(row.updated_at),
    }


def subtask(row: SubTask) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "parent_id": str(row.task_id),
        "title": row.title,
        "status": row.status,
        "position": row.position,
        "created_at": isotime(row.created_at),
        "updated_at": isotime(row.updated_at),
    }


class TaskFields(Protocol):
    """What ``task()`` reads: a ``Task`` or a Core row of ``services.tasks.read``."""

    id: Any
    account_id: Any
    project_id: Any
    external_id: str | None
    title: str
    description: str | None
    status: str
    priority: int
    tags: list[str]
    due_at: datetime | None
    meta: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    version: int

    @property
    def subtasks(self) -> Sequence[Any]: ...


def task(row: Task | TaskFields) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "account_id": str(row.account_id),
        "project_id": str(row.project_id),
        "external_id": row.external_id,
        "title": row.title,
        "description": row.description,
        "status": row.status,
        "priority": PRIORITIES[row.priority - 1],
        "tags": list(row.tags),
        "due_at": isotime(row.due_at),
        "metadata": dict(row.meta),
        "created_at": isotime(row.created_at),
        "updated_at": isotime(row.updated_at),
        "completed_at": isotime(row.completed_at),
        "version": row.version,
        "subtasks": [subtask(s) for s in row.subtasks],
    }


def webhook(row: Webhook) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "account_id": str(row.account_id),
        "url": row.url,
        "events": list(row.events),
        "description": row.description,
        "enabled": row.enabled,
        "disabled_reason": row.disabled_reason,
        "created_at": isotime(row.created_at),
        "updated_at": isotime(row.updated_at),
    }


def delivery(row: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "webhook_id": str(row.webhook_id),
        "event_id": str(row.event_id),
        "event_type": row.event_type,
        "status": row.status,
        "attempts": row.attempts,
        "response_status": row.response_status,
        "duration_ms": row.duration_ms,
        "last_error": row.last_error,
        "created_at": isotime(row.created_at),
        "next_attempt_at": isotime(row.next_attempt_at),
    }
