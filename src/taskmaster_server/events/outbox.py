"""Writing a transaction's events into the log, inside that transaction.

The seqs of one transaction come from one counter update per account
(``INSERT ... ON CONFLICT DO UPDATE SET last_seq = last_seq + n RETURNING last_seq``): the row
lock it takes serialises an account's writers on PostgreSQL, and SQLite's write lock already
does. The rows go in within the same transaction, so a committed change always has its events
and a rolled-back one never does.

On PostgreSQL the counter update, the rows, their webhook deliveries and the NOTIFY are one
statement, sent in the round trip that commits (db/pipeline.py): the counter's row lock, which
orders an account's writers, is held only while the database runs that statement and its
COMMIT, never across a network round trip. What a reader relies on is unchanged (events/feed.py):
a counter value is visible only once its transaction has committed, and every writer with a
lower seq committed before it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Integer, Uuid, bindparam, exists, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from taskmaster_server.db import pipeline
from taskmaster_server.db.models import Event, EventCounter, Webhook
from taskmaster_server.db.types import UTCDateTime, utcnow
from taskmaster_server.webhooks.dispatch import enqueue_deliveries

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


def record(session: Session, events: Sequence[DomainEvent], *, commit: bool = False) -> list[Mark]:
    """Insert ``events`` in order with fresh seqs, and queue their webhook deliveries.

    With ``commit`` (PostgreSQL, with a pipeline attached: db/pipeline.py), the last account's
    statement carries the transaction's COMMIT in the same round trip, so the counter's row
    lock is held for no round trip at all. Returns one mark per account.
    """
    by_account: dict[uuid.UUID, list[DomainEvent]] = {}
    for item in events:
        by_account.setdefault(item.account_id, []).append(item)
    now = utcnow()
    if session.get_bind().dialect.name == "postgresql":
        marks: list[Mark] = []
        accounts = list(by_account.items())
        for position, (account_id, items) in enumerate(accounts):
            params = {
                "account_id": account_id,
                "account": str(account_id),
                "count": len(items),
                "now": now,
                "events": _events_json(items),
                "channel": NOTIFY_CHANNEL,
            }
            if commit and position == len(accounts) - 1:
                rows = pipeline.commit_after(session, _RECORD_PG, params)
            else:
                rows = session.execute(_RECORD_PG, params).all()
            marks.append((account_id, int(rows[0][0])))
        return marks
    return _record_rows(session, by_account, now)


def _events_json(items: list[DomainEvent]) -> str:
    return _dumps(
        [
            {
                "id": str(uuid.uuid4()),
                "type": item.type,
                "project_id": str(item.project_id) if item.project_id else None,
                "data": item.data,
            }
            for item in items
        ]
    )


def _dumps(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        # orjson stops at 64-bit integers; metadata may hold bigger ones.
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# One statement for all of an account's events: the seqs, the rows, their webhook deliveries
# and the NOTIFY. The counter update comes last in the transaction (in the round trip that
# commits it), and a rolled-back transaction takes all of it with it.
_RECORD_PG = text(
    """
WITH counter AS (
    INSERT INTO event_counters AS c (account_id, last_seq) VALUES (:account_id, :count)
    ON CONFLICT (account_id) DO UPDATE SET last_seq = c.last_seq + EXCLUDED.last_seq
    RETURNING c.last_seq
), items AS (
    SELECT (x.item->>'id')::uuid AS id, x.item->>'type' AS type,
           (x.item->>'project_id')::uuid AS project_id, x.item->'data' AS data, x.ord
    FROM jsonb_array_elements(CAST(:events AS jsonb)) WITH ORDINALITY AS x(item, ord)
), written AS (
    INSERT INTO events (id, account_id, seq, type, project_id, occurred_at, data)
    SELECT items.id, :account_id, counter.last_seq - :count + items.ord, items.type,
           items.project_id, :now, items.data
    FROM counter, items
    RETURNING id, type
), queued AS (
    INSERT INTO webhook_deliveries
        (id, webhook_id, account_id, event_id, event_type, status, attempts, created_at,
         next_attempt_at)
    SELECT gen_random_uuid(), w.id, :account_id, written.id, written.type, 'pending', 0,
           :now, :now
    FROM written JOIN webhooks AS w
      ON w.account_id = :account_id AND w.enabled AND w.events @> jsonb_build_array(written.type)
)
SELECT last_seq, pg_notify(:channel, :account || ':' || last_seq) FROM counter
"""
).bindparams(
    bindparam("account_id", type_=Uuid()),
    bindparam("count", type_=Integer()),
    bindparam("now", type_=UTCDateTime()),
)


def _record_rows(
    session: Session, by_account: dict[uuid.UUID, list[DomainEvent]], now: Any
) -> list[Mark]:
    """SQLite: reserve, insert, queue deliveries (its write lock already serialises)."""
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
    enqueue_deliveries(session, hooked_rows)
    return marks


def latest_seq(session: Session, account_id: uuid.UUID) -> int:
    """The last seq handed out for the account (0 before its first event)."""
    value = session.scalar(
        select(EventCounter.last_seq).where(EventCounter.account_id == account_id)
    )
    return int(value or 0)
