"""How many request handlers run at once in one process, and on which threads.

The handlers are sync (SQLAlchemy's sync API) and run on worker threads, so that a request
waiting on the database never stalls the event loop. Requests beyond a pool's size wait on the
event loop, which costs nothing while they wait. Four pools, so that no kind of request waits
behind another:

- **reads** (``GET``; ``TASKMASTER_READ_THREADS``, default 4 on PostgreSQL, 1 on SQLite). A read never waits on a row
  lock (MVCC), so it needs a thread only for its CPU and its round trips. One thread leaves
  the process idle during every round trip: with PostgreSQL 1 ms away a ``GET /tasks/{id}``
  kept 40% of its local throughput. Four keep over 90% at 1 ms while runnable threads contend
  for the GIL only when that many requests are in flight (see docs/production.md for the
  figures).
- **writes** (everything else; ``TASKMASTER_WRITE_THREADS``, default 8 on PostgreSQL, 2 on
  SQLite). A write may wait on a
  row lock (up to ``lock_timeout``): with one pool for all, a few writes waiting on locked rows
  held every thread and every cheap read queued behind them for seconds (head-of-line
  blocking). Apart, they stall only other writes, and only until ``lock_timeout``. A thread
  waiting on a lock costs no CPU, so this pool is larger: eight writes stuck on locked rows
  still leave the others a thread.
- **passwords** (logins): sized to the password checks admitted at once (running plus queued,
  ``auth/passwords.py``) and one more, so that the check refusing a login flood with 503 still
  answers at once: a queue of Argon2 checks never holds the threads that serve everything else.
- **probes** (``/ready``): two threads of its own, so that a load balancer's probe never queues
  behind handlers (health.py).

``TASKMASTER_THREADS``, when set, sizes the reads and writes pools alike (as before the split).
"""

from __future__ import annotations

import asyncio
import weakref

import anyio

from taskmaster_server.settings import Settings

__all__ = ["PASSWORD_OPERATIONS", "HandlerThreads", "pool_for"]

# Operations whose handler checks a password (Argon2: tens of milliseconds, GIL released).
PASSWORD_OPERATIONS = frozenset({"login"})

_READ_METHODS = frozenset({"get", "head"})
# Default (reads, writes) pool sizes by database. More threads help only while requests wait on
# the database: on PostgreSQL that is every round trip; SQLite answers from a local file in
# microseconds and serialises its writers, so extra threads only contend for the GIL (a SQLite
# GET cost 1.83x the baseline app's CPU with 4 read threads, 1.31x with 1; benchmarks/server.py).
_POSTGRESQL = (4, 8)
_SQLITE = (1, 2)


def pool_for(operation_id: str | None, method: str) -> str:
    """The pool an operation's handler runs on."""
    if operation_id in PASSWORD_OPERATIONS:
        return "passwords"
    return "reads" if method.lower() in _READ_METHODS else "writes"


class HandlerThreads:
    """The limiters of one app, made per event loop (a limiter belongs to its loop, and tests
    serve one app from several loops)."""

    def __init__(self, settings: Settings) -> None:
        reads, writes = _SQLITE if settings.is_sqlite else _POSTGRESQL
        self._sizes = {
            "reads": max(1, settings.threads or settings.read_threads or reads),
            "writes": max(1, settings.threads or settings.write_threads or writes),
            "passwords": max(1, settings.password_hash_workers)
            + max(0, settings.password_hash_queue)
            + 1,
            "probes": 2,
        }
        self._by_loop: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[str, anyio.CapacityLimiter]
        ] = weakref.WeakKeyDictionary()

    def size(self, pool: str) -> int:
        return self._sizes[pool]

    def limiter(self, pool: str) -> anyio.CapacityLimiter:
        loop = asyncio.get_running_loop()
        limiters = self._by_loop.get(loop)
        if limiters is None:
            limiters = {name: anyio.CapacityLimiter(n) for name, n in self._sizes.items()}
            self._by_loop[loop] = limiters
        return limiters[pool]
