"""Webhook subscriptions and their delivery log."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import Response

from taskmaster_server.handlers._http import (
    acting,
    created,
    idempotent,
    json_response,
    no_content,
    page_response,
    runtime,
)
from taskmaster_server.services import webhooks
from taskmaster_server.webhooks.ssrf import UrlPolicy

__all__ = [
    "create_webhook",
    "delete_webhook",
    "get_webhook",
    "list_webhook_deliveries",
    "list_webhooks",
    "redeliver_webhook_delivery",
    "rotate_webhook_secret",
    "update_webhook",
]


def _policy() -> UrlPolicy:
    return UrlPolicy.from_settings(runtime().settings)


def list_webhooks(limit: int = 50, cursor: str | None = None) -> Response:
    return page_response(webhooks.list_page(runtime().db, acting(), limit, cursor))


def create_webhook(body: dict[str, Any]) -> Response:
    actor = acting(writer=True)

    def produce() -> Response:
        data = webhooks.create(runtime().db, actor, body, policy=_policy())
        return created(data, f"/webhooks/{data['id']}", {"Cache-Control": "no-store"})

    return idempotent(actor, body, produce)


def get_webhook(webhook_id: str) -> Response:
    return json_response(webhooks.get(runtime().db, acting(), uuid.UUID(webhook_id)))


def update_webhook(webhook_id: str, body: dict[str, Any]) -> Response:
    actor = acting(writer=True)

    def produce() -> Response:
        data = webhooks.update(runtime().db, actor, uuid.UUID(webhook_id), body, policy=_policy())
        return json_response(data)

    return idempotent(actor, body, produce)


def delete_webhook(webhook_id: str) -> Response:
    webhooks.delete(runtime().db, acting(writer=True), uuid.UUID(webhook_id))
    return no_content()


def rotate_webhook_secret(webhook_id: str) -> Response:
    actor = acting(writer=True)

    def produce() -> Response:
        data = webhooks.rotate_secret(runtime().db, actor, uuid.UUID(webhook_id))
        return json_response(data, headers={"Cache-Control": "no-store"})

    return idempotent(actor, None, produce)


def list_webhook_deliveries(
    webhook_id: str, status: str | None = None, limit: int = 50, cursor: str | None = None
) -> Response:
    page = webhooks.list_deliveries(
        runtime().db, acting(), uuid.UUID(webhook_id), status=status, limit=limit, cursor=cursor
    )
    return page_response(page)


def redeliver_webhook_delivery(webhook_id: str, delivery_id: str) -> Response:
    actor = acting(writer=True)

    def produce() -> Response:
        data = webhooks.redeliver(
            runtime().db, actor, uuid.UUID(webhook_id), uuid.UUID(delivery_id)
        )
        return json_response(data, 202)

    return idempotent(actor, None, produce)
