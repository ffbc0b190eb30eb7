"""The session methods: `authenticate()`, `refresh()`, `logout()`.

Login and refresh run the same flows as the auth flow (`_auth.py`), driven here outside any
request and under the same renewal lock, so an explicit `refresh()` and 32 concurrent requests
with an expired token still make one refresh between them.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ._base import credentials_from
from ._call import AsyncRequester, Call, SyncRequester
from ._exceptions import APIConnectionError, APITimeoutError, InvalidRequestError
from ._resources._common import api_call, operation
from ._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    from taskmaster_api.models import TokenPair

    from ._auth import TokenAuth
    from ._types import TimeoutTypes

__all__ = ["AsyncSessionMixin", "SessionMixin", "connection_error"]

Flow = Generator[httpx.Request, httpx.Response, Any]


def connection_error(exc: httpx.HTTPError) -> APIConnectionError:
    """The SDK exception for an httpx error that left no response."""
    try:
        request = exc.request
    except RuntimeError:  # raised before a request existed
        request = httpx.Request("GET", "http://unknown.invalid")
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"Request timed out ({type(exc).__name__})", request=request)
    return APIConnectionError(f"{type(exc).__name__}: {exc}", request=request)


def logout_call(refresh_token: str | None) -> Call[None]:
    from taskmaster_api.models import LogoutRequest

    body = LogoutRequest() if refresh_token is None else LogoutRequest(refresh_token=refresh_token)
    result: Call[None] = api_call("auth", "logout", None, body=body)
    return result


class SessionMixin(SyncRequester):
    _auth: TokenAuth
    _http: httpx.Client

    def _drive(self, flow: Flow) -> Any:
        """Run an auth flow outside any request, holding the renewal lock."""
        with self._auth.lock:
            try:
                request = next(flow)
                while True:
                    try:
                        response = self._http.send(request, auth=None)
                    except httpx.HTTPError as exc:
                        raise connection_error(exc) from exc
                    request = flow.send(response)
            except StopIteration as stop:
                return stop.value

    @operation("login")
    def authenticate(
        self,
        credentials: Mapping[str, Any] | None = None,
        /,
        *,
        email: str | None = None,
        password: str | None = None,
        account_id: str | None = None,
    ) -> TokenPair:
        """Log in now (`{"email", "password"}` or keywords; `account_id` picks the acting
        account). The credentials are kept to log in again when the refresh token stops
        working. Raises `AuthenticationError` if they are refused."""
        creds = credentials_from(credentials, email, password, account_id)
        previous, self._auth.credentials = self._auth.credentials, creds
        try:
            self._drive(self._auth.login_flow())
        except BaseException:
            self._auth.credentials = previous
            raise
        assert self._auth.last_token_pair is not None
        return self._auth.last_token_pair

    @operation("refresh_token")
    def refresh(self) -> None:
        """Renew the access token now (with the refresh token, else the credentials)."""
        if not self._auth.can_renew():
            raise InvalidRequestError("refresh() needs a refresh token or credentials")
        self._drive(self._auth.renew_flow())

    @operation("logout")
    def logout(
        self, *, all_sessions: bool = False, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> None:
        """Revoke this session's refresh token (with `all_sessions=True`, every session of the
        user), then forget the tokens and credentials."""
        refresh = self._auth.tokens.refresh_token
        if all_sessions or refresh is not None:
            self._request(logout_call(None if all_sessions else refresh), timeout)
        self._auth.clear()
        self._auth.credentials = None


class AsyncSessionMixin(AsyncRequester):
    _auth: TokenAuth
    _http: httpx.AsyncClient

    async def _drive(self, flow: Flow) -> Any:
        async with self._auth.async_lock():
            try:
                request = next(flow)
                while True:
                    try:
                        response = await self._http.send(request, auth=None)
                    except httpx.HTTPError as exc:
                        raise connection_error(exc) from exc
                    request = flow.send(response)
            except StopIteration as stop:
                return stop.value

    @operation("login")
    async def authenticate(
        self,
        credentials: Mapping[str, Any] | None = None,
        /,
        *,
        email: str | None = None,
        password: str | None = None,
        account_id: str | None = None,
    ) -> TokenPair:
        creds = credentials_from(credentials, email, password, account_id)
        previous, self._auth.credentials = self._auth.credentials, creds
        try:
            await self._drive(self._auth.login_flow())
        except BaseException:
            self._auth.credentials = previous
            raise
        assert self._auth.last_token_pair is not None
        return self._auth.last_token_pair

    @operation("refresh_token")
    async def refresh(self) -> None:
        if not self._auth.can_renew():
            raise InvalidRequestError("refresh() needs a refresh token or credentials")
        await self._drive(self._auth.renew_flow())

    @operation("logout")
    async def logout(
        self, *, all_sessions: bool = False, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> None:
        refresh = self._auth.tokens.refresh_token
        if all_sessions or refresh is not None:
            await self._request(logout_call(None if all_sessions else refresh), timeout)
        self._auth.clear()
        self._auth.credentials = None
