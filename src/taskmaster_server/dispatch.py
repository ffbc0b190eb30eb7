"""connexion's call into a handler, prepared once per operation instead of once per request.

connexion 3's ``AsyncOperation`` builds a new ``StarletteDecorator`` for every request, which
re-inspects the handler's signature and builds a new URI parser from the operation's
parameters each time: about a tenth of a simple request's CPU. Everything it builds depends
only on the operation, so the operations here build it on first use and keep it. The
per-request work (parsing this request's parameters and body, calling the handler) is
unchanged.

A sync handler runs on the thread pool its operation is given (threads.py), not on anyio's
default one.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

import anyio.to_thread
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import receive as current_receive
from connexion.context import scope as current_scope
from connexion.decorators import StarletteDecorator
from connexion.operations import AbstractOperation

from taskmaster_server.context import request_state

__all__ = ["PreparedApi"]

# A module attribute so that benchmarks/profile_server.py can run handlers inline.
run_in_thread = anyio.to_thread.run_sync


class _PreparedDecorator(StarletteDecorator):  # type: ignore[misc]
    """A ``StarletteDecorator`` whose URI parser and decorated handler are built once."""

    def __init__(self, operation_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._operation_id = operation_id
        self._parser: Any = None
        self._decorated: Callable[..., Any] | None = None

    @property
    def _sync_async_decorator(self) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        operation_id = self._operation_id

        def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
            if asyncio.iscoroutinefunction(function):
                return function

            @functools.wraps(function)
            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                limiter = request_state(current_scope).runtime.threads.limiter(operation_id)
                call = functools.partial(function, *args, **kwargs)
                return await run_in_thread(call, limiter=limiter)

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

    @property
    def fn(self) -> Callable[..., Any]:
        if self._prepared is None:
            decorator = _PreparedDecorator(
                operation_id=self.operation_id,
                pythonic_params=self.pythonic_params,
                jsonifier=self.jsonifier,
            )
            self._prepared = decorator(self._fn)
        return self._prepared


class PreparedApi(AsyncApi):  # type: ignore[misc]
    """``AsyncApi`` whose operations prepare their handler call once."""

    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        return _PreparedOperation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )
