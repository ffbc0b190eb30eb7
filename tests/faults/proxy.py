"""A fault-injecting HTTP/1.1 proxy for tests: put it between a client and a real server.

    plan = FaultPlan.evenly(0.2, paths=("/api/v1/tasks/batch*",), slow_delay=3.0)
    with FaultProxy("http://127.0.0.1:8123", plan, seed=7) as proxy:
        ...  # point the client under test at proxy.url instead of the server
        assert proxy.stats().injected[Fault.RESET_AFTER_RESPONSE] > 0

The proxy runs its own event loop in a daemon thread, so sync tests and async tests (whatever
their loop) use it the same way; every method here is safe to call from any thread. It listens on
127.0.0.1 on a free port and only ever connects to a loopback upstream.

Which faults exist and how they are chosen: see `tests.faults.plan`. What happens to a request:

- 503 / 502 / 429: answered by the proxy, the upstream never sees the request.
- reset after response: forwarded, the upstream's whole answer read, then the client's socket is
  reset (RST), so the write is committed and the client gets a connection error.
- slow response: forwarded, then the answer is held `slow_delay` seconds before it is relayed.
- paused, or upstream unreachable: 502 (504 when the upstream times out) and the connection
  closes, as a real gateway does while the server behind it restarts.
"""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType
from typing import Self

from tests.faults.connection import ClientConnection, Timeouts, UpstreamSwitch
from tests.faults.http11 import MAX_HEAD_BYTES
from tests.faults.injector import Counter, FaultEvent, FaultInjector, ProxyStats
from tests.faults.plan import Fault, FaultPlan

__all__ = ["Fault", "FaultEvent", "FaultPlan", "FaultProxy", "ProxyStats", "Timeouts"]

# Starting and stopping touch only the loopback interface; anything slower is a bug to report.
_LIFECYCLE_TIMEOUT = 10.0


class FaultProxy:
    """An HTTP/1.1 proxy on 127.0.0.1 that injects the faults of a `FaultPlan` into requests.

    `upstream` is the server's origin (`http://127.0.0.1:PORT`); `faults` defaults to no faults;
    `seed` seeds the RNG that decides each matching request's fault, so a sequence of requests
    sent one at a time meets the same faults on every run.
    """

    def __init__(
        self,
        upstream: str,
        faults: FaultPlan | None = None,
        *,
        seed: int = 0,
        timeouts: Timeouts | None = None,
    ) -> None:
        self._switch = UpstreamSwitch(upstream)
        self._injector = FaultInjector(faults if faults is not None else FaultPlan(), seed)
        self._timeouts = timeouts if timeouts is not None else Timeouts()
        self._seed = seed
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._port: int | None = None
        # Only touched on the proxy's loop.
        self._handlers: set[asyncio.Task[None]] = set()
        # Unexpected errors of connection handlers (bugs in the proxy), raised by stop().
        self._crashes: list[BaseException] = []

    def __repr__(self) -> str:
        where = self.url if self._port is not None else "not started"
        return f"<FaultProxy {where} -> {self.upstream} seed={self._seed}>"

    # --- where it listens and where it forwards ---------------------------------------------

    @property
    def url(self) -> str:
        """The proxy's origin, e.g. `http://127.0.0.1:43210` (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the proxy is not running; call start() first")
        return self._port

    @property
    def upstream(self) -> str:
        """The origin requests are forwarded to; assign to switch to another server.

        Connections to the old upstream are not reused after a switch.
        """
        return self._switch.target().url

    @upstream.setter
    def upstream(self, url: str) -> None:
        self._switch.switch(url)

    @property
    def seed(self) -> int:
        return self._seed

    # --- faults ------------------------------------------------------------------------------

    @property
    def plan(self) -> FaultPlan:
        return self._injector.plan

    def set_plan(self, plan: FaultPlan, *, seed: int | None = None) -> None:
        """Apply `plan` to requests from now on (its `max_faults` counts from now).

        With `seed`, the RNG restarts from it, for a deterministic phase inside a test.
        """
        self._injector.set_plan(plan, seed)
        if seed is not None:
            self._seed = seed

    def pause(self) -> None:
        """Refuse every request with 502 and close its connection, as while a server restarts."""
        self._switch.pause()

    def resume(self) -> None:
        """Forward again, over new upstream connections only."""
        self._switch.resume()

    @property
    def paused(self) -> bool:
        return self._switch.paused

    # --- what happened -----------------------------------------------------------------------

    def stats(self) -> ProxyStats:
        """A consistent snapshot of the counters."""
        return self._injector.stats()

    def reset_stats(self) -> None:
        """Zero the counters and the fault log; the plan, its budget and the RNG carry on."""
        self._injector.reset_stats()

    def fault_events(self) -> tuple[FaultEvent, ...]:
        """The injected faults (request number, method, path, kind), oldest first; the last
        10,000 are kept."""
        return self._injector.events()

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind 127.0.0.1 on a free port and start serving; returns self."""
        if self._thread is not None:
            raise RuntimeError("the proxy is already running")
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="fault-proxy", daemon=True)
        thread.start()
        self._loop, self._thread = loop, thread
        try:
            listening = asyncio.run_coroutine_threadsafe(self._listen(), loop)
            self._server = listening.result(timeout=_LIFECYCLE_TIMEOUT)
        except BaseException:
            self._stop_loop()
            raise
        self._port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Close the listener and every connection, then end the loop thread. Idempotent.

        Raises RuntimeError if a connection handler failed unexpectedly (a bug in the proxy,
        never a fault it injected or a peer that went away).
        """
        loop = self._loop
        if loop is None:
            return
        try:
            closing = asyncio.run_coroutine_threadsafe(self._close(), loop)
            closing.result(timeout=_LIFECYCLE_TIMEOUT)
        finally:
            self._stop_loop()
        crashes, self._crashes = self._crashes, []
        if crashes:
            raise RuntimeError(f"{len(crashes)} proxy connection(s) crashed") from crashes[0]

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)

    def _stop_loop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = self._server = None
        self._port = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=_LIFECYCLE_TIMEOUT)
        if not thread.is_alive():
            loop.close()

    # --- on the proxy's loop -----------------------------------------------------------------

    async def _listen(self) -> asyncio.Server:
        return await asyncio.start_server(
            self._accept, host="127.0.0.1", port=0, limit=MAX_HEAD_BYTES
        )

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._injector.count(Counter.CLIENT_CONNECTIONS)
        connection = ClientConnection(
            reader, writer, switch=self._switch, injector=self._injector, timeouts=self._timeouts
        )
        # Serve in a task of our own: stop() cancels it, and asyncio.wait() never re-raises that
        # cancellation into the task asyncio.start_server made (Python 3.11 logs a spurious
        # error when that one ends cancelled).
        serving = asyncio.create_task(connection.serve())
        self._handlers.add(serving)
        try:
            await asyncio.wait({serving})
        finally:
            self._handlers.discard(serving)
        error = None if serving.cancelled() else serving.exception()
        if error is not None:
            self._crashes.append(error)

    async def _close(self) -> None:
        server = self._server
        if server is not None:
            server.close()
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        if server is not None:
            await server.wait_closed()
