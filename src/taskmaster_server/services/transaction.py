"""One write = one transaction, plus the domain events it produced."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from taskmaster_server.db.session import Database
from taskmaster_server.events import outbox
from taskmaster_server.events.broker import publish_committed
from taskmaster_server.events.outbox import Mark
from taskmaster_server.webhooks.dispatch import enqueue_deliveries

__all__ = ["DomainEvent", "Transaction", "write"]


@dataclass(frozen=True)
class DomainEvent:
    """What changed, in the shape of the spec's ``Event.type`` / ``Event.data``."""

    type: str
    account_id: uuid.UUID
    project_id: uuid.UUID | None
    data: dict[str, Any]


@dataclass
class Transaction:
    session: Session
    events: list[DomainEvent] = field(default_factory=list)
    # Per-transaction memo for lookups a batch repeats (the account's default project).
    cache: dict[str, Any] = field(default_factory=dict)

    def emit(
        self,
        type_: str,
        account_id: uuid.UUID,
        project_id: uuid.UUID | None,
        data: dict[str, Any],
    ) -> None:
        # Collected here; write() puts them in the outbox just before it commits.
        self.events.append(DomainEvent(type_, account_id, project_id, data))


@contextmanager
def write(db: Database) -> Iterator[Transaction]:
    """Run a write: committed when the block ends, rolled back (events too) if it raises.

    The events emitted in the block are written to the outbox (and their webhook deliveries
    queued) in the same transaction, just before the commit; stream listeners are woken after.
    """
    marks: list[Mark] = []
    with db.write() as session:
        tx = Transaction(session)
        yield tx
        if tx.events:
            rows, marks = outbox.record(session, tx.events)
            enqueue_deliveries(session, rows)
    if marks:
        publish_committed(db, marks)
