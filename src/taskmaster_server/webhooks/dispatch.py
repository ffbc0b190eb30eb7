"""Turn an outbox event into pending deliveries, inside the event's own transaction.

Doing it in the writing transaction means a committed change always has its deliveries queued
and a rolled-back one never does; the worker only ever reads committed rows.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from taskmaster_server.db.models import Event, Webhook, WebhookDelivery
from taskmaster_server.db.types import utcnow

__all__ = ["enqueue_deliveries"]


def enqueue_deliveries(session: Session, events: list[Event]) -> int:
    """Queue one delivery per (event, enabled subscription of its account and type)."""
    if not events:
        return 0
    accounts = {event.account_id for event in events}
    hooks = session.scalars(
        select(Webhook).where(Webhook.account_id.in_(accounts), Webhook.enabled.is_(True))
    ).all()
    now = utcnow()
    queued = 0
    for event in events:
        for hook in hooks:
            if hook.account_id == event.account_id and event.type in hook.events:
                session.add(
                    WebhookDelivery(
                        webhook_id=hook.id,
                        account_id=event.account_id,
                        event_id=event.id,
                        event_type=event.type,
                        status="pending",
                        attempts=0,
                        created_at=now,
                        next_attempt_at=now,
                    )
                )
                queued += 1
    return queued
