"""How many request handlers run at once in one process, and on which threads.

The handlers are sync (SQLAlchemy's sync API) and run on worker threads, so that a request
waiting on the database never stalls the event loop. anyio's default pool lets 40 of them run
at once. Only one runs Python code at a time anyway, so more threads help only while requests
wait on the database, and every runnable thread contends for the GIL: at 4 concurrent keep-alive
requests a ``GET /tasks/{id}`` on SQLite cost 1.33 ms of server CPU with 40 (or 4) threads,
0.72 ms with 2 and 0.68 ms with 1 (``benchmarks/server.py``). The default is one
(``TASKMASTER_THREADS``); requests beyond the limit wait on the event loop, which costs nothing
while they wait.

Logins get a pool of their own, sized to the password checks admitted at once (running plus
queued, ``auth/passwords.py``) and one more, so that the check refusing a login flood with 503
still answers at once: a queue of Argon2 checks never holds the threads that serve everything
else, and everything else never delays a login's check.
"""

from __future__ import annotations

import asyncio
import weakref

import anyio

from taskmaster_server.settings import Settings

__all__ = ["PASSWORD_OPERATIONS", "HandlerThreads"]

# Operations whose handler checks a password (Argon2: tens of milliseconds, GIL released).
PASSWORD_OPERATIONS = frozenset({"login"})


class HandlerThreads:
    """The two limiters of one app, made per event loop (a limiter belongs to its loop, and
    tests serve one app from several loops)."""

    def __init__(self, settings: Settings) -> None:
        self._sizes = {
            "handlers": max(1, settings.threads),
            "passwords": max(1, settings.password_hash_workers)
            + max(0, settings.password_hash_queue)
            + 1,
        }
        self._by_loop: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[str, anyio.CapacityLimiter]
        ] = weakref.WeakKeyDictionary()

    def limiter(self, operation_id: str | None) -> anyio.CapacityLimiter:
        loop = asyncio.get_running_loop()
        limiters = self._by_loop.get(loop)
        if limiters is None:
            limiters = {name: anyio.CapacityLimiter(n) for name, n in self._sizes.items()}
            self._by_loop[loop] = limiters
        return limiters["passwords" if operation_id in PASSWORD_OPERATIONS else "handlers"]
