"""Writing a transaction's events into the log, inside that transaction.

The seqs of one transaction come from one counter update per account
(``INSERT ... ON CONFLICT DO UPDATE SET last_seq = last_seq + n RETURNING last_seq``): the row
lock it takes serialises an account's writers on PostgreSQL, and SQLite's write lock already
does. The rows then go in with one multi-row insert, so a committed change always has its
events and a rolled-back one never does.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from taskmaster_server.db.models import Event, EventCounter, Webhook
from taskmaster_server.db.types import utcnow

__all__ = ["NOTIFY_CHANNEL", "DomainEvent", "Mark", "record"]

NOTIFY_CHANNEL = "taskmaster_events"

# (account id, the highest seq this transaction wrote for it)
Mark = tuple[uuid.UUID, int]


@dataclass(frozen=True)
class DomainEvent:
    """What changed, in the shape of the spec's ``Event.type`` / ``Event.data``."""

    type: str
    account_id: uuid.UUID
    project_id: uuid.UUID | None
    data: dict[str, Any]


def _reserve(session: Session, account_id: uuid.UUID, count: int) -> tuple[int, bool]:
    """Reserve ``count`` seqs for the account; returns the last one and whether it has hooks.

    Whether the account has an enabled webhook rides on the same statement (a subquery in
    ``RETURNING``): most accounts have none, and their writes then skip the webhook lookup,
    a whole query per write, without a cache that other processes would have to invalidate.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    hooked = (
        exists()
        .where(Webhook.account_id == account_id, Webhook.enabled.is_(True))
        .correlate(None)
        .label("hooked")
    )
    statement = (
        dialect.insert(EventCounter)
        .values(account_id=account_id, last_seq=count)
        .on_conflict_do_update(
            index_elements=[EventCounter.account_id],
            set_={"last_seq": EventCounter.last_seq + count},
        )
        .returning(EventCounter.last_seq, hooked)
    )
    last, has_hooks = session.execute(statement).one()
    return int(last), bool(has_hooks)


def record(
    session: Session, events: Sequence[DomainEvent]
) -> tuple[list[Event], list[Mark], set[uuid.UUID]]:
    """Insert ``events`` in order with fresh seqs.

    Returns the rows, one mark per account, and the accounts that have an enabled webhook.
    """
    by_account: dict[uuid.UUID, list[DomainEvent]] = {}
    for item in events:
        by_account.setdefault(item.account_id, []).append(item)
    now = utcnow()
    rows: list[Event] = []
    marks: list[Mark] = []
    hooked: set[uuid.UUID] = set()
    for account_id, items in by_account.items():
        last, has_hooks = _reserve(session, account_id, len(items))
        if has_hooks:
            hooked.add(account_id)
        first = last - len(items) + 1
        for offset, item in enumerate(items):
            rows.append(
                Event(
                    id=uuid.uuid4(),
                    account_id=account_id,
                    seq=first + offset,
                    type=item.type,
                    project_id=item.project_id,
                    occurred_at=now,
                    data=item.data,
                )
            )
        marks.append((account_id, last))
    session.execute(insert(Event), [_values(row) for row in rows])
    if session.get_bind().dialect.name == "postgresql":
        # NOTIFY is transactional: listeners hear it only if (and when) this commits.
        for account_id, last in marks:
            session.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": NOTIFY_CHANNEL, "payload": f"{account_id}:{last}"},
            )
    return rows, marks, hooked


def _values(row: Event) -> dict[str, Any]:
    return {
        "id": row.id,
        "account_id": row.account_id,
        "seq": row.seq,
        "type": row.type,
        "project_id": row.project_id,
        "occurred_at": row.occurred_at,
        "data": row.data,
    }


def latest_seq(session: Session, account_id: uuid.UUID) -> int:
    """The last seq handed out for the account (0 before its first event)."""
    value = session.scalar(
        select(EventCounter.last_seq).where(EventCounter.account_id == account_id)
    )
    return int(value or 0)
