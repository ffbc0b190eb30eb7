"""Webhook subscriptions, their signing secrets and their delivery log.

Deliveries themselves (signing, sending, retries) belong to the delivery worker; this module
keeps what it needs: the subscriptions, the secrets in clear (HMAC signing needs them), the
previous secret during a rotation, and the delivery rows it will write.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from taskmaster_server.db.models import Event, Webhook, WebhookDelivery
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.pagination import SortKey, after, decode_cursor, encode_cursor
from taskmaster_server.problems import Problem, field_error
from taskmaster_server.services import serialize
from taskmaster_server.services.actors import Actor
from taskmaster_server.services.page import Page
from taskmaster_server.services.transaction import write
from taskmaster_server.webhooks.ssrf import BlockedAddress, UrlPolicy

__all__ = [
    "SECRET_ROTATION_OVERLAP",
    "check_url",
    "create",
    "delete",
    "get",
    "list_deliveries",
    "list_page",
    "new_secret",
    "redeliver",
    "rotate_secret",
    "update",
]

SECRET_ROTATION_OVERLAP = timedelta(hours=24)

_WEBHOOK_KEYS = (
    SortKey(Webhook.created_at, False, "datetime", "created_at"),
    SortKey(Webhook.id, False, "uuid", "id"),
)
_DELIVERY_KEYS = (
    SortKey(WebhookDelivery.created_at, True, "datetime", "created_at"),
    SortKey(WebhookDelivery.id, True, "uuid", "id"),
)


def new_secret() -> str:
    """``whsec_`` + base64 of 32 random bytes (Standard Webhooks)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def check_url(url: str, policy: UrlPolicy) -> None:
    """Refuse URLs a server should not call (see ``webhooks/ssrf.py``): not http(s), an IP
    literal that is private, loopback, link-local, metadata, unspecified or multicast, or a
    name that is never public (localhost, metadata hosts). Other names are not resolved here;
    every delivery resolves them and checks the addresses before sending."""
    try:
        policy.check(url, resolve=False)
    except BlockedAddress as exc:
        detail = f"{str(exc)[:1].upper()}{str(exc)[1:]}."
        if _private_allowed_would_pass(url, policy):
            detail += f" {ALLOW_PRIVATE_HINT}"
        raise Problem(
            "validation-error", detail, errors=[field_error("/url", detail, "url")]
        ) from None


ALLOW_PRIVATE_HINT = (
    "For local development, start the server with TASKMASTER_WEBHOOK_ALLOW_PRIVATE=true to "
    "allow private and loopback URLs."
)


def _private_allowed_would_pass(url: str, policy: UrlPolicy) -> bool:
    """Whether TASKMASTER_WEBHOOK_ALLOW_PRIVATE would lift this refusal (it never lifts the
    metadata or malformed-URL ones, so the hint is given only where it helps)."""
    if policy.allow_private:
        return False
    lenient = UrlPolicy(allow_private=True, resolver=policy.resolver)
    try:
        lenient.check(url, resolve=False)
    except BlockedAddress:
        return False
    return True


def _owned(session: Session, actor: Actor, webhook_id: uuid.UUID, lock: bool = False) -> Webhook:
    query = select(Webhook).where(Webhook.id == webhook_id)
    if lock:
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None or row.account_id != actor.account_id:
        raise Problem("not-found", f"No webhook {webhook_id} in this account.")
    return row


def list_page(db: Database, actor: Actor, limit: int, cursor: str | None) -> Page:
    query = select(Webhook).where(Webhook.account_id == actor.account_id)
    if cursor:
        query = query.where(after(_WEBHOOK_KEYS, decode_cursor(cursor, "webhooks", _WEBHOOK_KEYS)))
    query = query.order_by(Webhook.created_at, Webhook.id).limit(limit + 1)
    with db.read() as session:
        rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor("webhooks", rows[-1], _WEBHOOK_KEYS) if more else None
    return Page([serialize.webhook(r) for r in rows], next_cursor, more)


def get(db: Database, actor: Actor, webhook_id: uuid.UUID) -> dict[str, Any]:
    with db.read() as session:
        return serialize.webhook(_owned(session, actor, webhook_id))


def create(
    db: Database, actor: Actor, body: dict[str, Any], *, policy: UrlPolicy
) -> dict[str, Any]:
    actor.require_writer()
    check_url(body["url"], policy)
    now = utcnow()
    enabled = bool(body.get("enabled", True))
    with write(db) as tx:
        row = Webhook(
            id=uuid.uuid4(),
            account_id=actor.account_id,
            url=body["url"],
            events=list(body["events"]),
            description=body.get("description"),
            enabled=enabled,
            disabled_reason=None if enabled else "manual",
            secret=body.get("secret") or new_secret(),
            created_at=now,
            updated_at=now,
        )
        tx.session.add(row)
        tx.session.flush()
        return {**serialize.webhook(row), "secret": row.secret}


def update(
    db: Database, actor: Actor, webhook_id: uuid.UUID, patch: dict[str, Any], *, policy: UrlPolicy
) -> dict[str, Any]:
    actor.require_writer()
    if "url" in patch:
        check_url(patch["url"], policy)
    with write(db) as tx:
        row = _owned(tx.session, actor, webhook_id, lock=True)
        for field in ("url", "events", "description"):
            if field in patch:
                setattr(row, field, patch[field])
        if "enabled" in patch:
            if patch["enabled"] and not row.enabled:
                # Re-enabled: the failure streak that disabled it starts over.
                row.consecutive_failures = 0
            row.enabled = bool(patch["enabled"])
            row.disabled_reason = None if row.enabled else "manual"
        row.updated_at = utcnow()
        tx.session.flush()
        return serialize.webhook(row)


def delete(db: Database, actor: Actor, webhook_id: uuid.UUID) -> None:
    actor.require_writer()
    with write(db) as tx:
        tx.session.delete(_owned(tx.session, actor, webhook_id, lock=True))


def rotate_secret(db: Database, actor: Actor, webhook_id: uuid.UUID) -> dict[str, Any]:
    actor.require_writer()
    with write(db) as tx:
        row = _owned(tx.session, actor, webhook_id, lock=True)
        now = utcnow()
        row.previous_secret = row.secret
        row.previous_secret_expires_at = now + SECRET_ROTATION_OVERLAP
        row.secret = new_secret()
        row.updated_at = now
        return {
            "secret": row.secret,
            "previous_secret_expires_at": row.previous_secret_expires_at.isoformat(),
        }


def list_deliveries(
    db: Database,
    actor: Actor,
    webhook_id: uuid.UUID,
    *,
    status: str | None,
    limit: int,
    cursor: str | None,
) -> Page:
    digest = f"deliveries:{webhook_id}:{status}"
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    if status:
        query = query.where(WebhookDelivery.status == status)
    if cursor:
        query = query.where(after(_DELIVERY_KEYS, decode_cursor(cursor, digest, _DELIVERY_KEYS)))
    query = query.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    with db.read() as session:
        _owned(session, actor, webhook_id)
        rows = list(session.scalars(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(digest, rows[-1], _DELIVERY_KEYS) if more else None
    return Page([serialize.delivery(r) for r in rows], next_cursor, more)


def redeliver(
    db: Database, actor: Actor, webhook_id: uuid.UUID, delivery_id: uuid.UUID
) -> dict[str, Any]:
    """Queue a new delivery of the same event (same ``event_id``, so the same webhook-id)."""
    actor.require_writer()
    with write(db) as tx:
        hook = _owned(tx.session, actor, webhook_id, lock=True)
        original = tx.session.get(WebhookDelivery, delivery_id)
        if original is None or original.webhook_id != hook.id:
            raise Problem("not-found", f"No delivery {delivery_id} for webhook {webhook_id}.")
        if not hook.enabled:
            raise Problem("conflict", "The webhook is disabled; enable it before redelivering.")
        if tx.session.get(Event, original.event_id) is None:
            raise Problem("conflict", "The event is no longer in the event log (retention).")
        now = utcnow()
        queued = WebhookDelivery(
            id=uuid.uuid4(),
            webhook_id=hook.id,
            account_id=hook.account_id,
            event_id=original.event_id,
            event_type=original.event_type,
            status="pending",
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
        tx.session.add(queued)
        tx.session.flush()
        return serialize.delivery(queued)
