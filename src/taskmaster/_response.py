"""`client.with_raw_response`: the HTTP response behind a high-level call, and its result.

    raw = client.with_raw_response.get_task(task_id)
    raw.status_code, raw.headers["ETag"], raw.request_id, raw.retries_taken
    task = raw.parse()                       # what client.get_task(task_id) returns

`client.with_streaming_response` is its lazy twin: the body is not read until asked for.

    with client.tasks.with_streaming_response.list() as response:
        for chunk in response.iter_bytes(): ...     # or response.parse()

It is written once: `raw_method` wraps a client method so that it runs with one extra request
option (`RAW_OPTION`, a `RawCapture`); the client's `_request` records the first response it
gets for a call carrying it, and the wrapper returns that response with the method's result.
Error statuses raise exactly as the plain call does; a list method's response is its first page's.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from ._exceptions import error_from_response
from ._options import RAW_OPTION
from ._retry import RETRIES_TAKEN

if TYPE_CHECKING:
    import httpx

    from ._types import TimeoutTypes

__all__ = [
    "APIResponse",
    "AsyncAPIResponse",
    "AsyncStreamedAPIResponse",
    "AsyncStreamedResponse",
    "RawCapture",
    "StreamedAPIResponse",
    "StreamedResponse",
    "async_raw_method",
    "async_streamed_method",
    "raw_method",
    "streamed_method",
]

P = ParamSpec("P")
T = TypeVar("T")
View = TypeVar("View")

REQUEST_ID = "X-Request-ID"


class _ResponseInfo:
    """What every response view reads off its `httpx.Response`."""

    __slots__ = ()
    http_response: httpx.Response

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

    def __repr__(self) -> str:
        response = self.http_response
        return (
            f"<{type(self).__name__} [{response.status_code}] {response.request.method} "
            f"{response.request.url.path} request_id={self.request_id}>"
        )


class APIResponse(_ResponseInfo, Generic[T]):
    """A call's HTTP response and its result.

    `http_response` is the `httpx.Response` (its body already read); `parse()` returns what the
    plain method returns. `retries_taken` counts the SDK's retries before this response.
    """

    __slots__ = ("_parsed", "http_response")

    def __init__(self, http_response: httpx.Response, parsed: T) -> None:
        self.http_response = http_response
        self._parsed = parsed

    def parse(self) -> T:
        """The method's result (parsed when the call returned, so this does no I/O)."""
        return self._parsed


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

    def send(self, http: httpx.Client, kwargs: dict[str, Any], timeout: Any) -> httpx.Response:
        """`_request`'s sending, for a call carrying this capture."""
        response = http.request(**kwargs, **_timeout(timeout))
        self.record(response)
        return response

    async def asend(
        self, http: httpx.AsyncClient, kwargs: dict[str, Any], timeout: Any
    ) -> httpx.Response:
        response = await http.request(**kwargs, **_timeout(timeout))
        self.record(response)
        return response


def _timeout(timeout: TimeoutTypes | Any) -> dict[str, Any]:
    from ._types import NotGiven

    return {} if isinstance(timeout, NotGiven) else {"timeout": timeout}


class _Streamed(Exception):
    """Stops a method once its response headers arrived (the body stays unread)."""


class StreamCapture(RawCapture):
    """Sends the call's request with `stream=True` and stops the method there."""

    __slots__ = ()

    def send(self, http: httpx.Client, kwargs: dict[str, Any], timeout: Any) -> httpx.Response:
        request = http.build_request(**kwargs, **_timeout(timeout))
        self.record(http.send(request, stream=True))
        raise _Streamed

    async def asend(
        self, http: httpx.AsyncClient, kwargs: dict[str, Any], timeout: Any
    ) -> httpx.Response:
        request = http.build_request(**kwargs, **_timeout(timeout))
        self.record(await http.send(request, stream=True))
        raise _Streamed


class ReplayCapture(RawCapture):
    """Gives the method the response already received (once); later pages are sent."""

    __slots__ = ("_pending",)

    def __init__(self, response: httpx.Response) -> None:
        super().__init__()
        self._pending: httpx.Response | None = response

    def send(self, http: httpx.Client, kwargs: dict[str, Any], timeout: Any) -> httpx.Response:
        response, self._pending = self._pending, None
        return response if response is not None else super().send(http, kwargs, timeout)

    async def asend(
        self, http: httpx.AsyncClient, kwargs: dict[str, Any], timeout: Any
    ) -> httpx.Response:
        response, self._pending = self._pending, None
        return response if response is not None else await super().asend(http, kwargs, timeout)


class _ViewMethod:
    """A view's method (`View.name = raw_method(Client.name)`): the client's method, run by
    `_wrap` with a capture. Bound, its signature is the plain method's (without `self`)."""

    def __init__(self, method: Callable[..., Any]) -> None:
        self._method = method
        self._name = getattr(method, "__name__", "")

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._name = name

    def _bind(self, view: object) -> Any:
        if view is None:
            return self
        client = view._client  # type: ignore[attr-defined]
        call = functools.wraps(self._method)(self._wrap(self._method, client))
        call.__wrapped__ = getattr(client, self._name)
        return call

    @staticmethod
    def _wrap(method: Any, client: Any) -> Callable[..., Any]:
        raise NotImplementedError


class raw_method(_ViewMethod, Generic[P, T]):
    """`ViewClass.name = raw_method(Client.name)`: the view's method returns `APIResponse[T]`."""

    def __init__(self, method: Callable[Concatenate[Any, P], T]) -> None:
        super().__init__(method)

    @overload
    def __get__(self, view: None, owner: type[Any]) -> raw_method[P, T]: ...
    @overload
    def __get__(self, view: object, owner: type[Any]) -> Callable[P, APIResponse[T]]: ...
    def __get__(self, view: object, owner: type[Any]) -> Any:
        return self._bind(view)

    @staticmethod
    def _wrap(method: Any, client: Any) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> APIResponse[Any]:
            capture = RawCapture()
            result = method(client, *args, **kwargs, **{RAW_OPTION: capture})
            return APIResponse(capture.taken(), result)

        return call


class async_raw_method(_ViewMethod, Generic[P, T]):
    """The async view's twin: `await view.name(...)` gives an `AsyncAPIResponse[T]`.

    Works for coroutine methods and for list methods returning an (awaitable) `AsyncPager`.
    """

    def __init__(self, method: Callable[Concatenate[Any, P], Awaitable[T]]) -> None:
        super().__init__(method)

    @overload
    def __get__(self, view: None, owner: type[Any]) -> async_raw_method[P, T]: ...
    @overload
    def __get__(
        self, view: object, owner: type[Any]
    ) -> Callable[P, Awaitable[AsyncAPIResponse[T]]]: ...
    def __get__(self, view: object, owner: type[Any]) -> Any:
        return self._bind(view)

    @staticmethod
    def _wrap(method: Any, client: Any) -> Callable[..., Any]:
        async def call(*args: Any, **kwargs: Any) -> AsyncAPIResponse[Any]:
            capture = RawCapture()
            result = await method(client, *args, **kwargs, **{RAW_OPTION: capture})
            return AsyncAPIResponse(capture.taken(), result)

        return call


class StreamedAPIResponse(_ResponseInfo, Generic[T]):
    """A response whose body is read only on demand (`iter_bytes()`, `read()`, `parse()`).

    Error statuses raise when the context is entered, as the plain call does.
    """

    def __init__(self, http_response: httpx.Response, run: Callable[[RawCapture], T]) -> None:
        self.http_response = http_response
        self._run = run

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return self.http_response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        return self.http_response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        return self.http_response.iter_lines()

    def read(self) -> bytes:
        return self.http_response.read()

    def parse(self) -> T:
        """Read the body and return what the plain method returns (no second request)."""
        self.http_response.read()
        return self._run(ReplayCapture(self.http_response))

    def close(self) -> None:
        self.http_response.close()


class AsyncStreamedAPIResponse(_ResponseInfo, Generic[T]):
    """`StreamedAPIResponse` of an async client: `aiter_bytes()`, `await parse()`..."""

    def __init__(
        self, http_response: httpx.Response, run: Callable[[RawCapture], Awaitable[T]]
    ) -> None:
        self.http_response = http_response
        self._run = run

    def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return self.http_response.aiter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        return self.http_response.aiter_text(chunk_size)

    def iter_lines(self) -> AsyncIterator[str]:
        return self.http_response.aiter_lines()

    async def read(self) -> bytes:
        return await self.http_response.aread()

    async def parse(self) -> T:
        await self.http_response.aread()
        return await self._run(ReplayCapture(self.http_response))

    async def close(self) -> None:
        await self.http_response.aclose()


def _checked(response: httpx.Response) -> None:
    if response.status_code >= 400:
        response.read()
        response.close()
        raise error_from_response(response)


class StreamedResponse(Generic[T]):
    """`with view.method(...) as response:` sends the request; leaving the block closes it."""

    def __init__(self, run: Callable[[RawCapture], T]) -> None:
        self._run = run
        self._response: StreamedAPIResponse[T] | None = None

    def __enter__(self) -> StreamedAPIResponse[T]:
        capture = StreamCapture()
        with contextlib.suppress(_Streamed):
            self._run(capture)
        response = capture.taken()
        _checked(response)
        self._response = StreamedAPIResponse(response, self._run)
        return self._response

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            self._response.close()


class AsyncStreamedResponse(Generic[T]):
    """`async with view.method(...) as response:` (see `StreamedResponse`)."""

    def __init__(self, run: Callable[[RawCapture], Awaitable[T]]) -> None:
        self._run = run
        self._response: AsyncStreamedAPIResponse[T] | None = None

    async def __aenter__(self) -> AsyncStreamedAPIResponse[T]:
        capture = StreamCapture()
        with contextlib.suppress(_Streamed):
            await self._run(capture)
        response = capture.taken()
        if response.status_code >= 400:
            await response.aread()
            await response.aclose()
            raise error_from_response(response)
        self._response = AsyncStreamedAPIResponse(response, self._run)
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.close()


class streamed_method(_ViewMethod, Generic[P, T]):
    """`View.name = streamed_method(Resource.name)`: the view's method gives a context manager."""

    def __init__(self, method: Callable[Concatenate[Any, P], T]) -> None:
        super().__init__(method)

    @overload
    def __get__(self, view: None, owner: type[Any]) -> streamed_method[P, T]: ...
    @overload
    def __get__(self, view: object, owner: type[Any]) -> Callable[P, StreamedResponse[T]]: ...
    def __get__(self, view: object, owner: type[Any]) -> Any:
        return self._bind(view)

    @staticmethod
    def _wrap(method: Any, client: Any) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> StreamedResponse[Any]:
            return StreamedResponse(
                lambda capture: method(client, *args, **kwargs, **{RAW_OPTION: capture})
            )

        return call


class async_streamed_method(_ViewMethod, Generic[P, T]):
    """The async twin: `async with view.name(...) as response:`."""

    def __init__(self, method: Callable[Concatenate[Any, P], Awaitable[T]]) -> None:
        super().__init__(method)

    @overload
    def __get__(self, view: None, owner: type[Any]) -> async_streamed_method[P, T]: ...
    @overload
    def __get__(self, view: object, owner: type[Any]) -> Callable[P, AsyncStreamedResponse[T]]: ...
    def __get__(self, view: object, owner: type[Any]) -> Any:
        return self._bind(view)

    @staticmethod
    def _wrap(method: Any, client: Any) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> AsyncStreamedResponse[Any]:
            async def run(capture: RawCapture) -> Any:
                return await method(client, *args, **kwargs, **{RAW_OPTION: capture})

            return AsyncStreamedResponse(run)

        return call
