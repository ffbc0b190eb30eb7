"""Configuration the two clients share, read without I/O: URL, env, auth inputs, timeouts."""

from __future__ import annotations

import os
import sys
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ._auth import Credentials, TokenAuth
from ._exceptions import InvalidRequestError
from ._jwt import TokenVerifier
from ._params import to_uuid
from ._tokens import TokenSet, TokenStore
from ._version import __version__

if TYPE_CHECKING:
    from ._types import TimeoutTypes

__all__ = ["USER_AGENT", "auth_from", "normalize_api_url", "to_timeout"]

API_PREFIX = "/api/v1"
USER_AGENT = (
    f"taskmaster-python/{__version__} "
    f"python/{'.'.join(map(str, sys.version_info[:3]))} httpx/{httpx.__version__}"
)
ENV_API_URL = "TASKMASTER_API_URL"
ENV_TOKEN = "TASKMASTER_TOKEN"
ENV_REFRESH_TOKEN = "TASKMASTER_REFRESH_TOKEN"
ENV_EMAIL = "TASKMASTER_EMAIL"
ENV_PASSWORD = "TASKMASTER_PASSWORD"


def normalize_api_url(api_url: str | None) -> str:
    """The API's base URL, ending in the API prefix and without a trailing slash.

    `http://host:8000` becomes `http://host:8000/api/v1`; a URL with a path is kept as given.
    Falls back to `TASKMASTER_API_URL`.
    """
    api_url = api_url or os.environ.get(ENV_API_URL)
    if not api_url:
        raise InvalidRequestError(f"api_url is required (or set {ENV_API_URL})")
    try:
        url = httpx.URL(api_url)
    except httpx.InvalidURL as exc:
        raise InvalidRequestError(f"api_url {api_url!r} is not a URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidRequestError(f"api_url must be an absolute http(s) URL, got {api_url!r}")
    path = url.path.rstrip("/")
    if not path:
        path = API_PREFIX
    return str(url.copy_with(path=path, query=None, fragment=None))


def to_timeout(timeout: TimeoutTypes) -> httpx.Timeout:
    if isinstance(timeout, httpx.Timeout):
        return timeout
    return httpx.Timeout(timeout)


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


def retry_on_set(retry_on: Collection[int]) -> frozenset[int]:
    statuses = frozenset(retry_on)
    if not all(isinstance(s, int) and 400 <= s <= 599 for s in statuses):
        raise InvalidRequestError("retry_on must hold HTTP error statuses (400-599)")
    return statuses
