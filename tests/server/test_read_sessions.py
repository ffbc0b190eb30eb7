"""Database.read(): on PostgreSQL reads run in autocommit (no BEGIN and ROLLBACK round trips);
writes still run in one transaction; SQLite keeps its read transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from taskmaster_server.db.session import Database, DatabaseTimeouts
from tests.fixtures.server import Backend


def _in_transaction(session: object) -> bool:
    connection = session.connection()  # type: ignore[attr-defined]
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        import psycopg

        return bool(raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)
    return bool(raw.in_transaction)


def test_reads_leave_no_transaction_open_on_postgresql_and_writes_keep_theirs(
    backend: Backend,
) -> None:
    db = Database(backend.url, pool_size=2)
    try:
        with db.read() as session:
            assert session.execute(text("SELECT 1")).scalar_one() == 1
            assert _in_transaction(session) is (backend.name == "sqlite")
        with db.write() as session:
            session.execute(text("SELECT 1"))
            assert _in_transaction(session)
        # The pooled connection a read used is handed to a write in its usual mode, and back.
        for _ in range(3):
            with db.read() as session:
                session.execute(text("SELECT 1"))
                assert _in_transaction(session) is (backend.name == "sqlite")
            with db.write() as session:
                session.execute(text("SELECT 1"))
                assert _in_transaction(session)
    finally:
        db.dispose()


def test_every_postgresql_connection_starts_with_the_timeouts(backend: Backend) -> None:
    if backend.name != "postgresql":
        pytest.skip("SQLite has no server-side timeouts")
    timeouts = DatabaseTimeouts(statement=7.5, lock=2.0, idle_in_transaction=0)
    db = Database(backend.url, pool_size=1, timeouts=timeouts)
    try:
        for session_of in (db.read, db.write):
            with session_of() as session:
                shown = [
                    session.execute(text(f"SHOW {name}")).scalar_one()
                    for name in (
                        "statement_timeout",
                        "lock_timeout",
                        "idle_in_transaction_session_timeout",
                    )
                ]
                assert shown == ["7500ms", "2s", "0"]
    finally:
        db.dispose()
