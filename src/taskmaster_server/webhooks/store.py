"""The delivery worker's database side: claim due deliveries, record each attempt's outcome.

Every state change is committed before or after the HTTP call, never during it:

1. ``claim`` (one transaction) takes due deliveries, counts the attempt and sets a lease
   (``claimed_until`` + ``claim_token``). On PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets several
   server processes claim side by side without taking the same row; on SQLite the write
   transaction (``BEGIN IMMEDIATE``) already serialises claimers.
2. The HTTP call runs with no transaction open.
3. ``record`` (one transaction) stores the outcome only while the lease is still ours: a process
   killed between 1 and 3 leaves a lease that expires, and the delivery is simply due again with
   the same ``webhook-id``: at least once, never lost.

Locks are always taken webhook first, then delivery, so two outcomes for one endpoint (one of
them disabling it) cannot deadlock.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from taskmaster_server.db.models import Event, Webhook, WebhookDelivery
from taskmaster_server.db.session import Database
from taskmaster_server.settings import Settings
from taskmaster_server.webhooks.payload import envelope_bytes
from taskmaster_server.webhooks.signing import signing_secrets

__all__ = ["Job", "Outcome", "claim", "has_due", "record", "retry_delay"]


@dataclass(frozen=True)
class Job:
    """One claimed attempt: everything the sender needs, read inside the claim."""

    delivery_id: uuid.UUID
    webhook_id: uuid.UUID
    claim_token: uuid.UUID
    event_id: uuid.UUID
    url: str
    secrets: list[str]
    body: bytes


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: an HTTP status, or an error before any status."""

    status: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def retry_delay(attempts: int, settings: Settings) -> float:
    """Seconds before attempt ``attempts + 1``: exponential, capped, with ±20 % jitter."""
    exponent = min(max(attempts - 1, 0), 32)
    delay = min(settings.webhook_retry_base * 2.0**exponent, settings.webhook_retry_max)
    # Jitter spreads the retries of a burst of events to an endpoint that just came back.
    return float(delay * random.uniform(0.8, 1.2))


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        WebhookDelivery.status == "pending",
        WebhookDelivery.next_attempt_at <= now,
        or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now),
    )


def has_due(db: Database, now: datetime) -> bool:
    """A cheap read, so an idle worker never takes the write lock."""
    with db.read() as session:
        return session.scalar(select(WebhookDelivery.id).where(_due(now)).limit(1)) is not None


def claim(db: Database, now: datetime, limit: int, lease: float) -> list[Job]:
    """Take up to ``limit`` due deliveries; deliveries that cannot be sent end as ``failed``."""
    query = (
        select(WebhookDelivery)
        .where(_due(now))
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    )
    if db.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    jobs: list[Job] = []
    with db.write() as session:
        rows = list(session.scalars(query))
        if not rows:
            return jobs
        hook_ids = {r.webhook_id for r in rows}
        event_ids = {r.event_id for r in rows}
        hooks = {h.id: h for h in session.scalars(select(Webhook).where(Webhook.id.in_(hook_ids)))}
        events = {e.id: e for e in session.scalars(select(Event).where(Event.id.in_(event_ids)))}
        for row in rows:
            hook, event = hooks.get(row.webhook_id), events.get(row.event_id)
            if hook is None or not hook.enabled:
                _give_up(row, "the endpoint is disabled")
            elif event is None:
                _give_up(row, "the event is no longer in the event log")
            else:
                row.attempts += 1
                row.claimed_until = now + timedelta(seconds=lease)
                row.claim_token = uuid.uuid4()
                jobs.append(
                    Job(
                        row.id,
                        hook.id,
                        row.claim_token,
                        event.id,
                        hook.url,
                        signing_secrets(hook, now),
                        envelope_bytes(event),
                    )
                )
    return jobs


def _give_up(row: WebhookDelivery, error: str) -> None:
    row.status = "failed"
    row.last_error = error
    row.next_attempt_at = None
    row.claimed_until = None
    row.claim_token = None


def record(db: Database, job: Job, outcome: Outcome, now: datetime, settings: Settings) -> str:
    """Store an attempt's outcome; returns the delivery's status (``lost`` if the lease was)."""
    with db.write() as session:
        hook = session.scalar(select(Webhook).where(Webhook.id == job.webhook_id).with_for_update())
        row = session.scalar(
            select(WebhookDelivery)
            .where(
                WebhookDelivery.id == job.delivery_id,
                WebhookDelivery.claim_token == job.claim_token,
            )
            .with_for_update()
        )
        if hook is None or row is None:
            return "lost"
        row.claimed_until = None
        row.claim_token = None
        row.response_status = outcome.status
        row.duration_ms = outcome.duration_ms
        row.last_error = outcome.error
        if outcome.ok:
            row.status, row.next_attempt_at = "succeeded", None
            hook.consecutive_failures = 0
        elif outcome.status == 410:
            row.status, row.next_attempt_at = "failed", None
            _disable(session, hook, "gone", now)
        elif row.attempts >= settings.webhook_max_attempts:
            row.status, row.next_attempt_at = "failed", None
            hook.consecutive_failures += 1
            if hook.consecutive_failures >= settings.webhook_disable_after:
                _disable(session, hook, "failing", now)
        else:
            row.next_attempt_at = now + timedelta(seconds=retry_delay(row.attempts, settings))
        return row.status


def _disable(session: Session, hook: Webhook, reason: str, now: datetime) -> None:
    """Disable the endpoint and end its queued deliveries (they can be redelivered later)."""
    hook.enabled = False
    hook.disabled_reason = reason
    hook.updated_at = now
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.webhook_id == hook.id,
            WebhookDelivery.status == "pending",
            WebhookDelivery.claim_token.is_(None),
        )
        .values(
            status="failed",
            next_attempt_at=None,
            last_error=f"the endpoint was disabled ({reason})",
        )
    )
