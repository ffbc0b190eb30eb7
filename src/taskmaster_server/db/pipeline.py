"""Fewer round trips for PostgreSQL writes: psycopg 3's pipeline mode under the session.

A write attaches a ``Pending`` to its connection (``attach``). From then on, on that connection:

- a statement executed with ``defer()`` is not sent: it waits, in order, for the next statement
  that is (its results are never needed: INSERTs, UPDATEs and DELETEs of rows already locked and
  checked, SAVEPOINT and RELEASE). Its errors surface with that next statement, and roll the
  whole transaction back as they would have;
- a statement that is sent goes in one pipeline with the deferred ones before it, and with the
  ``BEGIN`` that psycopg opens the transaction with when it is the first: one round trip;
- the statement executed with ``commit_after()`` (the outbox's, services/transaction.py) goes in
  one pipeline with the deferred ones and ``COMMIT``; ``flush_and_commit`` does the same when a
  write has no such statement. A failure anywhere in the pipeline skips the ``COMMIT``.

A write thus pays one round trip per statement whose answer it needs (a row it locks, a check
it makes) plus one for everything else and the commit. SQLite has no wire: nothing here applies
there (``attach`` returns None and deferred statements run at once).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import pq
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

__all__ = [
    "COMMIT",
    "DEFER",
    "Pending",
    "attach",
    "commit_after",
    "defer",
    "fetch_together",
    "flush_and_commit",
]

PIPELINE = "taskmaster_pipeline"
_OWN_BEGIN = "taskmaster_own_begin"
DEFER = "taskmaster_defer"
COMMIT = "taskmaster_commit"

# SAVEPOINT / RELEASE of a joined write (transaction.py): nothing to wait for.
_DEFERRED_PREFIXES = ("SAVEPOINT ", "RELEASE SAVEPOINT ")


class Pending:
    """The statements a write has deferred, in order, as the driver will send them."""

    __slots__ = ("begin", "queue")

    def __init__(self, *, begin: bool = False) -> None:
        self.queue: list[tuple[str, Any, bool]] = []
        # BEGIN not sent yet: it goes first in the write's first round trip.
        self.begin = begin


_installed: weakref.WeakSet[Engine] = weakref.WeakSet()


def attach(session: Session) -> Pending | None:
    """Start deferring on the write transaction of ``session``; None where there is no
    pipeline (SQLite, another driver): the write then runs one statement at a time."""
    connection = session.connection()
    engine = connection.engine
    if engine.dialect.name != "postgresql":
        return None
    fairy = connection.connection
    dbapi = fairy.driver_connection
    if not isinstance(dbapi, psycopg.Connection):
        return None  # another driver, or psycopg's async API: statements go one by one
    begin = False
    if not dbapi.autocommit and dbapi.info.transaction_status == pq.TransactionStatus.IDLE:
        # psycopg opens a transaction with a BEGIN of its own and, in a pipeline, waits for
        # its answer before anything else: a round trip. In autocommit it sends none, and the
        # BEGIN sent here rides with the first statement. Checkin turns autocommit back off.
        dbapi.autocommit = True
        fairy.info[_OWN_BEGIN] = True
        begin = True
    if engine not in _installed:
        _install(engine)
    pending = Pending(begin=begin)
    # In place, for this checkout only (a Connection's options die with it).
    connection.execution_options(**{PIPELINE: pending})
    return pending


def defer(session: Session, statement: Any, params: Any = None) -> None:
    """Execute ``statement`` with the next round trip the write makes (attached sessions)."""
    session.execute(statement, params, execution_options={DEFER: True})


def commit_after(session: Session, statement: Any, params: Any = None) -> Any:
    """Execute ``statement`` and COMMIT in the same round trip; returns its rows."""
    return session.execute(statement, params, execution_options={COMMIT: True}).all()


def flush_and_commit(session: Session, pending: Pending) -> None:
    """Send what is deferred with ``COMMIT`` in one round trip (the session's own commit that
    follows then finds the transaction done and sends nothing)."""
    if not pending.queue:
        pending.begin = False  # nothing was sent: no transaction to commit
        return
    dbapi = session.connection().connection.driver_connection
    assert isinstance(dbapi, psycopg.Connection)
    _run(dbapi, pending, None, commit=True)


def fetch_together(
    session: Session, pending: Pending | None, queries: list[tuple[str, Any]]
) -> list[list[tuple[Any, ...]]]:
    """Run driver-level ``queries`` (psycopg ``%(name)s`` SQL) in one round trip, after what is
    deferred, and return each one's rows. Each query takes its own snapshot, after the one
    before it has run: a lock taken by one is held when the next one reads."""
    dbapi = session.connection().connection.driver_connection
    assert isinstance(dbapi, psycopg.Connection)
    cursors = [dbapi.cursor() for _ in queries]

    def send() -> None:
        for cursor, (sql, params) in zip(cursors, queries, strict=True):
            cursor.execute(sql, params)

    _run(dbapi, pending or Pending(), send, commit=False)
    return [cursor.fetchall() for cursor in cursors]


def _run(
    dbapi: psycopg.Connection[Any],
    pending: Pending,
    send: Callable[[], Any] | None,
    *,
    commit: bool,
) -> None:
    queue, pending.queue = pending.queue, []
    if pending.begin:
        pending.begin = False
        queue.insert(0, ("BEGIN", None, False))
    with dbapi.pipeline():
        if queue:
            aside = dbapi.cursor()
            for sql, params, many in queue:
                if many:
                    aside.executemany(sql, params)
                else:
                    aside.execute(sql, params)
        if send is not None:
            send()
        if commit:
            # Queued as a statement: ``dbapi.commit()`` would sync the pipeline on its own, a
            # round trip more. psycopg reads the transaction's state from the server, so the
            # session's own commit after this one finds it idle and sends nothing.
            aside = dbapi.cursor()
            aside.execute("COMMIT")


def _install(engine: Engine) -> None:
    @event.listens_for(engine, "do_execute")
    def _do_execute(cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
        return _execute(cursor, statement, parameters, context, many=False)

    @event.listens_for(engine, "do_executemany")
    def _do_executemany(cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
        return _execute(cursor, statement, parameters, context, many=True)

    @event.listens_for(engine.pool, "checkin")
    def _checkin(dbapi_connection: Any, record: Any) -> None:
        # After the pool's reset (its ROLLBACK): the next user gets psycopg's own transactions.
        if record.info.pop(_OWN_BEGIN, False) and dbapi_connection is not None:
            dbapi_connection.autocommit = False

    _installed.add(engine)


def _execute(cursor: Any, statement: str, parameters: Any, context: Any, *, many: bool) -> bool:
    """True when the statement was handled here (deferred or pipelined), False to let the
    dialect execute it as usual."""
    options = context.execution_options
    pending: Pending | None = options.get(PIPELINE)
    if pending is None:
        return False
    if options.get(DEFER) or statement.startswith(_DEFERRED_PREFIXES):
        pending.queue.append((statement, parameters, many))
        return True
    commit = bool(options.get(COMMIT))
    dbapi = cursor.connection
    if not (pending.queue or pending.begin or commit):
        return False
    run = cursor.executemany if many else cursor.execute
    _run(dbapi, pending, lambda: run(statement, parameters), commit=commit)
    return True
