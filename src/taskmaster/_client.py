"""`TaskMasterClient` and `AsyncTaskMasterClient`, and the `BaseClient` logic they share.

`BaseClient` does everything that needs no I/O: configuration, reading a response into a model
or an exception, `with_options` copies. The two shells only send: `_request` (one call),
`close`; `_session.py` adds the login/refresh/logout methods. The methods users call come from the
generated namespaces and flat methods (`_generated/`, from the spec), `_bulk.py` and
`_session.py`.

Raw generated endpoints share the client's authenticated, retrying httpx client:

    from taskmaster_api.api.tasks import get_task
    response = get_task.sync_detailed(task_id, client=client.raw)   # sync client
    response = await get_task.asyncio_detailed(task_id, client=aclient.raw)
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from ._auth import auth_from
from ._base import USER_AGENT, normalize_api_url, retry_on_set, to_timeout
from ._bulk import AsyncBulkMixin, BulkMixin
from ._call import Call, ETagCache
from ._connection_errors import connection_error
from ._connections import CertTypes, Pool, open_pool
from ._cookies import SetCookieJar
from ._custom_requests import AsyncCustomRequestsMixin, CustomRequestsMixin
from ._exceptions import APIResponseValidationError, InvalidRequestError, error_from_response
from ._generated._client import RESOURCES, AsyncGeneratedMethods, GeneratedMethods
from ._json import PARSE_ERRORS, check_constants
from ._logs import setup_logging
from ._options import NO_OPTIONS, RAW_OPTION, merge_options
from ._params import to_uuid
from ._request_ids import stamp_request_id
from ._retry import (
    DEFAULT_RETRY_BUDGET,
    DEFAULT_RETRY_ON,
    AsyncRetryTransport,
    RetryPolicy,
    RetryTransport,
)
from ._session import AsyncSessionMixin, SessionMixin
from ._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    import ssl
    import uuid

    from taskmaster_api import Client

    from ._auth import TokenAuth
    from ._raw_views import (
        AsyncTaskMasterClientWithRawResponse,
        AsyncTaskMasterClientWithStreamingResponse,
        TaskMasterClientWithRawResponse,
        TaskMasterClientWithStreamingResponse,
    )
    from ._response import RawCapture
    from ._tokens import TokenStore
    from ._types import TimeoutTypes

__all__ = ["AsyncTaskMasterClient", "BaseClient", "TaskMasterClient"]

T = TypeVar("T")


class BaseClient:
    """Configuration and response handling shared by the sync and async clients.

    The shells differ in their httpx client and retry transport (`_http_class`,
    `_retry_class`), and in `_request`, `raw` and closing; the rest is here, once.
    """

    api_url: str
    _auth: TokenAuth
    _pool: Pool
    _owns_pool: bool
    _policy: RetryPolicy
    _timeout: httpx.Timeout
    _etags: ETagCache
    _http: Any
    _raw: Client | None
    _is_async: bool
    _http_class: type[httpx.Client] | type[httpx.AsyncClient]
    _retry_class: type[RetryTransport] | type[AsyncRetryTransport]

    def __init__(
        self,
        api_url: str | None = None,
        token: str | None = None,
        *,
        email: str | None = None,
        password: str | None = None,
        refresh_token: str | None = None,
        token_store: TokenStore | None = None,
        max_retries: int = 2,
        retry_backoff: float = 0.5,
        retry_on: Collection[int] = DEFAULT_RETRY_ON,
        retry_budget: float = DEFAULT_RETRY_BUDGET,
        timeout: TimeoutTypes = 30.0,
        verify_tokens: bool = True,
        jwt_issuer: str | None = "taskmaster",
        jwt_audience: str | None = "taskmaster-api",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        setup_logging()
        self.api_url = normalize_api_url(api_url)
        try:
            self._policy = RetryPolicy(
                max_retries=max_retries, backoff=retry_backoff, retry_on=retry_on_set(retry_on),
                budget=retry_budget,
            )  # fmt: skip
        except ValueError as exc:
            raise InvalidRequestError(str(exc)) from None
        self._timeout = to_timeout(timeout)
        self._headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
        self._auth = auth_from(
            self.api_url,
            token=token,
            refresh_token=refresh_token,
            email=email,
            password=password,
            token_store=token_store,
            verify_tokens=verify_tokens,
            jwt_issuer=jwt_issuer,
            jwt_audience=jwt_audience,
            headers=self._headers,
            timeout=self._timeout,
        )
        self._etags = ETagCache()
        self._parser: Client | None = None

    def _open(self, **connection: Any) -> None:
        """Open the connection pool and the httpx client over it (the shells' `__init__`)."""
        self._pool = open_pool(is_async=self._is_async, **connection)
        self._owns_pool = True
        self._http = self._new_http(owns_inner=True)
        self._raw = None

    def _new_http(self, *, owns_inner: bool) -> Any:
        pool, policy = self._pool, self._policy
        retry: Any = self._retry_class  # typed per shell: httpx.Client or AsyncClient
        http: Any = self._http_class
        return http(
            base_url=self.api_url,
            auth=self._auth,
            transport=retry(pool.inner, policy, owns_inner=owns_inner),
            mounts={
                pattern: None if route is None else retry(route, policy, owns_inner=owns_inner)
                for pattern, route in pool.mounts.items()
            },
            headers=self._headers,
            timeout=self._timeout,
            event_hooks=pool.event_hooks,
            follow_redirects=pool.follow_redirects,
            cookies=SetCookieJar(),
            trust_env=False,  # the pool has read the environment (proxies) already
        )

    def with_options(
        self,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        retry_backoff: float | None = None,
        retry_on: Collection[int] | None = None,
        headers: Mapping[str, str] | None = None,
        api_url: str | None = None,
        account_id: uuid.UUID | str | None = None,
        retry_budget: float | None = None,
    ) -> Self:
        """A client with other options, sharing this one's connections, tokens and ETags.

        `headers` are sent on top of this client's; `account_id` acts in that account (a
        default `X-Account-ID`; a method's own `account_id=` still wins). With another
        `api_url` the copy opens its own pool (unless this client was given a `transport` or
        an `http_client`, which it keeps) but still shares the tokens. Closing a copy that
        shares the pool leaves it open; closing the original closes it for both.
        """
        clone = self._copy_with(
            timeout, max_retries, retry_backoff, retry_on,
            headers=headers, api_url=api_url, account_id=account_id, retry_budget=retry_budget,
        )  # fmt: skip
        clone._http = clone._new_http(owns_inner=clone._owns_pool)
        clone._raw = None
        return clone

    copy = with_options  # openai-python's name for the same thing

    @property
    def is_closed(self) -> bool:
        return bool(self._http.is_closed)

    @property
    def max_retries(self) -> int:
        return self._policy.max_retries

    @property
    def retry_budget(self) -> float:
        return self._policy.budget

    @property
    def timeout(self) -> httpx.Timeout:
        return self._timeout

    def __repr__(self) -> str:
        return f"<{type(self).__name__} api_url={self.api_url!r} auth={self._auth!r}>"

    def _copy_with(
        self,
        timeout: TimeoutTypes | NotGiven,
        max_retries: int | None,
        retry_backoff: float | None,
        retry_on: Collection[int] | None,
        *,
        headers: Mapping[str, str] | None = None,
        api_url: str | None = None,
        account_id: uuid.UUID | str | None = None,
        retry_budget: float | None = None,
    ) -> Self:
        """A shallow copy with other options; the shell gives it its own httpx client.

        Tokens, ETags and (for the same `api_url`) the connection pool stay shared.
        """
        clone = copy.copy(self)
        for name in RESOURCES:  # cached namespaces send through the client they were made on
            clone.__dict__.pop(name, None)
        clone._headers = {**self._headers, **(headers or {})}
        if account_id is not None:
            clone._headers["X-Account-ID"] = str(to_uuid(account_id, "account_id"))
        if api_url is not None and normalize_api_url(api_url) != self.api_url:
            clone.api_url = normalize_api_url(api_url)
            clone._parser = None
            clone._pool = self._pool.reopen() if self._pool.reopen else self._pool
        try:
            clone._policy = self._policy.replace(
                max_retries=max_retries,
                backoff=retry_backoff,
                retry_on=None if retry_on is None else retry_on_set(retry_on),
                budget=retry_budget,
            )
        except ValueError as exc:
            raise InvalidRequestError(str(exc)) from None
        if not isinstance(timeout, NotGiven):
            clone._timeout = to_timeout(timeout)
        clone._owns_pool = clone._pool is not self._pool
        return clone

    def _options_of(
        self, call: Call[Any], options: Mapping[str, Any]
    ) -> tuple[dict[str, Any], TimeoutTypes | NotGiven, RawCapture | None]:
        """The request arguments, timeout and raw-response capture of one call.

        The URL is made absolute here: httpx parses a relative one, then parses again to join
        it to `base_url`; an absolute one is parsed once (about 10 us of a GET's client CPU,
        see benchmarks/sdk.py). `call.kwargs` itself stays relative: a pager resends it, and a
        `with_options(api_url=...)` copy sends the same calls elsewhere.
        """
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN
        capture: RawCapture | None = None
        if not options:  # the common case costs one truth test
            kwargs = dict(call.kwargs)
        else:
            kwargs, timeout = merge_options(call.operation, call.kwargs, options)
            capture = options.get(RAW_OPTION)
        url = kwargs["url"]
        if isinstance(url, str) and url.startswith("/"):
            kwargs["url"] = self.api_url + url
        return kwargs, timeout, capture

    def _parser_client(self) -> Client:
        """The generated client the endpoints' `_parse_response` is given: it raises on an
        undocumented status instead of returning None, so nothing unexpected passes silently."""
        if self._parser is None:
            from taskmaster_api import Client

            self._parser = Client(base_url=self.api_url, raise_on_unexpected_status=True)
        return self._parser

    def _finish(self, call: Call[T], response: httpx.Response) -> T:
        """What `call` returns for `response`, or the exception it raises."""
        status = response.status_code
        if 200 <= status < 300:
            parsed = self._parse(call, response)
            if call.etag and (etag := response.headers.get("ETag")):
                self._etags.remember(parsed, etag)
            if call.convert is not None:
                return stamp_request_id(call.convert(parsed, response), response)
            return stamp_request_id(parsed, response)  # type: ignore[no-any-return]
        if status == 304 and call.not_modified is not None:
            return call.not_modified  # type: ignore[no-any-return]
        raise error_from_response(response)

    def _parse(self, call: Call[Any], response: httpx.Response) -> Any:
        from taskmaster_api.errors import UnexpectedStatus

        try:
            check_constants(response.content)
            parsed = call.endpoint._parse_response(client=self._parser_client(), response=response)
        except PARSE_ERRORS as exc:
            raise APIResponseValidationError(
                f"{call.operation}: the {response.status_code} response does not match the spec "
                f"({type(exc).__name__}: {exc})",
                response=response,
            ) from exc
        except UnexpectedStatus:
            raise APIResponseValidationError(
                f"{call.operation}: status {response.status_code} is not in the spec",
                response=response,
            ) from None
        if call.model is None:
            return None
        if not isinstance(parsed, call.model):
            raise APIResponseValidationError(
                f"{call.operation}: expected a {call.model.__name__}, got {type(parsed).__name__}",
                response=response,
            )
        return parsed


class TaskMasterClient(BaseClient, GeneratedMethods, BulkMixin, SessionMixin, CustomRequestsMixin):
    """The synchronous Task Master client. Use it as a context manager, or call `close()`.

    Authenticate with `token=`, `refresh_token=`, `email=`+`password=`, the environment
    (`TASKMASTER_TOKEN`, `TASKMASTER_EMAIL`/`TASKMASTER_PASSWORD`), a `token_store`, or later
    with `authenticate()`. `transport=` replaces the network transport (an `httpx.MockTransport`,
    a `WSGITransport`...); retries and auth still wrap it. `http_client=` uses your own
    `httpx.Client` (its pool, limits, proxies, mounts and hooks; closed with this client).
    Proxies come from the environment unless `trust_env=False`; `proxy=`, `verify=` and `cert=`
    apply to REST and the WebSocket stream alike. See docs/connections.md.
    """

    _http: httpx.Client
    _is_async = False
    _http_class = httpx.Client
    _retry_class = RetryTransport

    def __init__(
        self,
        api_url: str | None = None,
        token: str | None = None,
        *,
        email: str | None = None,
        password: str | None = None,
        refresh_token: str | None = None,
        token_store: TokenStore | None = None,
        max_retries: int = 2,
        retry_backoff: float = 0.5,
        retry_on: Collection[int] = DEFAULT_RETRY_ON,
        retry_budget: float = DEFAULT_RETRY_BUDGET,
        timeout: TimeoutTypes = 30.0,
        verify_tokens: bool = True,
        jwt_issuer: str | None = "taskmaster",
        jwt_audience: str | None = "taskmaster-api",
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        verify: ssl.SSLContext | str | bool = True,
        cert: CertTypes | None = None,
        proxy: str | None = None,
        http2: bool = False,
        trust_env: bool = True,
    ) -> None:
        super().__init__(
            api_url, token, email=email, password=password, refresh_token=refresh_token,
            token_store=token_store, max_retries=max_retries, retry_backoff=retry_backoff,
            retry_on=retry_on, retry_budget=retry_budget, timeout=timeout,
            verify_tokens=verify_tokens,
            jwt_issuer=jwt_issuer, jwt_audience=jwt_audience, headers=headers,
        )  # fmt: skip
        self._open(
            transport=transport, http_client=http_client, verify=verify, cert=cert,
            proxy=proxy, http2=http2, trust_env=trust_env,
        )  # fmt: skip

    @property
    def with_raw_response(self) -> TaskMasterClientWithRawResponse:
        """The same methods, returning an `APIResponse` (status, headers, `request_id`,
        `retries_taken`, the `httpx.Response`) whose `parse()` gives the usual result."""
        from ._raw_views import TaskMasterClientWithRawResponse

        return TaskMasterClientWithRawResponse(self)

    @property
    def with_streaming_response(self) -> TaskMasterClientWithStreamingResponse:
        """The same methods as context managers over the response, its body unread until you
        read it: `with client.with_streaming_response.list_tasks() as r: r.iter_bytes()`."""
        from ._raw_views import TaskMasterClientWithStreamingResponse

        return TaskMasterClientWithStreamingResponse(self)

    @property
    def raw(self) -> Client:
        """A generated `taskmaster_api.Client` bound to this client's httpx client.

        Pass it as `client=` to any `taskmaster_api.api.<tag>.<operation>.sync_detailed(...)`.
        Do not use it as a context manager: closing is this client's job.
        """
        if self._raw is None:
            from taskmaster_api import Client

            self._raw = Client(base_url=self.api_url).set_httpx_client(self._http)
        return self._raw

    def _request(self, call: Call[T], options: Mapping[str, Any] = NO_OPTIONS) -> T:
        kwargs, timeout, capture = self._options_of(call, options)
        try:
            if capture is not None:  # with_raw_response / with_streaming_response
                response = capture.send(self._http, kwargs, timeout)
            elif isinstance(timeout, NotGiven):
                response = self._http.request(**kwargs)
            else:
                response = self._http.request(**kwargs, timeout=timeout)
        except httpx.HTTPError as exc:
            raise connection_error(exc) from exc
        return self._finish(call, response)

    def close(self) -> None:
        """Close the connection pool (a `with_options` copy only closes itself), and the
        `http_client` it was given, if any."""
        self._http.close()
        if self._owns_pool and self._pool.user_client is not None:
            self._pool.user_client.close()  # type: ignore[union-attr]

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncTaskMasterClient(
    BaseClient,
    AsyncGeneratedMethods,
    AsyncBulkMixin,
    AsyncSessionMixin,
    AsyncCustomRequestsMixin,
):
    """The asyncio Task Master client: every method of `TaskMasterClient`, awaitable.

    Use `async with`, or `await client.aclose()`, within one event loop (its connections and
    renewal lock belong to it). `transport=` takes an async transport (`httpx.ASGITransport(app)`
    serves an ASGI app in-process).
    """

    _http: httpx.AsyncClient
    _is_async = True
    _http_class = httpx.AsyncClient
    _retry_class = AsyncRetryTransport

    def __init__(
        self,
        api_url: str | None = None,
        token: str | None = None,
        *,
        email: str | None = None,
        password: str | None = None,
        refresh_token: str | None = None,
        token_store: TokenStore | None = None,
        max_retries: int = 2,
        retry_backoff: float = 0.5,
        retry_on: Collection[int] = DEFAULT_RETRY_ON,
        retry_budget: float = DEFAULT_RETRY_BUDGET,
        timeout: TimeoutTypes = 30.0,
        verify_tokens: bool = True,
        jwt_issuer: str | None = "taskmaster",
        jwt_audience: str | None = "taskmaster-api",
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        verify: ssl.SSLContext | str | bool = True,
        cert: CertTypes | None = None,
        proxy: str | None = None,
        http2: bool = False,
        trust_env: bool = True,
    ) -> None:
        super().__init__(
            api_url, token, email=email, password=password, refresh_token=refresh_token,
            token_store=token_store, max_retries=max_retries, retry_backoff=retry_backoff,
            retry_on=retry_on, retry_budget=retry_budget, timeout=timeout,
            verify_tokens=verify_tokens,
            jwt_issuer=jwt_issuer, jwt_audience=jwt_audience, headers=headers,
        )  # fmt: skip
        self._open(
            transport=transport, http_client=http_client, verify=verify, cert=cert,
            proxy=proxy, http2=http2, trust_env=trust_env,
        )  # fmt: skip

    @property
    def with_raw_response(self) -> AsyncTaskMasterClientWithRawResponse:
        """The same methods, giving an `AsyncAPIResponse` (see `TaskMasterClient`'s)."""
        from ._raw_views import AsyncTaskMasterClientWithRawResponse

        return AsyncTaskMasterClientWithRawResponse(self)

    @property
    def with_streaming_response(self) -> AsyncTaskMasterClientWithStreamingResponse:
        """The same methods as async context managers over the unread response."""
        from ._raw_views import AsyncTaskMasterClientWithStreamingResponse

        return AsyncTaskMasterClientWithStreamingResponse(self)

    @property
    def raw(self) -> Client:
        """A generated `taskmaster_api.Client` bound to this client's httpx client; pass it to
        `taskmaster_api.api.<tag>.<operation>.asyncio_detailed(...)`."""
        if self._raw is None:
            from taskmaster_api import Client

            self._raw = Client(base_url=self.api_url).set_async_httpx_client(self._http)
        return self._raw

    async def _request(self, call: Call[T], options: Mapping[str, Any] = NO_OPTIONS) -> T:
        kwargs, timeout, capture = self._options_of(call, options)
        try:
            if capture is not None:  # with_raw_response / with_streaming_response
                response = await capture.asend(self._http, kwargs, timeout)
            elif isinstance(timeout, NotGiven):
                response = await self._http.request(**kwargs)
            else:
                response = await self._http.request(**kwargs, timeout=timeout)
        except httpx.HTTPError as exc:
            raise connection_error(exc) from exc
        return self._finish(call, response)

    async def aclose(self) -> None:
        await self._http.aclose()
        if self._owns_pool and self._pool.user_client is not None:
            await self._pool.user_client.aclose()  # type: ignore[union-attr]

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
