"""Configuration the two clients share, read without I/O: URL, env, timeouts, retry statuses.

The auth inputs (`auth_from`, `credentials_from`) live beside `TokenAuth` in `_auth.py`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Collection
from typing import TYPE_CHECKING

import httpx

from ._exceptions import InvalidRequestError
from ._version import __version__

if TYPE_CHECKING:
    from ._types import TimeoutTypes

__all__ = ["USER_AGENT", "normalize_api_url", "retry_on_set", "to_timeout"]

API_PREFIX = "/api/v1"
USER_AGENT = (
    f"taskmaster-python/{__version__} "
    f"python/{'.'.join(map(str, sys.version_info[:3]))} httpx/{httpx.__version__}"
)
ENV_API_URL = "TASKMASTER_API_URL"


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


def retry_on_set(retry_on: Collection[int]) -> frozenset[int]:
    statuses = frozenset(retry_on)
    if not all(isinstance(s, int) and 400 <= s <= 599 for s in statuses):
        raise InvalidRequestError("retry_on must hold HTTP error statuses (400-599)")
    return statuses
