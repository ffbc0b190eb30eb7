"""When to retry and how long to wait (`RetryPolicy`, pure), and the transports that do it.

The retrying transports wrap any httpx transport, so every request made through the client's
httpx client is covered: the high-level methods, the raw generated endpoints (`client.raw`),
and the auth flow's own login/refresh calls.

Before the first attempt each request gets an `X-Request-ID` (so even a request that never got
an answer can be quoted) and, if it is a POST or PATCH, an `Idempotency-Key`; both are reused by
every retry. Each attempt carries `X-TaskMaster-Retry-Count` (0 on the first).
"""

from __future__ import annotations

import logging
import os
import random
import time
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from ._deadline import install as install_deadline
from ._deadline import start_attempt
from ._logs import logger

if TYPE_CHECKING:
    from types import TracebackType

__all__ = [
    "DEFAULT_RETRY_ON",
    "AsyncRetryTransport",
    "RetryPolicy",
    "RetryTransport",
    "parse_retry_after",
]

IDEMPOTENCY_KEY = "Idempotency-Key"
RETRY_COUNT = "X-TaskMaster-Retry-Count"
REQUEST_ID = "X-Request-ID"
DEFAULT_RETRY_ON = frozenset({429, 500, 502, 503, 504})
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
_KEYED_METHODS = frozenset({"POST", "PATCH"})
_ATTEMPT = "taskmaster.attempt"
# How many retries the returned response took (`APIResponse.retries_taken` reads it).
RETRIES_TAKEN = "taskmaster.retries_taken"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime  # only dates pay for this import

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds or seconds == float("inf"):  # NaN, inf
        return None
    return max(0.0, seconds)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Pure retry decisions. `max_retries` is retries after the first attempt.

    Backoff before retry n (0-based) is `min(backoff * 2**n, max_backoff)`, scaled by a random
    factor in `[1 - jitter, 1]` so that clients failing together do not retry together. A
    `Retry-After` from the server replaces the backoff; one longer than `max_retry_after` ends
    the retries instead.
    """

    max_retries: int = 2
    backoff: float = 0.5
    max_backoff: float = 8.0
    jitter: float = 0.25
    max_retry_after: float = 60.0
    retry_on: frozenset[int] = field(default=DEFAULT_RETRY_ON)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if self.backoff < 0 or self.max_backoff < 0 or self.max_retry_after < 0:
            raise ValueError("backoff, max_backoff and max_retry_after must be >= 0")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")
        object.__setattr__(self, "retry_on", frozenset(self.retry_on))

    def replace(
        self,
        *,
        max_retries: int | None = None,
        backoff: float | None = None,
        retry_on: Collection[int] | None = None,
    ) -> RetryPolicy:
        return RetryPolicy(
            max_retries=self.max_retries if max_retries is None else max_retries,
            backoff=self.backoff if backoff is None else backoff,
            max_backoff=self.max_backoff,
            jitter=self.jitter,
            max_retry_after=self.max_retry_after,
            retry_on=self.retry_on if retry_on is None else frozenset(retry_on),
        )

    @staticmethod
    def is_replayable(request: httpx.Request) -> bool:
        """Safe to send twice: an idempotent method, or a write carrying an Idempotency-Key."""
        return request.method in _IDEMPOTENT_METHODS or IDEMPOTENCY_KEY in request.headers

    def retry_status(self, request: httpx.Request, status_code: int, retries_done: int) -> bool:
        return (
            retries_done < self.max_retries
            and status_code in self.retry_on
            and self.is_replayable(request)
        )

    def retry_error(self, request: httpx.Request, error: Exception, retries_done: int) -> bool:
        """Connection failures and timeouts; never an error of our own making (bad URL...)."""
        return (
            retries_done < self.max_retries
            and isinstance(error, httpx.TransportError)
            and not isinstance(error, httpx.UnsupportedProtocol | httpx.ProxyError)
            and self.is_replayable(request)
        )

    def backoff_delay(self, retries_done: int, rand: Callable[[], float] = random.random) -> float:
        base = min(self.backoff * 2.0**retries_done, self.max_backoff)
        return base * (1 - self.jitter * rand())

    def delay(
        self,
        retries_done: int,
        retry_after: str | None = None,
        rand: Callable[[], float] = random.random,
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to stop retrying: a server asking
        for a longer wait than `max_retry_after` will not be ready sooner, so the error is
        raised now (it carries the `Retry-After` for the caller to act on)."""
        asked = parse_retry_after(retry_after)
        if asked is None:
            return self.backoff_delay(retries_done, rand)
        return asked if asked <= self.max_retry_after else None


def _prepare(request: httpx.Request) -> int:
    """Stamp the ids every attempt shares; return the number of this attempt.

    A request the auth flow sends again after a 401 keeps its ids and goes on counting (the
    count lives in the request's extensions, where a dict lookup is cheaper than a header).
    """
    previous = request.extensions.get(_ATTEMPT)
    if previous is not None:
        return int(previous) + 1
    headers = request.headers
    if REQUEST_ID not in headers:
        headers[REQUEST_ID] = os.urandom(16).hex()  # a fraction of uuid4()'s cost
    if request.method in _KEYED_METHODS and IDEMPOTENCY_KEY not in headers:
        headers[IDEMPOTENCY_KEY] = str(uuid.uuid4())
    return 0


def _log_retry(request: httpx.Request, attempt: int, reason: str, delay: float) -> None:
    logger.info(
        "retrying %s %s (attempt %d, request_id=%s) after %s in %.2fs",
        request.method,
        request.url,
        attempt + 1,
        request.headers.get(REQUEST_ID),
        reason,
        delay,
    )


def _log_response(request: httpx.Request, status: int, attempt: int, started: float) -> None:
    logger.debug(
        "%s %s -> %d in %.1f ms (attempt %d, request_id=%s)",
        request.method,
        request.url,
        status,
        (time.perf_counter() - started) * 1000,
        attempt,
        request.headers.get(REQUEST_ID),
    )


# Module attributes so tests can replace them and retry without really waiting.
_sleep: Callable[[float], None] = time.sleep


async def _asleep(seconds: float) -> None:
    # asyncio is imported on first use: a sync client never pays for it at import.
    import asyncio

    await asyncio.sleep(seconds)


class RetryTransport(httpx.BaseTransport):
    """Retries what `policy` allows around another (sync) transport."""

    def __init__(
        self, inner: httpx.BaseTransport, policy: RetryPolicy, *, owns_inner: bool = True
    ) -> None:
        self.inner = inner
        install_deadline(inner)
        self.policy = policy
        self._owns_inner = owns_inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = _prepare(request)
        debug = logger.isEnabledFor(logging.DEBUG)
        retries = 0
        delay: float | None
        while True:
            request.extensions[_ATTEMPT] = attempt
            request.headers[RETRY_COUNT] = str(attempt)
            started = time.perf_counter() if debug else 0.0
            try:
                start_attempt(request)
                response = self.inner.handle_request(request)
            except httpx.TransportError as exc:
                if not self.policy.retry_error(request, exc, retries):
                    raise
                delay = self.policy.backoff_delay(retries)
                _log_retry(request, attempt, type(exc).__name__, delay)
            else:
                if debug:
                    _log_response(request, response.status_code, attempt, started)
                if not self.policy.retry_status(request, response.status_code, retries):
                    response.extensions[RETRIES_TAKEN] = retries
                    return response
                delay = self.policy.delay(retries, response.headers.get("Retry-After"))
                if delay is None:
                    response.extensions[RETRIES_TAKEN] = retries
                    return response
                response.close()
                _log_retry(request, attempt, f"status {response.status_code}", delay)
            _sleep(delay)
            retries += 1
            attempt += 1

    def close(self) -> None:
        if self._owns_inner:
            self.inner.close()

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        self.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """Retries what `policy` allows around another (async) transport."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, policy: RetryPolicy, *, owns_inner: bool = True
    ) -> None:
        self.inner = inner
        install_deadline(inner)
        self.policy = policy
        self._owns_inner = owns_inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = _prepare(request)
        debug = logger.isEnabledFor(logging.DEBUG)
        retries = 0
        delay: float | None
        while True:
            request.extensions[_ATTEMPT] = attempt
            request.headers[RETRY_COUNT] = str(attempt)
            started = time.perf_counter() if debug else 0.0
            try:
                start_attempt(request)
                response = await self.inner.handle_async_request(request)
            except httpx.TransportError as exc:
                if not self.policy.retry_error(request, exc, retries):
                    raise
                delay = self.policy.backoff_delay(retries)
                _log_retry(request, attempt, type(exc).__name__, delay)
            else:
                if debug:
                    _log_response(request, response.status_code, attempt, started)
                if not self.policy.retry_status(request, response.status_code, retries):
                    response.extensions[RETRIES_TAKEN] = retries
                    return response
                delay = self.policy.delay(retries, response.headers.get("Retry-After"))
                if delay is None:
                    response.extensions[RETRIES_TAKEN] = retries
                    return response
                await response.aclose()
                _log_retry(request, attempt, f"status {response.status_code}", delay)
            await _asleep(delay)
            retries += 1
            attempt += 1

    async def aclose(self) -> None:
        if self._owns_inner:
            await self.inner.aclose()
