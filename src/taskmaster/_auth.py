"""`TokenAuth`: the httpx auth flow that logs in, refreshes and attaches the access token.

Being an `httpx.Auth`, it runs for every request of the client's httpx client, so the raw
generated endpoints are authenticated the same way as the high-level methods.

Per request:

1. If there is no access token, or it expires within `refresh_margin` seconds, renew it first
   (proactive): refresh with the refresh token; if that is refused and credentials are known,
   log in again. A token nobody has checked yet (one passed in, or loaded from a store) is
   checked against the server's JWKS once (see `_jwt.py`).
2. Send the request with `Authorization: Bearer <access token>`.
3. On a 401, renew once and send the request again (reactive) - unless another caller already
   renewed the token this request used, in which case just resend with the new one.

Renewals are single-flight: one `threading.Lock` (sync clients) or `asyncio.Lock` (async
clients) per auth object, and a re-check under the lock, so 32 callers holding an expired
token cause one refresh. The login/refresh/JWKS requests are yielded from the flow, so they go
through the same transport (retries, timeouts, logging) but not through this flow again.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import AsyncGenerator, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from ._exceptions import (
    APIResponseValidationError,
    AuthenticationError,
    _problem_of,
    error_from_response,
)
from ._jwt import TokenCheck, TokenVerifier, unverified_claims
from ._logs import logger
from ._tokens import MemoryTokenStore, TokenSet, TokenStore

if TYPE_CHECKING:
    from taskmaster_api.models import TokenPair

__all__ = ["Credentials", "TokenAuth"]

Flow = Generator[httpx.Request, httpx.Response, Any]


@dataclass(frozen=True, slots=True)
class Credentials:
    """An email and password to log in (again) with; `account_id` picks the acting account."""

    email: str
    password: str = field(repr=False)
    account_id: str | None = None


class TokenAuth(httpx.Auth):
    """Bearer-token auth with proactive and reactive renewal. See the module docstring."""

    def __init__(
        self,
        api_url: str,
        *,
        tokens: TokenSet | None = None,
        credentials: Credentials | None = None,
        store: TokenStore | None = None,
        verifier: TokenVerifier | None = None,
        refresh_margin: float = 30.0,
        headers: dict[str, str] | None = None,
        timeout: httpx.Timeout | None = None,
    ) -> None:
        self.api_url = api_url
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        self.credentials = credentials
        self.verifier = verifier
        self.refresh_margin = refresh_margin
        self._headers = dict(headers or {})
        self._timeout = (timeout or httpx.Timeout(30.0)).as_dict()
        self._lock = threading.Lock()
        self._alock: asyncio.Lock | None = None
        self._checked: str | None = None  # the access token already checked
        self._lifetime = float("inf")  # of the last token this client obtained, in seconds
        self.tokens = tokens or self.store.load(api_url) or TokenSet()
        if self.tokens.access_token and self.tokens.expires_at is None:
            claims = unverified_claims(self.tokens.access_token) or {}
            exp = claims.get("exp")
            if isinstance(exp, int | float):
                self.tokens = _replace(self.tokens, expires_at=float(exp))
        self.last_token_pair: TokenPair | None = None

    def __repr__(self) -> str:
        who = (
            f"credentials for {self.credentials.email!r}" if self.credentials else "no credentials"
        )
        have = [n for n in ("access_token", "refresh_token") if getattr(self.tokens, n)]
        return f"<TokenAuth {self.api_url} tokens={have} {who}>"

    # -- decisions (pure, no I/O) ---------------------------------------------------------------

    def can_renew(self) -> bool:
        return bool(self.tokens.refresh_token or self.credentials)

    def _expiring(self, now: float) -> bool:
        exp = self.tokens.expires_at
        # A token living less than 4 margins (a 2 s test token) renews at 3/4 of its life,
        # not before every request.
        margin = min(self.refresh_margin, self._lifetime / 4)
        return exp is not None and now >= exp - margin

    def _expired(self, now: float) -> bool:
        exp = self.tokens.expires_at
        return exp is not None and now >= exp

    def needs_preparing(self) -> bool:
        """True if the token must be obtained, renewed or checked before the next request."""
        access = self.tokens.access_token
        if access is None or self._expiring(time.time()):
            return self.can_renew()
        return self.verifier is not None and access != self._checked

    # -- flows: generators yielding requests and receiving responses that were read ------------

    def prepare_flow(self) -> Flow:
        """Obtain, renew or check the access token, as `needs_preparing()` found necessary."""
        access = self.tokens.access_token
        if access is None or self._expiring(time.time()):
            if self.can_renew():
                yield from self.renew_flow(proactive=access is not None)
            return
        check = yield from self._check_flow(access)
        self._checked = access
        if check.expires_at is not None and check.expires_at != self.tokens.expires_at:
            self.tokens = _replace(self.tokens, expires_at=check.expires_at)
        if self._expiring(time.time()) and self.can_renew():
            yield from self.renew_flow(proactive=True)

    def renew_flow(self, *, proactive: bool = False) -> Flow:
        """Refresh; if refused, log in again with known credentials; else raise."""
        refused: httpx.Response | None = None
        if self.tokens.refresh_token:
            logger.info("refreshing the access token (%s)", "proactive" if proactive else "on 401")
            response = yield self._request("refresh_token", self.tokens.refresh_token)
            if response.status_code == 200:
                yield from self._install_flow(response)
                return
            if response.status_code >= 500 or response.status_code == 429:
                if proactive and not self._expired(time.time()):
                    logger.warning(
                        "token refresh failed (%d); using the current token", response.status_code
                    )
                    return
                raise error_from_response(response)
            refused = response
            self.tokens = _replace(self.tokens, refresh_token=None)
        if self.credentials is not None:
            yield from self.login_flow()
            return
        if refused is not None:
            self.clear()
            raise AuthenticationError(
                "The refresh token was refused and no credentials are known to log in again "
                f"({refused.status_code})",
                response=refused,
                problem=_problem_of(refused),
            )

    def login_flow(self) -> Flow:
        """Log in with `credentials`; raises `AuthenticationError` if they are refused."""
        if self.credentials is None:
            raise RuntimeError("login_flow() needs credentials")
        logger.info("logging in as %s", self.credentials.email)
        response = yield self._request("login", self.credentials)
        if response.status_code != 200:
            raise error_from_response(response)
        yield from self._install_flow(response)

    def _install_flow(self, response: httpx.Response) -> Flow:
        pair = _token_pair(response)
        check = yield from self._check_flow(pair.access_token)
        expires_at = check.expires_at or pair.expires_at.timestamp()
        self._lifetime = max(0.0, expires_at - time.time())
        self.tokens = TokenSet(
            access_token=pair.access_token,
            refresh_token=pair.refresh_token,
            expires_at=expires_at,
            account_id=str(pair.account_id),
        )
        self._checked = pair.access_token
        self.last_token_pair = pair
        self.store.save(self.api_url, self.tokens)

    def _check_flow(self, token: str) -> Generator[httpx.Request, httpx.Response, TokenCheck]:
        if self.verifier is None:
            claims = unverified_claims(token) or {}
            exp = claims.get("exp")
            return TokenCheck(float(exp) if isinstance(exp, int | float) else None, False)
        keys = True
        if self.verifier.needs_keys(token):
            response = yield self._request("get_jwks", None)
            keys = response.status_code == 200 and self.verifier.feed(_json_or_none(response))
            if not keys:
                logger.debug("JWKS unavailable (%d): checking claims only", response.status_code)
        check = self.verifier.check(token, keys_available=keys)
        if check.problem is not None:
            logger.warning("access token did not pass the client's check: %s", check.problem)
        return check

    def clear(self) -> None:
        """Forget the tokens, here and in the store (credentials, if any, are kept)."""
        self.tokens = TokenSet()
        self._checked = None
        self.store.clear(self.api_url)

    def _request(self, operation: str, arg: Any) -> httpx.Request:
        """The login / refresh / JWKS request, built by the generated endpoint module."""
        from taskmaster_api.api.auth import get_jwks, login, refresh_token
        from taskmaster_api.models import LoginRequest, RefreshRequest
        from taskmaster_api.types import UNSET

        if operation == "login":
            account = UNSET if arg.account_id is None else uuid.UUID(arg.account_id)
            body = LoginRequest(email=arg.email, password=arg.password, account_id=account)
            kwargs = login._get_kwargs(body=body)
        elif operation == "refresh_token":
            kwargs = refresh_token._get_kwargs(body=RefreshRequest(refresh_token=arg))
        else:
            kwargs = get_jwks._get_kwargs()
        headers = {**self._headers, **kwargs.get("headers", {})}
        json_body = kwargs.get("json", UNSET)
        return httpx.Request(
            kwargs["method"].upper(),
            self.api_url + kwargs["url"],
            headers=headers,
            json=None if json_body is UNSET else json_body,
            extensions={"timeout": self._timeout},
        )

    # -- httpx hooks ------------------------------------------------------------------------------

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        if self.needs_preparing():
            with self._lock:
                if self.needs_preparing():
                    yield from _drive(self.prepare_flow())
        token = self._authorize(request)
        response = yield request
        if response.status_code == 401 and self.can_renew():
            with self._lock:
                if self.tokens.access_token == token:
                    yield from _drive(self.renew_flow())
            self._authorize(request)
            yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self.needs_preparing():
            async with self.async_lock():
                if self.needs_preparing():
                    flow = self.prepare_flow()
                    try:
                        step = next(flow)
                        while True:
                            response = yield step
                            await response.aread()
                            step = flow.send(response)
                    except StopIteration:
                        pass
        token = self._authorize(request)
        response = yield request
        if response.status_code == 401 and self.can_renew():
            async with self.async_lock():
                if self.tokens.access_token == token:
                    flow = self.renew_flow()
                    try:
                        step = next(flow)
                        while True:
                            renewal = yield step
                            await renewal.aread()
                            step = flow.send(renewal)
                    except StopIteration:
                        pass
            self._authorize(request)
            yield request

    def _authorize(self, request: httpx.Request) -> str | None:
        token = self.tokens.access_token
        if token is not None:
            request.headers["Authorization"] = f"Bearer {token}"
        return token

    @property
    def lock(self) -> threading.Lock:
        return self._lock

    def async_lock(self) -> asyncio.Lock:
        if self._alock is None:
            self._alock = asyncio.Lock()
        return self._alock


def _drive(flow: Flow) -> Flow:
    """Run a flow inside a sync auth flow, reading each response before handing it back."""
    try:
        step = next(flow)
        while True:
            response = yield step
            response.read()
            step = flow.send(response)
    except StopIteration as stop:
        return stop.value


def _replace(tokens: TokenSet, **changes: Any) -> TokenSet:
    return TokenSet(**{**tokens.to_json(), **changes})


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _token_pair(response: httpx.Response) -> TokenPair:
    from taskmaster_api.models import TokenPair

    try:
        return TokenPair.from_dict(response.json())
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise APIResponseValidationError(
            f"The token response does not match the spec: {type(exc).__name__}: {exc}",
            response=response,
        ) from exc
