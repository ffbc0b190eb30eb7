"""Waking stream connections when events commit, in this process and in others.

A wake-up carries only ``(account id, seq)``; connections then read the log from the last seq
they sent, so a lost, late or duplicated wake-up can delay an event but never lose or repeat
one (each connection also re-reads the log at every heartbeat).

* In process (always): the committing thread wakes every ``EventBroker`` of the same database.
* PostgreSQL: the outbox issues ``pg_notify`` in the transaction; each broker ``LISTEN``s on a
  dedicated psycopg connection (used when Redis is not configured).
* Redis (``TASKMASTER_REDIS_URL``): the committing process ``PUBLISH``es after commit; each
  broker subscribes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
import weakref
from collections.abc import Iterable
from typing import Any

from taskmaster_server.db.session import Database
from taskmaster_server.events.outbox import NOTIFY_CHANNEL, Mark

__all__ = ["EventBroker", "Subscription", "publish_committed"]

log = logging.getLogger("taskmaster.events")

REDIS_CHANNEL = "taskmaster:events"
_RETRY_DELAYS = (0.1, 0.5, 1.0, 2.0, 5.0)

_brokers: dict[str, weakref.WeakSet[EventBroker]] = {}
_brokers_lock = threading.Lock()


def _key(db: Database) -> str:
    return db.safe_url


def publish_committed(db: Database, marks: Iterable[Mark]) -> None:
    """Called by the writer after commit: wake this process's brokers, publish to Redis."""
    marks = list(marks)
    with _brokers_lock:
        brokers = list(_brokers.get(_key(db), ()))
    published = False
    for broker in brokers:
        broker.wake_threadsafe(marks)
        if broker.redis_url and not published:
            published = broker.publish_redis(marks)


def parse_mark(payload: str | bytes) -> Mark | None:
    text = payload.decode() if isinstance(payload, bytes) else payload
    account, _, seq = text.partition(":")
    try:
        return uuid.UUID(account), int(seq)
    except ValueError:
        return None


class Subscription:
    """One stream connection's interest in an account: a flag the broker raises."""

    def __init__(self, account_id: uuid.UUID) -> None:
        self.account_id = account_id
        self.woken = asyncio.Event()
        self.closing = False


class EventBroker:
    """One per app: its subscriptions and the listener for other processes' commits."""

    def __init__(self, db: Database, redis_url: str | None) -> None:
        self.db = db
        self.redis_url = redis_url
        self._subscriptions: dict[uuid.UUID, set[Subscription]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: asyncio.Task[None] | None = None
        self._redis_publisher: Any = None
        with _brokers_lock:
            _brokers.setdefault(_key(db), weakref.WeakSet()).add(self)

    # -- subscriptions (event loop thread) --------------------------------------------------

    async def subscribe(self, account_id: uuid.UUID) -> Subscription:
        self._start()
        subscription = Subscription(account_id)
        self._subscriptions.setdefault(account_id, set()).add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscribers = self._subscriptions.get(subscription.account_id)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self._subscriptions[subscription.account_id]

    def _wake(self, marks: Iterable[Mark]) -> None:
        for account_id, _seq in marks:
            for subscription in self._subscriptions.get(account_id, ()):
                subscription.woken.set()

    def _wake_all(self) -> None:
        for subscribers in self._subscriptions.values():
            for subscription in subscribers:
                subscription.woken.set()

    def wake_threadsafe(self, marks: list[Mark]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._wake, marks)

    # -- lifecycle --------------------------------------------------------------------------

    def _start(self) -> None:
        if self._listener is not None and not self._listener.done():
            return
        self._loop = asyncio.get_running_loop()
        if self.redis_url:
            self._listener = asyncio.create_task(self._listen_redis())
        elif self.db.dialect == "postgresql":
            self._listener = asyncio.create_task(self._listen_postgres())

    async def close(self) -> None:
        """Stop listening and tell every connection the server is going away."""
        for subscribers in self._subscriptions.values():
            for subscription in subscribers:
                subscription.closing = True
        self._wake_all()
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
        if self._redis_publisher is not None:
            with contextlib.suppress(Exception):
                self._redis_publisher.close()

    # -- cross-process ----------------------------------------------------------------------

    def publish_redis(self, marks: list[Mark]) -> bool:
        try:
            if self._redis_publisher is None:
                import redis

                self._redis_publisher = redis.Redis.from_url(
                    str(self.redis_url), socket_timeout=2, socket_connect_timeout=2
                )
            for account_id, seq in marks:
                self._redis_publisher.publish(REDIS_CHANNEL, f"{account_id}:{seq}")
        except Exception as exc:
            # Other processes catch up at their next heartbeat.
            log.warning("could not publish events to Redis: %s", type(exc).__name__)
            return False
        return True

    async def _retrying(self, name: str, listen: Any) -> None:
        attempt = 0
        while True:
            try:
                await listen()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("%s listener failed (%s); retrying", name, type(exc).__name__)
            delay = _RETRY_DELAYS[min(attempt, len(_RETRY_DELAYS) - 1)]
            attempt += 1
            await asyncio.sleep(delay)

    async def _listen_postgres(self) -> None:
        import psycopg

        conninfo = self.db.url.set(drivername="postgresql").render_as_string(hide_password=False)

        async def listen() -> None:
            async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
                await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                # Anything committed while (re)connecting is found by reading the log.
                self._wake_all()
                async for notice in conn.notifies():
                    mark = parse_mark(notice.payload)
                    if mark is not None:
                        self._wake([mark])

        await self._retrying("PostgreSQL", listen)

    async def _listen_redis(self) -> None:
        import redis.asyncio as aioredis

        async def listen() -> None:
            client = aioredis.Redis.from_url(str(self.redis_url))
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(REDIS_CHANNEL)
                    self._wake_all()
                    async for message in pubsub.listen():
                        if message.get("type") != "message":
                            continue
                        mark = parse_mark(message["data"])
                        if mark is not None:
                            self._wake([mark])
            finally:
                await client.aclose()

        await self._retrying("Redis", listen)
