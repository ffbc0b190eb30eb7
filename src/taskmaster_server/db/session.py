"""The engine and transactions.

``Database.write()`` is the only way the service layer changes data: one transaction, committed
when the block ends and rolled back on any exception. On SQLite it starts with
``BEGIN IMMEDIATE`` so that concurrent writers queue on the database lock instead of failing when
a read lock cannot be upgraded; on PostgreSQL writers lock the rows they change
(``SELECT ... FOR UPDATE``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Database", "normalize_url"]

_BEGIN_OPTION = "taskmaster_sqlite_begin"


def normalize_url(url: str) -> URL:
    """PostgreSQL URLs without a driver use psycopg 3 (the only driver installed)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


class Database:
    """An engine plus a session factory, with read and write transactions."""

    def __init__(self, url: str, *, pool_size: int = 10, connect_timeout: float = 5.0) -> None:
        self.url = normalize_url(url)
        self._connect_timeout = connect_timeout
        # Rendered once: every committed write looks its event brokers up by it.
        self.safe_url = self.url.render_as_string(hide_password=True)
        self.engine = self._create_engine(pool_size)
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
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in self.url.query:
            connect_args["connect_timeout"] = max(1, math.ceil(self._connect_timeout))
        return create_engine(
            self.url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            connect_args=connect_args,
        )

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

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()


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
