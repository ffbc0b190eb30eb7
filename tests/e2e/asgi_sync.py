"""`SyncASGITransport`: the sync client served by the in-process ASGI app.

httpx serves ASGI apps to async clients only; this runs `httpx.ASGITransport` on an event loop
in a background thread and hands the sync client finished responses.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: Any) -> None:
        self._transport = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            response = await self._transport.handle_async_request(request)
            # Raw bytes: the headers still say how they are encoded (gzip), so the sync client
            # decodes them exactly as it would over the network.
            content = b"".join([chunk async for chunk in response.aiter_raw()])
            return httpx.Response(
                response.status_code,
                headers=response.headers,
                content=content,
                extensions=response.extensions,
            )

        return asyncio.run_coroutine_threadsafe(send(), self._loop).result()

    def close(self) -> None:
        """Clients close their transport; this one is shared by a test's clients and is shut
        down by its fixture instead."""

    def shutdown(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
        if not self._loop.is_running():
            self._loop.close()
