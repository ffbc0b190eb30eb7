"""Reading the event log: REST pages, the stream's windows, and retention.

A reader first takes the account's latest seq ``head`` and then reads rows up to it: a
counter value is only visible once the transaction that set it has committed, and the counter
row lock orders an account's writers, so every seq up to ``head`` is committed by then and a
window that stops at ``head`` can never skip an event that commits later.

A cursor the log cannot continue from is ``OutOfRange``: older than retention, or beyond the
latest seq (the database was restored from a backup, or the counter reset). Both answer as a
resync (``410`` / ``resync_required``): a cursor from the future would otherwise wait, forever,
for seqs that were already handed out once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from taskmaster_server.db.models import Event
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.events.outbox import latest_seq
from taskmaster_server.services.serialize import isotime

__all__ = [
    "EventFilter",
    "OutOfRange",
    "Window",
    "first_retained",
    "head",
    "list_page",
    "out_of_range",
    "purge_expired",
    "read_window",
    "replay_start",
    "serialize_event",
]


@dataclass(frozen=True)
class EventFilter:
    types: frozenset[str] | None = None
    project_id: uuid.UUID | None = None

    def apply(self, query: Select[Any]) -> Select[Any]:
        if self.types:
            query = query.where(Event.type.in_(sorted(self.types)))
        if self.project_id is not None:
            query = query.where(Event.project_id == self.project_id)
        return query


@dataclass(frozen=True)
class Window:
    """Matching events after a cursor, and the cursor to continue from."""

    events: list[dict[str, Any]]
    cursor: int
    head: int


def serialize_event(row: Event) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "seq": row.seq,
        "type": row.type,
        "account_id": str(row.account_id),
        "project_id": str(row.project_id) if row.project_id else None,
        "occurred_at": isotime(row.occurred_at),
        "data": row.data,
    }


@dataclass(frozen=True)
class OutOfRange:
    """Why the log cannot continue after a cursor; ``oldest`` is the first seq it still has."""

    oldest: int
    latest: int
    ahead: bool

    @property
    def reason(self) -> str:
        if self.ahead:
            return f"seq {self.latest} is the latest in the event log"
        return f"the event log no longer reaches back; its oldest seq is {self.oldest}"


def first_retained(session: Session, account_id: uuid.UUID) -> int:
    """The oldest seq still in the log (``latest + 1`` when retention removed them all)."""
    oldest = session.scalar(select(func.min(Event.seq)).where(Event.account_id == account_id))
    if oldest is not None:
        return int(oldest)
    return latest_seq(session, account_id) + 1


def out_of_range(session: Session, account_id: uuid.UUID, after: int) -> OutOfRange | None:
    """``OutOfRange`` when the log cannot continue after ``after``, else None."""
    latest = latest_seq(session, account_id)
    oldest = first_retained(session, account_id)
    if after > latest or after < oldest - 1:
        return OutOfRange(oldest, latest, ahead=after > latest)
    return None


def head(db: Database, account_id: uuid.UUID) -> tuple[int, int]:
    """The account's latest seq and the oldest one the log keeps (``GET /events/head``)."""
    with db.read() as session:
        latest = latest_seq(session, account_id)
        oldest = session.scalar(select(func.min(Event.seq)).where(Event.account_id == account_id))
    return latest, latest + 1 if oldest is None else int(oldest)


def _matching(
    account_id: uuid.UUID, after: int, until: int | None, where: EventFilter
) -> Select[Any]:
    query = select(Event).where(Event.account_id == account_id, Event.seq > after)
    if until is not None:
        query = query.where(Event.seq <= until)
    return where.apply(query).order_by(Event.seq)


def list_page(
    db: Database, account_id: uuid.UUID, after: int, where: EventFilter, limit: int
) -> dict[str, Any] | OutOfRange:
    """``EventList`` for ``GET /events``, or why the log cannot continue after ``after``."""
    with db.read() as session:
        gap = out_of_range(session, account_id, after)
        if gap is not None:
            return gap
        rows = list(session.scalars(_matching(account_id, after, None, where).limit(limit + 1)))
    page = rows[:limit]
    return {
        "data": [serialize_event(row) for row in page],
        "next_after": page[-1].seq if page else after,
        "has_more": len(rows) > limit,
    }


def read_window(
    db: Database, account_id: uuid.UUID, after: int, where: EventFilter, limit: int
) -> Window:
    """Up to ``limit`` matching events after ``after``; ``cursor`` is where the next read starts
    (the last row read, or ``head`` when the window reached it)."""
    with db.read() as session:
        head = latest_seq(session, account_id)
        rows: Sequence[Event] = list(
            session.scalars(_matching(account_id, after, head, where).limit(limit))
        )
    cursor = rows[-1].seq if len(rows) == limit else max(after, head)
    return Window([serialize_event(row) for row in rows], cursor, head)


def replay_start(
    db: Database, account_id: uuid.UUID, last_seq: int | None
) -> tuple[int, OutOfRange | None]:
    """Where a stream resuming after ``last_seq`` (None: now) starts, or why it cannot."""
    with db.read() as session:
        if last_seq is None:
            return latest_seq(session, account_id), None
        return last_seq, out_of_range(session, account_id, last_seq)


def purge_expired(db: Database, retention_seconds: int) -> int:
    """Delete events older than the retention; returns how many went."""
    cutoff = utcnow() - timedelta(seconds=retention_seconds)
    with db.write() as session:
        result = session.execute(delete(Event).where(Event.occurred_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
