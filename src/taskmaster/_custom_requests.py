"""Typed calls to paths the SDK has no method for (openai's `client.get`, stripe's `raw_request`).

    data = client.get("/beta/reports", cast_to=dict, params={"since": "2026-01-01"})
    task = client.post("/tasks", body={"title": "x"}, cast_to=Task)      # a generated model
    response = client.get("/health", cast_to=httpx.Response)               # the response itself
    client.delete(f"/beta/reports/{rid}", cast_to=None)                     # no body expected

They go through the same call path as every method: the client's auth (and token renewal),
retries and the retry budget, an `Idempotency-Key` on POST and PATCH (the same on every retry;
`idempotency_key=` to choose it), timeouts, the per-call options, and the typed exceptions for
an error status. `path` is relative to the client's `api_url` (`/api/v1`): the client's token is
never sent to another host.

`cast_to` is a generated model class (read with its `from_dict`), `dict` (the JSON object),
`list` (a JSON array), `httpx.Response` (the response, body read), or None (the body is ignored).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

from ._call import AsyncRequester, Call, SyncRequester
from ._exceptions import APIResponseValidationError, InvalidRequestError

if TYPE_CHECKING:
    from typing import Unpack

    import httpx

    from ._options import RequestOptions, WriteOptions

__all__ = ["AsyncCustomRequestsMixin", "CustomRequestsMixin"]

M = TypeVar("M")
Params = Mapping[str, Any] | None


class _Endpoint:
    """Stands in for a generated endpoint module in a `Call`: a name for messages, and a
    parser with nothing to do (the call's `convert` reads the body as `cast_to` asks)."""

    def __init__(self, method: str, path: str) -> None:
        self.__name__ = f"{method} {path}"

    @staticmethod
    def _parse_response(*, client: object, response: httpx.Response) -> None:
        return None


def _reader(cast_to: Any, what: str) -> Callable[[Any, httpx.Response], Any]:
    """How the body of a success is turned into what `cast_to` asks for."""
    import httpx

    if cast_to is None:
        return lambda _, response: None
    if cast_to is httpx.Response:
        return lambda _, response: response
    if cast_to is dict or cast_to is list:

        def read_json(_: Any, response: httpx.Response) -> Any:
            data = _json_of(response, what)
            if not isinstance(data, cast_to):
                raise APIResponseValidationError(
                    f"{what}: expected a JSON {cast_to.__name__}, got {type(data).__name__}",
                    response=response,
                )
            return data

        return read_json
    from_dict = getattr(cast_to, "from_dict", None)
    if not callable(from_dict):
        raise InvalidRequestError(
            f"{what}: cast_to must be a generated model class, dict, list, httpx.Response or "
            f"None, not {cast_to!r}"
        )

    def read_model(_: Any, response: httpx.Response) -> Any:
        data = _json_of(response, what)
        try:
            return from_dict(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise APIResponseValidationError(
                f"{what}: the body is not a {cast_to.__name__} ({type(exc).__name__}: {exc})",
                response=response,
            ) from exc

    return read_model


def _json_of(response: httpx.Response, what: str) -> Any:
    from ._json import PARSE_ERRORS, check_constants

    try:
        check_constants(response.content)
        return response.json()
    except PARSE_ERRORS as exc:
        raise APIResponseValidationError(
            f"{what}: the {response.status_code} response is not JSON ({exc})", response=response
        ) from exc


def custom_call(method: str, path: str, cast_to: Any, params: Params, body: Any) -> Call[Any]:
    """The `Call` of a request to `path` (relative to the API's base URL)."""
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        raise InvalidRequestError(
            f"{method} {path!r}: the path must start with '/' and is relative to the client's "
            "api_url (the client's credentials are never sent to another host)"
        )
    kwargs: dict[str, Any] = {"method": method, "url": path}
    if params:
        kwargs["params"] = dict(params)
    if body is not None:
        kwargs["json"] = body
    endpoint: Any = _Endpoint(method, path)
    return Call(endpoint, kwargs, None, convert=_reader(cast_to, endpoint.__name__))


# How each verb is typed. The verbs themselves are one function each (`_verb`), bound as methods
# of both clients: only what the type checker is told differs between sync and async.
class _Read(Protocol):
    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: type[M],
        params: Params = None,
        **options: Unpack[RequestOptions],
    ) -> M: ...
    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: None,
        params: Params = None,
        **options: Unpack[RequestOptions],
    ) -> None: ...


class _Write(Protocol):
    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: type[M],
        body: Any = None,
        params: Params = None,
        **options: Unpack[WriteOptions],
    ) -> M: ...
    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: None,
        body: Any = None,
        params: Params = None,
        **options: Unpack[WriteOptions],
    ) -> None: ...


class _AsyncRead(Protocol):
    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: type[M],
        params: Params = None,
        **options: Unpack[RequestOptions],
    ) -> Awaitable[M]: ...
    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: None,
        params: Params = None,
        **options: Unpack[RequestOptions],
    ) -> Awaitable[None]: ...


class _AsyncWrite(Protocol):
    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: type[M],
        body: Any = None,
        params: Params = None,
        **options: Unpack[WriteOptions],
    ) -> Awaitable[M]: ...
    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: None,
        body: Any = None,
        params: Params = None,
        **options: Unpack[WriteOptions],
    ) -> Awaitable[None]: ...


def _verb(method: str, doc: str) -> Any:
    """The client method sending `method` to a path (sync or async: `_request` decides)."""

    def call(
        self: SyncRequester | AsyncRequester,
        path: str,
        *,
        cast_to: Any,
        body: Any = None,
        params: Params = None,
        **options: Any,
    ) -> Any:
        return self._request(custom_call(method, path, cast_to, params, body), options)

    call.__name__ = call.__qualname__ = method.lower()
    call.__doc__ = doc
    return call


_GET = "GET `path` (relative to `api_url`); the success read as `cast_to`."
_DELETE = "DELETE `path`; the success read as `cast_to` (None: ignore the body)."
_POST = "POST `body` (JSON) to `path`, with an Idempotency-Key kept across retries."
_PUT = "PUT `body` (JSON) to `path`; the success read as `cast_to`."
_PATCH = "PATCH `path` with `body` (JSON), with an Idempotency-Key kept across retries."


class CustomRequestsMixin(SyncRequester):
    """`get`, `post`, `put`, `patch`, `delete` on any path of the API (see the module doc)."""

    get: _Read = _verb("GET", _GET)
    delete: _Read = _verb("DELETE", _DELETE)
    post: _Write = _verb("POST", _POST)
    put: _Write = _verb("PUT", _PUT)
    patch: _Write = _verb("PATCH", _PATCH)


class AsyncCustomRequestsMixin(AsyncRequester):
    """The async client's `get`, `post`, `put`, `patch`, `delete`: awaited, otherwise the same."""

    get: _AsyncRead = _verb("GET", _GET)
    delete: _AsyncRead = _verb("DELETE", _DELETE)
    post: _AsyncWrite = _verb("POST", _POST)
    put: _AsyncWrite = _verb("PUT", _PUT)
    patch: _AsyncWrite = _verb("PATCH", _PATCH)
