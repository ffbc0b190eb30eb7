"""One write = one transaction, plus the domain events it produced.

A ``write()`` opened inside another ``write()`` of the same database, on the same thread, joins
it as a SAVEPOINT instead of committing on its own. The idempotency claim (idempotency.py) is
such an outer write: the change a handler makes and the response stored for its
``Idempotency-Key`` commit together or not at all.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from taskmaster_server import crashpoints
from taskmaster_server.db import pipeline
from taskmaster_server.db.pipeline import Pending
from taskmaster_server.db.session import Database
from taskmaster_server.events import outbox
from taskmaster_server.events.broker import publish_committed
from taskmaster_server.events.outbox import DomainEvent, Mark

__all__ = ["DomainEvent", "Transaction", "write"]

# The open outer transaction per database, per thread. A thread, not a context variable: a
# session belongs to one thread, and handlers run synchronously (no await inside a write).
_open = threading.local()


@dataclass
class Transaction:
    session: Session
    events: list[DomainEvent] = field(default_factory=list)
    # Per-transaction memo for lookups a batch repeats (the account's default project).
    cache: dict[str, Any] = field(default_factory=dict)
    # Names this transaction's commit for the test-only crash points (crashpoints.py).
    checkpoint: str | None = None
    # PostgreSQL: the statements deferred to the next round trip (db/pipeline.py).
    pending: Pending | None = None

    @property
    def postgres(self) -> bool:
        return self.pending is not None

    def defer(self, statement: Any, params: Any = None) -> None:
        """Execute a statement whose answer the write does not need (no rows back, nothing to
        check): on PostgreSQL it goes in the next round trip the write makes anyway, at the
        latest the commit's. Its errors fail the write as they would have at once."""
        if self.pending is None:
            self.session.execute(statement, params)
        else:
            pipeline.defer(self.session, statement, params)

    def emit(
        self,
        type_: str,
        account_id: uuid.UUID,
        project_id: uuid.UUID | None,
        data: dict[str, Any],
    ) -> None:
        # Collected here; write() puts them in the outbox just before it commits.
        self.events.append(DomainEvent(type_, account_id, project_id, data))


def _opened() -> dict[int, Transaction]:
    opened: dict[int, Transaction] | None = getattr(_open, "by_db", None)
    if opened is None:
        opened = _open.by_db = {}
    return opened


@contextmanager
def write(db: Database) -> Iterator[Transaction]:
    """Run a write: committed when the block ends, rolled back (events too) if it raises.

    The events emitted in the block are written to the outbox (and their webhook deliveries
    queued) in the same transaction, just before the commit (on PostgreSQL in the commit's own
    round trip, with whatever the block deferred); stream listeners are woken after.
    Inside another write of ``db`` on this thread, the block is a SAVEPOINT of that one.
    """
    opened = _opened()
    outer = opened.get(id(db))
    if outer is not None:
        with _joined(outer) as tx:
            yield tx
        return
    marks: list[Mark] = []
    with db.write() as session:
        tx = Transaction(session, pending=pipeline.attach(session))
        opened[id(db)] = tx
        try:
            yield tx
        finally:
            del opened[id(db)]
        # Nothing may be left for the session's commit to flush: on PostgreSQL the COMMIT
        # rides with the last statement below.
        session.flush()
        if tx.checkpoint:
            crashpoints.reach(f"{tx.checkpoint}-before-commit")
        if tx.events:
            marks = outbox.record(session, tx.events, commit=tx.pending is not None)
        elif tx.pending is not None:
            pipeline.flush_and_commit(session, tx.pending)
    if tx.checkpoint:
        crashpoints.reach(f"{tx.checkpoint}-after-commit")
    if marks:
        publish_committed(db, marks)


@contextmanager
def _joined(tx: Transaction) -> Iterator[Transaction]:
    emitted = len(tx.events)
    try:
        with tx.session.begin_nested():
            yield tx
    except BaseException:
        del tx.events[emitted:]  # the savepoint's rows are gone; so are its events
        raise
