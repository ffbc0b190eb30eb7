"""The database work of one request in flight, which the event loop can stop.

A sync handler runs on a worker thread (threads.py); its client leaving or its deadline passing
is seen on the event loop. ``InFlight`` joins the two: the dispatcher (dispatch.py) makes one
per request and sets it as the current one before the handler's thread starts (anyio copies the
context into the thread), and the engine's events (db/session.py) record on it every connection
the handler checks out. ``abandon()`` then

- cancels the statement running on each of those connections (psycopg's ``cancel_safe()``,
  sqlite3's ``interrupt()``; both are safe from another thread), on a short-lived thread of its
  own, because a cancel request opens a connection to the server and the event loop must not
  wait on that;
- makes the handler's next statement raise ``Abandoned`` instead of running, so that a handler
  between statements stops too, and a write transaction rolls back.

The connection list is guarded by a lock held across the cancel, so a cancel can never reach a
connection that went back to the pool and now runs another request's statement.

It also notes what a retry needs to know (dispatch.py): whether the request's last failed
statement was the first one on a connection fresh from the pool (a pooled connection found dead
on first use: nothing of the request ran on it), and whether the request committed anything.
"""

from __future__ import annotations

import threading
from contextvars import ContextVar
from typing import Any

__all__ = ["Abandoned", "InFlight", "current"]

_CANCEL_TIMEOUT = 5.0

_current: ContextVar[InFlight | None] = ContextVar("taskmaster_inflight", default=None)


def current() -> InFlight | None:
    return _current.get()


class Abandoned(Exception):
    """The request's work stopped: its client left or its deadline passed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InFlight:
    __slots__ = (
        "_connections",
        "_lock",
        "committed",
        "first_statement",
        "fresh",
        "on_abandon",
        "reason",
    )

    def __init__(self) -> None:
        self.reason: str | None = None
        self._connections: list[Any] = []
        self._lock = threading.Lock()
        self.fresh = False
        self.first_statement = False
        self.committed = False
        self.on_abandon: Any = None

    # -- the handler's thread (engine events) ----------------------------------------------

    def enter(self) -> Any:
        """Make this the current request's work (returns the token for ``leave``)."""
        return _current.set(self)

    @staticmethod
    def leave(token: Any) -> None:
        _current.reset(token)

    def checked_out(self, dbapi_connection: Any) -> None:
        with self._lock:
            self._connections.append(dbapi_connection)
        self.fresh = True

    def checked_in(self, dbapi_connection: Any) -> None:
        with self._lock:
            if dbapi_connection in self._connections:
                self._connections.remove(dbapi_connection)

    def before_statement(self) -> None:
        if self.reason is not None:
            raise Abandoned(self.reason)
        self.first_statement = self.fresh
        self.fresh = False

    # -- the event loop ---------------------------------------------------------------------

    def abandon(self, reason: str) -> None:
        """Stop this request's work (idempotent; the first reason wins)."""
        if self.reason is not None:
            return
        self.reason = reason
        if self.on_abandon is not None:
            self.on_abandon()
        if self._connections:
            threading.Thread(target=self._cancel, name="taskmaster-cancel", daemon=True).start()

    def _cancel(self) -> None:
        with self._lock:
            for connection in self._connections:
                try:
                    cancel = getattr(connection, "cancel_safe", None)
                    if cancel is not None:
                        cancel(timeout=_CANCEL_TIMEOUT)
                    else:
                        connection.interrupt()  # sqlite3
                except Exception:  # a connection already gone has nothing to cancel
                    continue
