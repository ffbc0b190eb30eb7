"""Read deadlines for HTTP/1.1 connections served by uvicorn.

uvicorn closes a keep-alive connection that stays idle, but it waits without end for a
connection that sends nothing, or that sends a request's headers or body a few bytes at a time:
each such connection (a slowloris attack) keeps a socket and a file descriptor for as long as the
client likes. ``DeadlineProtocol`` closes a connection whose request headers are not complete
``header_timeout`` seconds after the connection opened (or after the request's first byte), or
whose body is not complete ``body_timeout`` seconds after its headers.

``taskmaster-server serve`` runs uvicorn with it (``http=PROTOCOL``); the timeouts come from
``TASKMASTER_HEADER_TIMEOUT`` and ``TASKMASTER_BODY_TIMEOUT``. It builds on uvicorn's httptools
protocol, the one ``uvicorn[standard]`` installs.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from taskmaster_server.settings import Settings

__all__ = ["PROTOCOL", "DeadlineProtocol"]

PROTOCOL = "taskmaster_server.read_deadlines:DeadlineProtocol"

_log = logging.getLogger("taskmaster.connections")


@functools.cache
def _timeouts_from_env() -> tuple[float, float]:
    # Read once per process: a protocol object is made for every connection.
    settings = Settings.from_env()
    return settings.header_timeout, settings.body_timeout


class DeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with header and body read deadlines.

    The class attributes override the environment (tests set them on a subclass).
    """

    header_timeout: float | None = None
    body_timeout: float | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        header, body = _timeouts_from_env()
        self._header_timeout = header if self.header_timeout is None else self.header_timeout
        self._body_timeout = body if self.body_timeout is None else self.body_timeout
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self._header_timeout, "headers")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm(self._header_timeout, "headers")

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()
        # An upgraded connection (WebSocket) belongs to another protocol from here on.
        if not (self.parser.should_upgrade() and self._should_upgrade()):
            self._arm(self._body_timeout, "body")

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _arm(self, seconds: float, part: str) -> None:
        self._disarm()
        if seconds > 0:
            self._deadline = self.loop.call_later(seconds, self._expire, part)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self, part: str) -> None:
        self._deadline = None
        if self.transport is not None and not self.transport.is_closing():
            _log.debug("closing a connection: request %s not received in time", part)
            self.transport.close()
