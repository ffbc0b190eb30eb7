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

from sqlalchemy import bindparam, exists, insert, select, text
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


def _reserve_statement(dialect_name: str) -> Any:
    """The seq reservation of ``_reserve``, built once per dialect: constructing and keying
    this statement anew cost about a third of its execution."""
    statement = _RESERVE.get(dialect_name)
    if statement is None:
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        account_id: Any = bindparam("account_id")
        count: Any = bindparam("count")
        hooked = (
            exists()
            .where(Webhook.account_id == account_id, Webhook.enabled.is_(True))
            .correlate(None)
            .label("hooked")
        )
        statement = _RESERVE[dialect_name] = (
            dialect.insert(EventCounter)
            .values(account_id=account_id, last_seq=count)
            .on_conflict_do_update(
                index_elements=[EventCounter.account_id],
                set_={"last_seq": EventCounter.last_seq + count},
            )
            .returning(EventCounter.last_seq, hooked)
        )
    return statement


_RESERVE: dict[str, Any] = {}


def _reserve(session: Session, account_id: uuid.UUID, count: int) -> tuple[int, bool]:
    """Reserve ``count`` seqs for the account; returns the last one and whether it has hooks.

    Whether the account has an enabled webhook rides on the same statement (a subquery in
    ``RETURNING``): most accounts have none, and their writes then skip the webhook lookup,
    a whole query per write, without a cache that other processes would have to invalidate.
    """
    statement = _reserve_statement(session.get_bind().dialect.name)
    last, has_hooks = session.execute(statement, {"account_id": account_id, "count": count}).one()
    return int(last), bool(has_hooks)


def record(session: Session, events: Sequence[DomainEvent]) -> tuple[list[Event], list[Mark]]:
    """Insert ``events`` in order with fresh seqs.

    Returns the rows of the accounts that have an enabled webhook (what deliveries are queued
    for; the others go in as plain values, without building ORM objects) and one mark per
    account.
    """
    by_account: dict[uuid.UUID, list[DomainEvent]] = {}
    for item in events:
        by_account.setdefault(item.account_id, []).append(item)
    now = utcnow()
    values: list[dict[str, Any]] = []
    hooked_rows: list[Event] = []
    marks: list[Mark] = []
    for account_id, items in by_account.items():
        last, has_hooks = _reserve(session, account_id, len(items))
        first = last - len(items) + 1
        for offset, item in enumerate(items):
            row = {
                "id": uuid.uuid4(),
                "account_id": account_id,
                "seq": first + offset,
                "type": item.type,
                "project_id": item.project_id,
                "occurred_at": now,
                "data": item.data,
            }
            values.append(row)
            if has_hooks:
                hooked_rows.append(Event(**row))
        marks.append((account_id, last))
    session.execute(insert(Event), values)
    if session.get_bind().dialect.name == "postgresql":
        # NOTIFY is transactional: listeners hear it only if (and when) this commits.
        for account_id, last in marks:
            session.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": NOTIFY_CHANNEL, "payload": f"{account_id}:{last}"},
            )
    return hooked_rows, marks


def latest_seq(session: Session, account_id: uuid.UUID) -> int:
    """The last seq handed out for the account (0 before its first event)."""
    value = session.scalar(
        select(EventCounter.last_seq).where(EventCounter.account_id == account_id)
    )
    return int(value or 0)
