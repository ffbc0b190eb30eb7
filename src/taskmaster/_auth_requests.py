"""The requests the auth flow makes on its own (login, refresh, JWKS) and reading their answers.

The generated endpoint modules build them, as they build every other request; they are sent by
the flow that yields them, so they go through the client's transport (retries, deadline,
logging) but not through the auth flow again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from ._base import to_timeout
from ._exceptions import APIResponseValidationError
from ._json import PARSE_ERRORS, loads
from ._options import NO_OPTIONS, RAW_OPTION, merge_options
from ._types import NotGiven

if TYPE_CHECKING:
    from collections.abc import Mapping

    from taskmaster_api.models import TokenPair

    from ._auth import Credentials

__all__ = ["AuthRequests", "json_or_none", "record_raw", "token_pair"]


@dataclass(frozen=True, slots=True)
class AuthRequests:
    """Builds the auth flow's requests with the client's base URL, headers and timeout.

    `options` are the per-call options of `authenticate()`/`refresh()` (see `_options.py`),
    laid over the login and refresh requests by the same `merge_options` as every other call;
    the JWKS request a renewal may add is the SDK's own and gets none of them.
    """

    api_url: str
    headers: dict[str, str]
    timeout: dict[str, float | None]

    def login(
        self, credentials: Credentials, options: Mapping[str, Any] = NO_OPTIONS
    ) -> httpx.Request:
        from taskmaster_api.api.auth import login
        from taskmaster_api.models import LoginRequest
        from taskmaster_api.types import UNSET

        account = UNSET if credentials.account_id is None else uuid.UUID(credentials.account_id)
        body = LoginRequest(
            email=credentials.email, password=credentials.password, account_id=account
        )
        return self._build(login._get_kwargs(body=body), "login", options)

    def refresh(self, refresh_token: str, options: Mapping[str, Any] = NO_OPTIONS) -> httpx.Request:
        from taskmaster_api.api.auth import refresh_token as refresh_endpoint
        from taskmaster_api.models import RefreshRequest

        body = RefreshRequest(refresh_token=refresh_token)
        return self._build(refresh_endpoint._get_kwargs(body=body), "refresh_token", options)

    def jwks(self) -> httpx.Request:
        from taskmaster_api.api.auth import get_jwks

        return self._build(get_jwks._get_kwargs(), "get_jwks", NO_OPTIONS)

    def _build(
        self, kwargs: dict[str, Any], operation: str, options: Mapping[str, Any]
    ) -> httpx.Request:
        timeout = self.timeout
        if options:
            kwargs, given = merge_options(operation, kwargs, options)
            if not isinstance(given, NotGiven):
                timeout = to_timeout(given).as_dict()
        return httpx.Request(
            kwargs["method"].upper(),
            self.api_url + kwargs["url"],
            headers={**self.headers, **kwargs.get("headers", {})},
            params=kwargs.get("params"),
            json=kwargs.get("json"),
            extensions={"timeout": timeout},
        )


def record_raw(options: Mapping[str, Any], response: httpx.Response) -> None:
    """Give `with_raw_response` the answer that produced the tokens (see `_response.py`)."""
    capture = options.get(RAW_OPTION)
    if capture is not None:
        capture.record(response)


def json_or_none(response: httpx.Response) -> Any:
    try:
        return loads(response.content)
    except ValueError:
        return None


def token_pair(response: httpx.Response) -> TokenPair:
    """The `TokenPair` of a login/refresh answer; `APIResponseValidationError` if it is not one."""
    from taskmaster_api.models import TokenPair

    try:
        return TokenPair.from_dict(loads(response.content))
    except PARSE_ERRORS as exc:
        raise APIResponseValidationError(
            f"The token response does not match the spec: {type(exc).__name__}: {exc}",
            response=response,
        ) from exc
