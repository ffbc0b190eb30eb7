"""The session methods: `authenticate()`, `refresh()`, `logout()`.

Login and refresh run the same flows as the auth flow (`_auth.py`), driven here outside any
request and under the same renewal lock, so an explicit `refresh()` and 32 concurrent requests
with an expired token still make one refresh between them. Their per-call options (and
`with_raw_response`'s capture) travel with the flow to the requests it builds (`_auth_requests`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

import httpx

from ._auth import credentials_from
from ._call import AsyncRequester, Call, SyncRequester, make_call
from ._connection_errors import connection_error
from ._exceptions import InvalidRequestError
from ._resources._common import operation

if TYPE_CHECKING:
    from typing import Unpack

    from taskmaster_api.models import TokenPair

    from ._auth import TokenAuth
    from ._options import WriteOptions

__all__ = ["AsyncSessionMixin", "SessionMixin"]


def logout_call(refresh_token: str | None) -> Call[None]:
    from taskmaster_api.api.auth import logout
    from taskmaster_api.models import LogoutRequest

    body = LogoutRequest() if refresh_token is None else LogoutRequest(refresh_token=refresh_token)
    return make_call(logout, None, body=body)


class SessionMixin(SyncRequester):
    _auth: TokenAuth
    _http: httpx.Client

    @property
    def token(self) -> str | None:
        """The current access token (None before login). It follows every renewal, including
        the ones the client makes on its own; do not keep a copy."""
        return self._auth.tokens.access_token

    def _send_unauthenticated(self, request: httpx.Request) -> httpx.Response:
        """How the renewal flows' own requests are sent: through the transport, not the auth."""
        try:
            return self._http.send(request, auth=None)
        except httpx.HTTPError as exc:
            raise connection_error(exc) from exc

    @operation("login")
    def authenticate(
        self,
        credentials: Mapping[str, Any] | None = None,
        /,
        *,
        email: str | None = None,
        password: str | None = None,
        account_id: str | None = None,
        **options: Unpack[WriteOptions],
    ) -> TokenPair:
        """Log in now (`{"email", "password"}` or keywords; `account_id` picks the acting
        account). The credentials are kept to log in again when the refresh token stops
        working. Raises `AuthenticationError` if they are refused. The per-call options
        (`extra_headers=`, `timeout=`...) go on the login request."""
        creds = credentials_from(credentials, email, password, account_id)
        previous, self._auth.credentials = self._auth.credentials, creds
        try:
            self._auth.run(self._send_unauthenticated, partial(self._auth.login_flow, options))
        except BaseException:
            self._auth.credentials = previous
            raise
        assert self._auth.last_token_pair is not None
        return self._auth.last_token_pair

    @operation("refresh_token")
    def refresh(self, **options: Unpack[WriteOptions]) -> None:
        """Renew the access token now (with the refresh token, else the credentials)."""
        if not self._auth.can_renew():
            raise InvalidRequestError("refresh() needs a refresh token or credentials")
        self._auth.run(self._send_unauthenticated, partial(self._auth.renew_flow, options=options))

    @operation("logout")
    def logout(self, *, all_sessions: bool = False, **options: Unpack[WriteOptions]) -> None:
        """Revoke this session's refresh token (with `all_sessions=True`, every session of the
        user), then forget the tokens and credentials."""
        refresh = self._auth.tokens.refresh_token
        if all_sessions or refresh is not None:
            self._request(logout_call(None if all_sessions else refresh), options)
        self._auth.clear()
        self._auth.credentials = None


class AsyncSessionMixin(AsyncRequester):
    _auth: TokenAuth
    _http: httpx.AsyncClient

    @property
    def token(self) -> str | None:
        """The current access token (None before login), kept current across renewals."""
        return self._auth.tokens.access_token

    async def _send_unauthenticated(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._http.send(request, auth=None)
        except httpx.HTTPError as exc:
            raise connection_error(exc) from exc

    @operation("login")
    async def authenticate(
        self,
        credentials: Mapping[str, Any] | None = None,
        /,
        *,
        email: str | None = None,
        password: str | None = None,
        account_id: str | None = None,
        **options: Unpack[WriteOptions],
    ) -> TokenPair:
        creds = credentials_from(credentials, email, password, account_id)
        previous, self._auth.credentials = self._auth.credentials, creds
        try:
            await self._auth.arun(
                self._send_unauthenticated, partial(self._auth.login_flow, options)
            )
        except BaseException:
            self._auth.credentials = previous
            raise
        assert self._auth.last_token_pair is not None
        return self._auth.last_token_pair

    @operation("refresh_token")
    async def refresh(self, **options: Unpack[WriteOptions]) -> None:
        if not self._auth.can_renew():
            raise InvalidRequestError("refresh() needs a refresh token or credentials")
        await self._auth.arun(
            self._send_unauthenticated, partial(self._auth.renew_flow, options=options)
        )

    @operation("logout")
    async def logout(self, *, all_sessions: bool = False, **options: Unpack[WriteOptions]) -> None:
        refresh = self._auth.tokens.refresh_token
        if all_sessions or refresh is not None:
            await self._request(logout_call(None if all_sessions else refresh), options)
        self._auth.clear()
        self._auth.credentials = None
