"""Mounting the stream: connexion routes HTTP only, so WebSocket scopes are taken before it."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from connexion import AsyncApp
from starlette.types import Receive, Scope, Send

from taskmaster_server.events import feed
from taskmaster_server.events.broker import EventBroker
from taskmaster_server.events.stream import EventStream
from taskmaster_server.runtime import Runtime

__all__ = ["EventService", "StreamingApp"]

log = logging.getLogger("taskmaster.events")

PURGE_INTERVAL = 3600.0


class EventService:
    """The app's broker and stream endpoint, and the retention purge."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.broker = EventBroker(runtime.db, runtime.settings.redis_url)
        self.stream = EventStream(runtime, self.broker)
        self.path = f"{runtime.spec.base_path}/events/ws"
        self._purger: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Called from the lifespan: purge the log now and then every hour."""
        self._purger = asyncio.create_task(self._purge_periodically())

    async def stop(self) -> None:
        if self._purger is not None:
            self._purger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._purger
        await self.broker.close()

    async def _purge_periodically(self) -> None:
        while True:
            try:
                removed = await asyncio.to_thread(
                    feed.purge_expired, self.runtime.db, self.runtime.settings.event_retention
                )
                if removed:
                    log.info("purged %d events past retention", removed)
            except Exception as exc:
                log.warning("could not purge old events: %s", type(exc).__name__)
            await asyncio.sleep(PURGE_INTERVAL)


class StreamingApp(AsyncApp):  # type: ignore[misc]
    """connexion's ``AsyncApp`` plus the event stream at ``<base path>/events/ws``."""

    events: EventService | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            if self.events is not None and scope["path"] == self.events.path:
                await self.events.stream(scope, receive, send)
            else:
                await send({"type": "websocket.close", "code": 1000})
            return
        await super().__call__(scope, receive, send)
