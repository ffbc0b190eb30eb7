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

Renewals are single-flight: one `threading.Lock` (sync clients) or `anyio.Lock` (async
clients) per auth object, and a re-check under the lock, so 32 callers holding an expired
token cause one refresh. `renewing`/`arenewing` are the only code that takes that lock and
drives a flow; the session methods and the event stream go through `run`/`arun`, so an
explicit `refresh()`, a stream reconnecting after 4401 and REST calls share one renewal. The login/refresh/JWKS requests are yielded from the flow, so they go
through the same transport (retries, timeouts, logging) but not through this flow again.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import (
    AsyncGenerator,
    Awaitable,
    Callable,
    Generator,
    Mapping,
)
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from ._auth_requests import AuthRequests, json_or_none, record_raw, token_pair
from ._exceptions import AuthenticationError, InvalidRequestError, _problem_of, error_from_response
from ._jwt import TokenCheck, TokenVerifier, unverified_claims
from ._logs import logger
from ._options import NO_OPTIONS
from ._params import to_uuid
from ._tokens import MemoryTokenStore, TokenSet, TokenStore

if TYPE_CHECKING:
    import anyio

    from taskmaster_api.models import TokenPair

__all__ = ["Credentials", "TokenAuth", "auth_from", "credentials_from"]

ENV_TOKEN = "TASKMASTER_TOKEN"
ENV_REFRESH_TOKEN = "TASKMASTER_REFRESH_TOKEN"
ENV_EMAIL = "TASKMASTER_EMAIL"
ENV_PASSWORD = "TASKMASTER_PASSWORD"

Flow = Generator[httpx.Request, httpx.Response, Any]


def _always() -> bool:
    return True


_loop_warned = threading.Event()


def _loop_running() -> bool:
    # No asyncio imported, no loop running: a sync program never imports it for this check.
    asyncio = sys.modules.get("asyncio")
    return asyncio is not None and asyncio._get_running_loop() is not None


def _warn_sync_in_loop() -> None:
    """Once per process: a sync client blocks the event loop it is called from."""
    _loop_warned.set()
    logger.warning(
        "TaskMasterClient was called inside a running event loop: each call blocks the loop "
        "until the server answers. Use AsyncTaskMasterClient (await client.method(...)) in "
        "async code."
    )


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
        self._requests = AuthRequests(
            api_url, dict(headers or {}), (timeout or httpx.Timeout(30.0)).as_dict()
        )
        self._lock = threading.Lock()
        self._alock: anyio.Lock | None = None
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

    def renew_flow(
        self, *, proactive: bool = False, options: Mapping[str, Any] = NO_OPTIONS
    ) -> Flow:
        """Refresh; if refused, log in again with known credentials; else raise.

        `options` (an explicit `refresh()`'s per-call options) go on its refresh and login.
        """
        refused: httpx.Response | None = None
        if self.tokens.refresh_token:
            logger.info("refreshing the access token (%s)", "proactive" if proactive else "on 401")
            response = yield self._requests.refresh(self.tokens.refresh_token, options)
            if response.status_code == 200:
                yield from self._install_flow(response, options)
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
            yield from self.login_flow(options)
            return
        if refused is not None:
            self.clear()
            raise AuthenticationError(
                "The refresh token was refused and no credentials are known to log in again "
                f"({refused.status_code})",
                response=refused,
                problem=_problem_of(refused),
            )

    def login_flow(self, options: Mapping[str, Any] = NO_OPTIONS) -> Flow:
        """Log in with `credentials`; raises `AuthenticationError` if they are refused."""
        if self.credentials is None:
            raise RuntimeError("login_flow() needs credentials")
        logger.info("logging in as %s", self.credentials.email)
        response = yield self._requests.login(self.credentials, options)
        if response.status_code != 200:
            raise error_from_response(response)
        yield from self._install_flow(response, options)

    def _install_flow(self, response: httpx.Response, options: Mapping[str, Any]) -> Flow:
        # The raw response is the one whose tokens are kept: after a refused refresh, the login's.
        record_raw(options, response)
        pair = token_pair(response)
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
            response = yield self._requests.jwks()
            keys = response.status_code == 200 and self.verifier.feed(json_or_none(response))
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

    # -- single-flight renewal: the only code that takes the lock and drives a flow -------------

    def renewing(self, flow: Callable[[], Flow], needed: Callable[[], bool] = _always) -> Flow:
        """Sync: run `flow()` under the renewal lock if `needed()` holds before and under it.

        A generator of the flow's requests, receiving each response (read here): `yield from`
        it inside an httpx auth flow, or drive it with `run` outside any request.
        """
        if not needed():
            return
        with self._lock:
            if not needed():
                return
            steps = flow()
            try:
                request = next(steps)
                while True:
                    response = yield request
                    response.read()
                    request = steps.send(response)
            except StopIteration:
                return

    async def arenewing(
        self,
        flow: Callable[[], Flow],
        needed: Callable[[], bool],
        responses: list[httpx.Response],
    ) -> AsyncGenerator[httpx.Request, None]:
        """Async twin of `renewing`, with the anyio lock. An async generator cannot receive
        values through `async for`, so the caller appends each request's response to
        `responses` before asking for the next request. Close it (`aclosing`) to release the
        lock when the caller stops early."""
        if not needed():
            return
        async with self.async_lock():
            if not needed():
                return
            steps = flow()
            try:
                request = next(steps)
                while True:
                    yield request
                    response = responses.pop()
                    await response.aread()
                    request = steps.send(response)
            except StopIteration:
                return

    def run(
        self,
        send: Callable[[httpx.Request], httpx.Response],
        flow: Callable[[], Flow],
        needed: Callable[[], bool] = _always,
    ) -> None:
        """Renew outside any request (a session method, the event stream): `send` each request
        the flow makes, under the lock, single-flight with every request's own renewal."""
        steps = self.renewing(flow, needed)
        try:
            request = next(steps)
            while True:
                request = steps.send(send(request))
        except StopIteration:
            return
        finally:
            steps.close()

    async def arun(
        self,
        send: Callable[[httpx.Request], Awaitable[httpx.Response]],
        flow: Callable[[], Flow],
        needed: Callable[[], bool] = _always,
    ) -> None:
        """Async twin of `run`."""
        responses: list[httpx.Response] = []
        async with aclosing(self.arenewing(flow, needed, responses)) as steps:
            async for request in steps:
                responses.append(await send(request))

    def unchanged(self, token: str | None) -> Callable[[], bool]:
        """`needed` for a renewal after a 401 on `token`: renew unless another caller already
        replaced that token (then resending with the new one is enough)."""
        return lambda: self.tokens.access_token == token

    # -- httpx hooks ------------------------------------------------------------------------------

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        if not _loop_warned.is_set() and _loop_running():
            _warn_sync_in_loop()
        if self.needs_preparing():  # a valid token skips building the renewal generator
            yield from self.renewing(self.prepare_flow, self.needs_preparing)
        token = self._authorize(request)
        response = yield request
        if response.status_code == 401 and self.can_renew():
            yield from self.renewing(self.renew_flow, self.unchanged(token))
            self._authorize(request)
            yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        responses: list[httpx.Response] = []
        prepare = self.arenewing(self.prepare_flow, self.needs_preparing, responses)
        async with aclosing(prepare) as steps:
            async for step in steps:
                responses.append((yield step))
        token = self._authorize(request)
        response = yield request
        if response.status_code == 401 and self.can_renew():
            renew = self.arenewing(self.renew_flow, self.unchanged(token), responses)
            async with aclosing(renew) as steps:
                async for step in steps:
                    responses.append((yield step))
            self._authorize(request)
            yield request

    def _authorize(self, request: httpx.Request) -> str | None:
        token = self.tokens.access_token
        if token is not None:
            request.headers["Authorization"] = f"Bearer {token}"
        return token

    @property
    def access_token(self) -> str | None:
        return self.tokens.access_token

    def async_lock(self) -> anyio.Lock:
        if self._alock is None:
            import anyio  # not asyncio's: the async client runs under trio as well

            self._alock = anyio.Lock()
        return self._alock


def _replace(tokens: TokenSet, **changes: Any) -> TokenSet:
    return TokenSet(**{**tokens.to_json(), **changes})


def auth_from(
    api_url: str,
    *,
    token: str | None,
    refresh_token: str | None,
    email: str | None,
    password: str | None,
    token_store: TokenStore | None,
    verify_tokens: bool,
    jwt_issuer: str | None,
    jwt_audience: str | None,
    headers: dict[str, str],
    timeout: httpx.Timeout,
) -> TokenAuth:
    """The auth flow for the arguments given, or, if none was, for the environment.

    Explicit arguments win as a whole: a token passed in is not mixed with credentials from
    `TASKMASTER_EMAIL`/`TASKMASTER_PASSWORD`. With neither, the token store is consulted.
    """
    if all(v is None for v in (token, refresh_token, email, password)):
        env = os.environ
        token, refresh_token = env.get(ENV_TOKEN) or None, env.get(ENV_REFRESH_TOKEN) or None
        email, password = env.get(ENV_EMAIL) or None, env.get(ENV_PASSWORD) or None
    if (email is None) != (password is None):
        raise InvalidRequestError("email and password must be given together")
    tokens = TokenSet(token, refresh_token) if token or refresh_token else None
    credentials = Credentials(email, password) if email and password else None
    verifier = (
        TokenVerifier(api_url + "/auth/jwks", issuer=jwt_issuer, audience=jwt_audience)
        if verify_tokens
        else None
    )
    return TokenAuth(
        api_url,
        tokens=tokens,
        credentials=credentials,
        store=token_store,
        verifier=verifier,
        headers=headers,
        timeout=timeout,
    )


def credentials_from(
    credentials: Mapping[str, Any] | None,
    email: str | None,
    password: str | None,
    account_id: Any,
) -> Credentials:
    """`authenticate()`'s arguments: a `{"email", "password"[, "account_id"]}` dict or keywords."""
    data = dict(credentials or {})
    unknown = set(data) - {"email", "password", "account_id"}
    if unknown:
        raise InvalidRequestError(f"authenticate: unknown field(s) {sorted(unknown)}")
    email = email if email is not None else data.get("email")
    password = password if password is not None else data.get("password")
    account_id = account_id if account_id is not None else data.get("account_id")
    if not isinstance(email, str) or not isinstance(password, str):
        raise InvalidRequestError("authenticate: an email and a password are required")
    account = None if account_id is None else str(to_uuid(account_id, "account_id"))
    return Credentials(email, password, account)
