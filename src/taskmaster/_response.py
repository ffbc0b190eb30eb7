"""`client.with_raw_response`: the HTTP response behind a high-level call, and its result.

    raw = client.with_raw_response.get_task(task_id)
    raw.status_code, raw.headers["ETag"], raw.request_id, raw.retries_taken
    task = raw.parse()                       # what client.get_task(task_id) returns

It is written once: `raw_method` wraps a client method so that it runs with one extra request
option (`RAW_OPTION`, a `RawCapture`); the client's `_request` records the first response it
gets for a call carrying it, and the wrapper returns that response with the method's result.
Error statuses raise exactly as the plain call does; a list method's response is its first page's.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from ._options import RAW_OPTION
from ._retry import RETRIES_TAKEN

if TYPE_CHECKING:
    import httpx

__all__ = ["APIResponse", "AsyncAPIResponse", "RawCapture", "async_raw_method", "raw_method"]

P = ParamSpec("P")
T = TypeVar("T")
View = TypeVar("View")

REQUEST_ID = "X-Request-ID"


class APIResponse(Generic[T]):
    """A call's HTTP response and its result.

    `http_response` is the `httpx.Response` (its body already read); `parse()` returns what the
    plain method returns. `retries_taken` counts the SDK's retries before this response.
    """

    __slots__ = ("_parsed", "http_response")

    def __init__(self, http_response: httpx.Response, parsed: T) -> None:
        self.http_response = http_response
        self._parsed = parsed

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers: `ETag`, `RateLimit`, `Idempotent-Replayed`, `Link`..."""
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The server's `X-Request-ID` (the SDK's own, echoed back): quote it in bug reports."""
        response = self.http_response
        found: str | None = response.headers.get(REQUEST_ID) or response.request.headers.get(
            REQUEST_ID
        )
        return found

    @property
    def retries_taken(self) -> int:
        return int(self.http_response.extensions.get(RETRIES_TAKEN, 0))

    def parse(self) -> T:
        """The method's result (parsed when the call returned, so this does no I/O)."""
        return self._parsed

    def __repr__(self) -> str:
        response = self.http_response
        return (
            f"<{type(self).__name__} [{response.status_code}] {response.request.method} "
            f"{response.request.url.path} request_id={self.request_id}>"
        )


class AsyncAPIResponse(APIResponse[T]):
    """`APIResponse` of an async client's call: the same, with nothing left to await."""

    __slots__ = ()


class RawCapture:
    """The request option that asks `_request` for the response of a call."""

    __slots__ = ("response",)

    def __init__(self) -> None:
        self.response: httpx.Response | None = None

    def record(self, response: httpx.Response) -> None:
        if self.response is None:  # a list call's later pages do not replace its first
            self.response = response

    def taken(self) -> httpx.Response:
        if self.response is None:  # every raw-capable method sends through `_request`
            raise RuntimeError("the call completed without a response to return")
        return self.response


class raw_method(Generic[P, T]):
    """`ViewClass.name = raw_method(Client.name)`: the view's method returns `APIResponse[T]`."""

    def __init__(self, method: Callable[Concatenate[Any, P], T]) -> None:
        self._method = method

    @overload
    def __get__(self, view: None, owner: type[Any]) -> raw_method[P, T]: ...
    @overload
    def __get__(self, view: object, owner: type[Any]) -> Callable[P, APIResponse[T]]: ...
    def __get__(self, view: object, owner: type[Any]) -> Any:
        if view is None:
            return self
        method: Any = self._method
        client = view._client  # type: ignore[attr-defined]

        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> APIResponse[T]:
            capture = RawCapture()
            result = method(client, *args, **kwargs, **{RAW_OPTION: capture})
            return APIResponse(capture.taken(), result)

        # The bound method: `inspect.signature` of the view's method then has no `self`.
        call.__wrapped__ = getattr(client, method.__name__)
        return call


class async_raw_method(Generic[P, T]):
    """The async view's twin: `await view.name(...)` gives an `AsyncAPIResponse[T]`.

    Works for coroutine methods and for list methods returning an (awaitable) `AsyncPager`.
    """

    def __init__(self, method: Callable[Concatenate[Any, P], Awaitable[T]]) -> None:
        self._method = method

    @overload
    def __get__(self, view: None, owner: type[Any]) -> async_raw_method[P, T]: ...
    @overload
    def __get__(
        self, view: object, owner: type[Any]
    ) -> Callable[P, Awaitable[AsyncAPIResponse[T]]]: ...
    def __get__(self, view: object, owner: type[Any]) -> Any:
        if view is None:
            return self
        method: Any = self._method
        client = view._client  # type: ignore[attr-defined]

        @functools.wraps(method)
        async def call(*args: Any, **kwargs: Any) -> AsyncAPIResponse[T]:
            capture = RawCapture()
            result = await method(client, *args, **kwargs, **{RAW_OPTION: capture})
            return AsyncAPIResponse(capture.taken(), result)

        # The bound method: `inspect.signature` of the view's method then has no `self`.
        call.__wrapped__ = getattr(client, method.__name__)
        return call
