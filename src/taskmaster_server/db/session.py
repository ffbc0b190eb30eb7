"""The engine and transactions.

``Database.write()`` is the only way the service layer changes data: one transaction, committed
when the block ends and rolled back on any exception. On SQLite it starts with
``BEGIN IMMEDIATE`` so that concurrent writers queue on the database lock instead of failing when
a read lock cannot be upgraded; on PostgreSQL writers lock the rows they change
(``SELECT ... FOR UPDATE``).

Every wait on PostgreSQL is bounded on the server's side: each connection starts with
``statement_timeout``, ``lock_timeout`` and ``idle_in_transaction_session_timeout`` (in the
startup packet, so at no round trip; ``DatabaseTimeouts``). A statement that hits one fails,
its transaction rolls back and the request answers 503 with ``Retry-After`` (db/outage.py).

Pooled connections are not pinged at checkout: the ping was one of a GET's two round trips. A
connection that turns out dead on first use fails that statement with a disconnect, SQLAlchemy
invalidates it and every connection pooled before it, and the dispatcher runs the request again
once on a fresh connection (dispatch.py, db/inflight.py): the client sees no error.

The engine's events record each request's connections on its ``InFlight`` (db/inflight.py), so
that the event loop can cancel the statement of a request whose client left or whose deadline
passed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from taskmaster_server.db import inflight

__all__ = ["Database", "DatabaseTimeouts", "normalize_url"]

_BEGIN_OPTION = "taskmaster_sqlite_begin"


def normalize_url(url: str) -> URL:
    """PostgreSQL URLs without a driver use psycopg 3 (the only driver installed)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


@dataclass(frozen=True)
class DatabaseTimeouts:
    """Server-side bounds on every PostgreSQL connection of the server, in seconds (0: none)."""

    statement: float = 15.0
    lock: float = 5.0
    idle_in_transaction: float = 15.0

    def options(self) -> str:
        """libpq ``options``: the settings each connection starts with."""
        values = {
            "statement_timeout": self.statement,
            "lock_timeout": self.lock,
            "idle_in_transaction_session_timeout": self.idle_in_transaction,
        }
        return " ".join(f"-c {name}={round(seconds * 1000)}" for name, seconds in values.items())


class Database:
    """An engine plus a session factory, with read and write transactions."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        connect_timeout: float = 5.0,
        timeouts: DatabaseTimeouts | None = None,
    ) -> None:
        self.url = normalize_url(url)
        self._connect_timeout = connect_timeout
        self.timeouts = timeouts or DatabaseTimeouts()
        # Rendered once: every committed write looks its event brokers up by it.
        self.safe_url = self.url.render_as_string(hide_password=True)
        self.engine = self._create_engine(pool_size)
        _track_requests(self.engine)
        self._probe: Engine | None = None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        # PostgreSQL reads run without BEGIN and ROLLBACK: two round trips fewer per read. Under
        # READ COMMITTED (the default, never changed here) every statement takes its own
        # snapshot inside a transaction too, so a read sees exactly what it saw before.
        reader = self.engine
        if self.engine.dialect.name == "postgresql":
            reader = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._reader = reader
        self._read_sessions = sessionmaker(reader, expire_on_commit=False, autoflush=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _create_engine(self, pool_size: int) -> Engine:
        if self.url.get_backend_name() == "sqlite":
            engine = create_engine(
                self.url,
                connect_args={"check_same_thread": False, "timeout": 30},
            )
            _configure_sqlite(engine)
            return engine
        # Without a connect timeout, a server that accepts connections and never answers (a
        # hung host, a half-open network path) holds the request, and the handler thread with
        # it, for good; bounded, the request answers 503 (db/outage.py). A timeout in the URL
        # wins.
        return create_engine(
            self.url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=False,
            connect_args=self._connect_args(self._connect_timeout, self.timeouts),
        )

    def _connect_args(self, connect_timeout: float, timeouts: DatabaseTimeouts) -> dict[str, Any]:
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in self.url.query:
            connect_args["connect_timeout"] = max(1, math.ceil(connect_timeout))
        if "options" not in self.url.query:
            connect_args["options"] = timeouts.options()
        return connect_args

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads only: on SQLite a transaction rolled back when the session
        closes, on PostgreSQL statements in autocommit (anything written here would stay).

        Closing detaches the loaded objects without expiring them, so they stay readable.
        """
        with self._read_sessions() as session:
            yield session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A Core connection for reads, as ``read()`` but without the ORM (hot paths only)."""
        with self._reader.connect() as connection:
            yield connection

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions() as session:
            session.connection(execution_options={_BEGIN_OPTION: "IMMEDIATE"})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self, timeout: float = 1.0) -> bool:
        """Whether the database answers ``SELECT 1`` within about ``timeout`` seconds.

        On PostgreSQL on a small engine of its own, so that a readiness probe never waits for
        a connection that handlers hold (all of them waiting on a lock, say). A pooled probe
        connection found dead is replaced once at once.
        """
        engine = self._probe_engine(timeout)
        for _attempt in range(2):
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
            except Exception as exc:
                if getattr(exc, "connection_invalidated", False):
                    continue
                return False
            return True
        return False

    def _probe_engine(self, timeout: float) -> Engine:
        if self.engine.dialect.name != "postgresql":
            return self.engine
        if self._probe is None:
            bounds = DatabaseTimeouts(statement=timeout, lock=timeout, idle_in_transaction=timeout)
            self._probe = create_engine(
                self.url,
                pool_size=1,
                max_overflow=1,
                pool_timeout=timeout,
                connect_args=self._connect_args(timeout, bounds),
            )
        return self._probe

    def dispose(self) -> None:
        self.engine.dispose()
        if self._probe is not None:
            self._probe.dispose()


def _track_requests(engine: Engine) -> None:
    """Record each request's connections and statements on its ``InFlight``."""

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        work = inflight.current()
        if work is not None:
            work.checked_out(dbapi_connection)

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, _record: Any) -> None:
        work = inflight.current()
        if work is not None and dbapi_connection is not None:
            work.checked_in(dbapi_connection)

    @event.listens_for(engine, "before_cursor_execute")
    def _on_statement(*_args: Any) -> None:
        work = inflight.current()
        if work is not None:
            work.before_statement()

    @event.listens_for(engine, "commit")
    def _on_commit(_connection: Any) -> None:
        work = inflight.current()
        if work is not None:
            work.committed = True


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and cannot do BEGIN IMMEDIATE; take it
    # over (the documented SQLAlchemy recipe) so SAVEPOINTs and write locks behave.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")
