"""Telling "the database is down" apart from "this query is wrong".

While PostgreSQL restarts, fails over or refuses connections, a request cannot be served but
may be retried: it answers 503 with ``Retry-After`` instead of a 500. The engine's pre-ping
replaces dead pooled connections, so requests succeed again once the database is back, without
restarting the server.
"""

from __future__ import annotations

import sqlalchemy.exc

__all__ = ["RETRY_AFTER_SECONDS", "database_unavailable"]

RETRY_AFTER_SECONDS = 2

# SQLSTATE classes of a lost or refused connection: 08 connection exception, 57 operator
# intervention (admin shutdown, crash shutdown, cannot connect now), 53 insufficient resources
# (too many connections).
_UNAVAILABLE_CLASSES = frozenset({"08", "53", "57"})


def database_unavailable(error: BaseException) -> bool:
    """True when ``error`` says the database cannot be reached now (worth a retry)."""
    if isinstance(error, sqlalchemy.exc.TimeoutError):
        return True  # no pooled connection came free in time
    if not isinstance(error, sqlalchemy.exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError):
        return False
    driver_error = error.orig
    if not type(driver_error).__module__.startswith("psycopg"):
        return False  # SQLite's OperationalError is about the query or the file, not a server
    sqlstate = getattr(driver_error, "sqlstate", None)
    # psycopg gives no SQLSTATE when the connection could not be made or broke mid-query.
    return sqlstate is None or sqlstate[:2] in _UNAVAILABLE_CLASSES
