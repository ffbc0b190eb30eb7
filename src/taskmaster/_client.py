"""`TaskMasterClient` and `AsyncTaskMasterClient`, and the `BaseClient` logic they share.

`BaseClient` does everything that needs no I/O: configuration, reading a response into a model
or an exception, `with_options` copies. The two shells only send: `_request` (one call),
`close`; `_session.py` adds the login/refresh/logout methods. The methods users call come from the
resource mixins in `_resources/` and `_bulk.py`, written once per shell around shared builders.

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

from ._base import USER_AGENT, auth_from, normalize_api_url, retry_on_set, to_timeout
from ._bulk import AsyncBulkMixin, BulkMixin
from ._call import Call, ETagCache
from ._exceptions import APIResponseValidationError, InvalidRequestError, error_from_response
from ._logs import setup_logging
from ._resources.accounts import AccountsMixin, AsyncAccountsMixin
from ._resources.events import AsyncEventsMixin, EventsMixin
from ._resources.projects import AsyncProjectsMixin, ProjectsMixin
from ._resources.subtasks import AsyncSubtasksMixin, SubtasksMixin
from ._resources.tasks import AsyncTasksMixin, TasksMixin
from ._resources.webhooks import AsyncWebhooksMixin, WebhooksMixin
from ._retry import DEFAULT_RETRY_ON, AsyncRetryTransport, RetryPolicy, RetryTransport
from ._session import AsyncSessionMixin, SessionMixin, connection_error
from ._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    import ssl

    from taskmaster_api import Client

    from ._auth import TokenAuth
    from ._tokens import TokenStore
    from ._types import TimeoutTypes

__all__ = ["AsyncTaskMasterClient", "BaseClient", "TaskMasterClient"]

T = TypeVar("T")
_PARSE_ERRORS = (ValueError, KeyError, TypeError, AttributeError)


class BaseClient:
    """Configuration and response handling shared by the sync and async clients."""

    api_url: str
    _auth: TokenAuth
    _policy: RetryPolicy
    _timeout: httpx.Timeout
    _etags: ETagCache

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
                max_retries=max_retries, backoff=retry_backoff, retry_on=retry_on_set(retry_on)
            )
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

    @property
    def max_retries(self) -> int:
        return self._policy.max_retries

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
    ) -> Self:
        """A shallow copy with other options; the shell gives it its own httpx client."""
        clone = copy.copy(self)
        clone._policy = self._policy.replace(
            max_retries=max_retries,
            backoff=retry_backoff,
            retry_on=None if retry_on is None else retry_on_set(retry_on),
        )
        if not isinstance(timeout, NotGiven):
            clone._timeout = to_timeout(timeout)
        return clone

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
                return call.convert(parsed, response)
            return parsed  # type: ignore[no-any-return]
        if status == 304 and call.not_modified is not None:
            return call.not_modified  # type: ignore[no-any-return]
        raise error_from_response(response)

    def _parse(self, call: Call[Any], response: httpx.Response) -> Any:
        try:
            parsed = call.endpoint._parse_response(client=self._parser_client(), response=response)
        except _PARSE_ERRORS as exc:
            raise APIResponseValidationError(
                f"{call.operation}: the {response.status_code} response does not match the spec "
                f"({type(exc).__name__}: {exc})",
                response=response,
            ) from exc
        except Exception as exc:  # the generated UnexpectedStatus
            if type(exc).__name__ != "UnexpectedStatus":
                raise
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


class TaskMasterClient(
    BaseClient,
    TasksMixin,
    SubtasksMixin,
    ProjectsMixin,
    AccountsMixin,
    WebhooksMixin,
    EventsMixin,
    BulkMixin,
    SessionMixin,
):
    """The synchronous Task Master client. Use it as a context manager, or call `close()`.

    Authenticate with `token=`, `refresh_token=`, `email=`+`password=`, the environment
    (`TASKMASTER_TOKEN`, `TASKMASTER_EMAIL`/`TASKMASTER_PASSWORD`), a `token_store`, or later
    with `authenticate()`. `transport=` replaces the network transport (an `httpx.MockTransport`,
    a `WSGITransport`...); retries and auth still wrap it.
    """

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
        timeout: TimeoutTypes = 30.0,
        verify_tokens: bool = True,
        jwt_issuer: str | None = "taskmaster",
        jwt_audience: str | None = "taskmaster-api",
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        verify: ssl.SSLContext | str | bool = True,
        proxy: str | None = None,
    ) -> None:
        super().__init__(
            api_url, token, email=email, password=password, refresh_token=refresh_token,
            token_store=token_store, max_retries=max_retries, retry_backoff=retry_backoff,
            retry_on=retry_on, timeout=timeout, verify_tokens=verify_tokens,
            jwt_issuer=jwt_issuer, jwt_audience=jwt_audience, headers=headers,
        )  # fmt: skip
        self._inner = transport or httpx.HTTPTransport(verify=verify, proxy=proxy)
        self._http = self._new_http(owns_inner=True)
        self._raw: Client | None = None

    def _new_http(self, *, owns_inner: bool) -> httpx.Client:
        return httpx.Client(
            base_url=self.api_url,
            auth=self._auth,
            transport=RetryTransport(self._inner, self._policy, owns_inner=owns_inner),
            headers=self._headers,
            timeout=self._timeout,
            trust_env=False,  # env proxies would be mounted beside, not inside, the retries
        )

    def with_options(
        self,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        retry_backoff: float | None = None,
        retry_on: Collection[int] | None = None,
    ) -> Self:
        """A client with other options, sharing this one's connections, tokens and ETags.

        Closing the copy leaves the pool open; closing the original closes it for both.
        """
        clone = self._copy_with(timeout, max_retries, retry_backoff, retry_on)
        clone._http = clone._new_http(owns_inner=False)
        clone._raw = None
        return clone

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

    def _request(self, call: Call[T], timeout: TimeoutTypes | NotGiven = NOT_GIVEN) -> T:
        try:
            if isinstance(timeout, NotGiven):
                response = self._http.request(**call.kwargs)
            else:
                response = self._http.request(**call.kwargs, timeout=timeout)
        except httpx.HTTPError as exc:
            raise connection_error(exc) from exc
        return self._finish(call, response)

    def close(self) -> None:
        """Close the connection pool (a `with_options` copy only closes itself)."""
        self._http.close()

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

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
    AsyncTasksMixin,
    AsyncSubtasksMixin,
    AsyncProjectsMixin,
    AsyncAccountsMixin,
    AsyncWebhooksMixin,
    AsyncEventsMixin,
    AsyncBulkMixin,
    AsyncSessionMixin,
):
    """The asyncio Task Master client: every method of `TaskMasterClient`, awaitable.

    Use `async with`, or `await client.aclose()`, within one event loop (its connections and
    renewal lock belong to it). `transport=` takes an async transport (`httpx.ASGITransport(app)`
    serves an ASGI app in-process).
    """

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
        timeout: TimeoutTypes = 30.0,
        verify_tokens: bool = True,
        jwt_issuer: str | None = "taskmaster",
        jwt_audience: str | None = "taskmaster-api",
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        verify: ssl.SSLContext | str | bool = True,
        proxy: str | None = None,
    ) -> None:
        super().__init__(
            api_url, token, email=email, password=password, refresh_token=refresh_token,
            token_store=token_store, max_retries=max_retries, retry_backoff=retry_backoff,
            retry_on=retry_on, timeout=timeout, verify_tokens=verify_tokens,
            jwt_issuer=jwt_issuer, jwt_audience=jwt_audience, headers=headers,
        )  # fmt: skip
        self._inner = transport or httpx.AsyncHTTPTransport(verify=verify, proxy=proxy)
        self._http = self._new_http(owns_inner=True)
        self._raw: Client | None = None

    def _new_http(self, *, owns_inner: bool) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.api_url,
            auth=self._auth,
            transport=AsyncRetryTransport(self._inner, self._policy, owns_inner=owns_inner),
            headers=self._headers,
            timeout=self._timeout,
            trust_env=False,
        )

    def with_options(
        self,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        retry_backoff: float | None = None,
        retry_on: Collection[int] | None = None,
    ) -> Self:
        """A client with other options sharing this one's connections, tokens and ETags."""
        clone = self._copy_with(timeout, max_retries, retry_backoff, retry_on)
        clone._http = clone._new_http(owns_inner=False)
        clone._raw = None
        return clone

    @property
    def raw(self) -> Client:
        """A generated `taskmaster_api.Client` bound to this client's httpx client; pass it to
        `taskmaster_api.api.<tag>.<operation>.asyncio_detailed(...)`."""
        if self._raw is None:
            from taskmaster_api import Client

            self._raw = Client(base_url=self.api_url).set_async_httpx_client(self._http)
        return self._raw

    async def _request(self, call: Call[T], timeout: TimeoutTypes | NotGiven = NOT_GIVEN) -> T:
        try:
            if isinstance(timeout, NotGiven):
                response = await self._http.request(**call.kwargs)
            else:
                response = await self._http.request(**call.kwargs, timeout=timeout)
        except httpx.HTTPError as exc:
            raise connection_error(exc) from exc
        return self._finish(call, response)

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
