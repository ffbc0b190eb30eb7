"""Telling "the database cannot serve this now" apart from "this query is wrong".

While PostgreSQL restarts, fails over or refuses connections, a request cannot be served but
may be retried: it answers 503 with ``Retry-After`` instead of a 500. So does a request that
waited on a lock longer than ``lock_timeout``, ran longer than ``statement_timeout`` (or was
cancelled), or lost a deadlock: each is the database bounding a wait (db/session.py), and the
same request may well succeed a moment later.

``Retry-After`` is 1 second: the smallest the header can say. A PostgreSQL restart takes about a
second, connections are made again at once (no pre-ping, db/session.py), and a lock is held for
a transaction's length; a longer hint only turns a one-second outage into a longer one for
every client that honours it (``Retry-After: 2`` made a 0.95 s restart cost 2 s). Even one
second may be too long: a client that got its 503 0.9 s into a 1 s restart would wait until
1.9 s. So these answers also carry ``Retry-After-Ms`` (the header openai-python reads before
``Retry-After``), 250 ms: a 1 s restart then costs a client at most about 1.25 s, and a
refused connection costs the server a fraction of a millisecond per retry.
"""

from __future__ import annotations

import sqlalchemy.exc

__all__ = ["RETRY_AFTER_MS", "RETRY_AFTER_SECONDS", "database_unavailable", "retry_reason"]

RETRY_AFTER_SECONDS = 1
RETRY_AFTER_MS = 250

# SQLSTATE classes of a lost or refused connection: 08 connection exception, 57 operator
# intervention (admin shutdown, crash shutdown, cannot connect now, query canceled), 53
# insufficient resources (too many connections).
_UNAVAILABLE_CLASSES = frozenset({"08", "53", "57"})
_LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout, or NOWAIT
_QUERY_CANCELED = "57014"  # statement_timeout, or a cancel request
_DEADLOCK = "40P01"


def database_unavailable(error: BaseException) -> bool:
    """True when ``error`` says the database cannot serve this request now (worth a retry)."""
    return retry_reason(error) is not None


def retry_reason(error: BaseException) -> str | None:
    """Why ``error`` is worth a retry, said for the client, or ``None`` when it is not."""
    if isinstance(error, sqlalchemy.exc.TimeoutError):
        return "The database is busy right now; retry shortly."  # no pooled connection came free
    if not isinstance(error, sqlalchemy.exc.DBAPIError):
        return None
    unavailable = "The database is unavailable right now; retry shortly."
    if error.connection_invalidated:
        return unavailable
    driver_error = error.orig
    if not type(driver_error).__module__.startswith("psycopg"):
        # SQLite's errors are about the query or the file, except a write lock that stayed
        # taken longer than the busy timeout.
        if "database is locked" in str(driver_error):
            return "The data this request changes is locked by another request; retry shortly."
        return None
    sqlstate = getattr(driver_error, "sqlstate", None)
    if sqlstate in (_LOCK_NOT_AVAILABLE, _DEADLOCK):
        return "The data this request changes is locked by another request; retry shortly."
    if sqlstate == _QUERY_CANCELED:
        return "The database took too long to answer this request; retry shortly."
    if not isinstance(error, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError):
        return None
    # psycopg gives no SQLSTATE when the connection could not be made or broke mid-query.
    if sqlstate is None or sqlstate[:2] in _UNAVAILABLE_CLASSES:
        return unavailable
    return None
