"""connexion's call into a handler, prepared once per operation instead of once per request.

connexion 3's ``AsyncOperation`` builds a new ``StarletteDecorator`` for every request, which
re-inspects the handler's signature and builds a new URI parser from the operation's
parameters each time: about a tenth of a simple request's CPU. Everything it builds depends
only on the operation, so the operations here build it on first use and keep it. The
per-request work (parsing this request's parameters and body, calling the handler) is
unchanged.

A sync handler runs on the thread pool its operation is given (threads.py), not on anyio's
default one, and its database work is bounded from the event loop (db/inflight.py):

- past ``TASKMASTER_REQUEST_TIMEOUT`` its running statement is cancelled, its next one refused,
  and it answers 503 with ``Retry-After``; one still queued for a thread leaves the queue;
- when its client disconnects, the same happens and nobody gets the answer. The disconnect is
  watched only for a request still running after ``_WATCH_AFTER`` seconds: a task per request
  would cost every cheap request the CPU that only slow ones need;
- a pooled connection found dead on first use (the database restarted or failed over since it
  was pooled) fails only that statement, before anything of the request ran on it; the handler
  then runs again once, on a fresh connection, unless it had committed something.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

import anyio
import anyio.to_thread
import sqlalchemy.exc
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import receive as current_receive
from connexion.context import scope as current_scope
from connexion.decorators import StarletteDecorator
from connexion.operations import AbstractOperation
from starlette.types import Receive

from taskmaster_server.context import request_state
from taskmaster_server.db.inflight import Abandoned, InFlight
from taskmaster_server.errors import retry_later
from taskmaster_server.middleware.request_context import RAW_RECEIVE
from taskmaster_server.threads import pool_for

__all__ = ["PreparedApi"]

# A module attribute so that benchmarks/profile_server.py can run handlers inline.
run_in_thread = anyio.to_thread.run_sync

_WATCH_AFTER = 0.2
_GONE = "the client disconnected"


def _call_once_more_if_dead(function: Callable[[], Any], work: InFlight) -> Any:
    if work.reason is not None:
        raise Abandoned(work.reason)
    try:
        return function()
    except sqlalchemy.exc.DBAPIError as exc:
        if not (exc.connection_invalidated and work.first_statement and not work.committed):
            raise
    return function()


async def _watch_disconnect(receive: Receive, work: InFlight) -> None:
    # Called while the handler runs: its body has been read, so the next message is the
    # disconnect (or nothing, until the watch is cancelled when the handler returns).
    while (await receive())["type"] != "http.disconnect":
        pass
    work.abandon(_GONE)


def _start_watch(scope: Any, work: InFlight, tasks: list[asyncio.Task[None]]) -> None:
    receive = scope.get(RAW_RECEIVE)
    if receive is not None and work.reason is None:
        tasks.append(asyncio.ensure_future(_watch_disconnect(receive, work)))


async def _run_bounded(
    function: Callable[[], Any], limiter: anyio.CapacityLimiter, timeout: float
) -> Any:
    work = InFlight()
    token = work.enter()  # before the thread starts: anyio copies the context into it
    loop = asyncio.get_running_loop()
    scope = current_scope._get_current_object()
    watches: list[asyncio.Task[None]] = []
    deadline = loop.call_later(timeout, work.abandon, f"the request took longer than {timeout:g} s")
    watch = loop.call_later(_WATCH_AFTER, _start_watch, scope, work, watches)
    try:
        with anyio.CancelScope() as cancel_scope:
            # Cancels only a request still queued for a thread; a running one is shielded
            # until its thread returns, which the cancelled statement makes soon.
            work.on_abandon = cancel_scope.cancel
            return await run_in_thread(
                functools.partial(_call_once_more_if_dead, function, work), limiter=limiter
            )
        raise Abandoned(work.reason or _GONE)
    except Exception as exc:
        if work.reason is not None:
            raise retry_later(
                f"Stopped: {work.reason}. Nothing of it was committed; retry shortly."
            ) from exc
        raise
    finally:
        deadline.cancel()
        watch.cancel()
        for task in watches:
            task.cancel()
        work.leave(token)


class _PreparedDecorator(StarletteDecorator):  # type: ignore[misc]
    """A ``StarletteDecorator`` whose URI parser and decorated handler are built once."""

    def __init__(self, operation_id: str | None = None, method: str = "get", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._operation_id = operation_id
        self._pool = pool_for(operation_id, method)
        self._parser: Any = None
        self._decorated: Callable[..., Any] | None = None

    @property
    def _sync_async_decorator(self) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        pool = self._pool

        def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
            if asyncio.iscoroutinefunction(function):
                return function

            @functools.wraps(function)
            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                runtime = request_state(current_scope).runtime
                return await _run_bounded(
                    functools.partial(function, *args, **kwargs),
                    runtime.threads.limiter(pool),
                    runtime.settings.request_timeout,
                )

            return wrapper

        return decorator

    @property
    def uri_parser(self) -> Any:
        if self._parser is None:
            self._parser = super().uri_parser
        return self._parser

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        async def call() -> Any:
            if self._decorated is None:
                self._decorated = self.decorate(function)
            request = self.framework.get_request(
                uri_parser=self.uri_parser, scope=current_scope, receive=current_receive
            )
            return await self._decorated(request)

        return call


class _PreparedOperation(AsyncOperation):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prepared: Callable[..., Any] | None = None
        self.http_method = "get"

    @property
    def fn(self) -> Callable[..., Any]:
        if self._prepared is None:
            decorator = _PreparedDecorator(
                operation_id=self.operation_id,
                method=self.http_method,
                pythonic_params=self.pythonic_params,
                jsonifier=self.jsonifier,
            )
            self._prepared = decorator(self._fn)
        return self._prepared


class PreparedApi(AsyncApi):  # type: ignore[misc]
    """``AsyncApi`` whose operations prepare their handler call once."""

    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        prepared = _PreparedOperation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )
        prepared.http_method = operation.method
        return prepared
