"""The clients' cookie jar: one that reads a response only when it sets a cookie.

httpx hands every response to its cookie jar, and the standard library's jar first copies all of
the response's headers into an `email.message.Message` to look for `Set-Cookie`: about a twentieth
of a `get_task`'s client CPU (benchmarks/sdk.py). The API sets no cookies; a gateway or load
balancer in front of it may (sticky sessions), and those are still kept and sent back.
"""

from __future__ import annotations

from http.cookiejar import CookieJar
from typing import Any

__all__ = ["SetCookieJar"]

_SETS_COOKIES = ("set-cookie", "set-cookie2")


class SetCookieJar(CookieJar):
    def extract_cookies(self, response: Any, request: Any) -> None:
        # httpx passes a wrapper whose `.response` is the httpx.Response; anything else (or a
        # later httpx without it) goes the standard way.
        wrapped = getattr(response, "response", None)
        headers = getattr(wrapped, "headers", None)
        if headers is not None and not any(name in headers for name in _SETS_COOKIES):
            return
        super().extract_cookies(response, request)
