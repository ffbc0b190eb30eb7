"""When to retry and how long to wait (`RetryPolicy`, pure), and the transports that do it.

The retrying transports wrap any httpx transport, so every request made through the client's
httpx client is covered: the high-level methods, the raw generated endpoints (`client.raw`),
the custom-path calls (`client.get(path, ...)`) and the auth flow's own login/refresh calls.

Before the first attempt each request gets an `X-Request-ID` (so even a request that never got
an answer can be quoted) and, if it is a POST or PATCH, an `Idempotency-Key`; both are reused by
every retry. Each attempt carries `X-TaskMaster-Retry-Count` (0 on the first).

Two limits apply to one call's retries (docs/retries-and-timeouts.md):
- `max_retries` counts retries after failures that say nothing about the server's health (a
  500, a 429, a read timeout). 0 turns retrying off for the call altogether.
- `budget` (seconds since the first attempt started) bounds every retry. Within it, failures
  that mean "the service is down for now" (502, 503, 504, a refused or timed-out connection)
  are retried past `max_retries`, so a database failover of a few seconds costs no call.

A server's `X-Should-Retry: true|false` on an error response overrides the status-based choice.

The loop is written once (`Attempts`, no I/O); the sync and async transports only send and
sleep around it.
"""

from __future__ import annotations

import logging
import os
import random
import time
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

import httpx

from ._deadline import install as install_deadline
from ._deadline import start_attempt
from ._logs import logger
from ._options import MAX_RETRIES_EXTENSION as MAX_RETRIES

if TYPE_CHECKING:
    from types import TracebackType

__all__ = [
    "DEFAULT_RETRY_BUDGET",
    "DEFAULT_RETRY_ON",
    "MAX_RETRIES",
    "OUTAGE_STATUSES",
    "AsyncRetryTransport",
    "Attempts",
    "RetryPolicy",
    "RetryTransport",
    "parse_retry_after",
    "parse_retry_after_ms",
]

IDEMPOTENCY_KEY = "Idempotency-Key"
RETRY_COUNT = "X-TaskMaster-Retry-Count"
REQUEST_ID = "X-Request-ID"
SHOULD_RETRY = "X-Should-Retry"
DEFAULT_RETRY_ON = frozenset({429, 500, 502, 503, 504})
# "Down for now": retried past `max_retries`, within the budget.
OUTAGE_STATUSES = frozenset({502, 503, 504})
_OUTAGE_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout)
# Covers a typical failover (a PostgreSQL restart, a replica promoted: 10-20 s) with room to spare.
DEFAULT_RETRY_BUDGET = 30.0
# Retries past `max_retries` wait at least this long: a server that is down is not hammered.
_OUTAGE_MIN_DELAY = 0.5
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


def parse_retry_after_ms(value: str | None) -> float | None:
    """Seconds from a `Retry-After-Ms` value (milliseconds, the finer hint the reference server
    and openai-python use: `Retry-After` cannot say less than a second), or None."""
    if not value:
        return None
    try:
        milliseconds = float(value.strip())
    except ValueError:
        return None
    if milliseconds != milliseconds or milliseconds in (float("inf"), float("-inf")):
        return None
    return max(0.0, milliseconds / 1000.0)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Pure retry decisions. `max_retries` is retries after the first attempt.

    Backoff before retry n (0-based) is `min(backoff * 2**n, max_backoff)`, scaled by a random
    factor in `[1 - jitter, 1]` so that clients failing together do not retry together. A
    `Retry-After` from the server replaces the backoff; one longer than `max_retry_after`, or
    than what is left of `budget`, ends the retries instead. `budget` is in seconds, counted
    from the first attempt; outages (`OUTAGE_STATUSES`, refused connections) are retried past
    `max_retries` within it.
    """

    max_retries: int = 2
    backoff: float = 0.5
    max_backoff: float = 8.0
    jitter: float = 0.25
    max_retry_after: float = 60.0
    retry_on: frozenset[int] = field(default=DEFAULT_RETRY_ON)
    budget: float = DEFAULT_RETRY_BUDGET

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise ValueError("max_retries must be an integer >= 0")
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if self.backoff < 0 or self.max_backoff < 0 or self.max_retry_after < 0:
            raise ValueError("backoff, max_backoff and max_retry_after must be >= 0")
        if not self.budget >= 0:  # also NaN
            raise ValueError("retry_budget must be a number of seconds >= 0")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")
        object.__setattr__(self, "retry_on", frozenset(self.retry_on))

    def replace(
        self,
        *,
        max_retries: int | None = None,
        backoff: float | None = None,
        retry_on: Collection[int] | None = None,
        budget: float | None = None,
    ) -> RetryPolicy:
        return RetryPolicy(
            max_retries=self.max_retries if max_retries is None else max_retries,
            backoff=self.backoff if backoff is None else backoff,
            max_backoff=self.max_backoff,
            jitter=self.jitter,
            max_retry_after=self.max_retry_after,
            retry_on=self.retry_on if retry_on is None else frozenset(retry_on),
            budget=self.budget if budget is None else budget,
        )

    @staticmethod
    def is_replayable(request: httpx.Request) -> bool:
        """Safe to send twice: an idempotent method, or a write carrying an Idempotency-Key."""
        return request.method in _IDEMPOTENT_METHODS or IDEMPOTENCY_KEY in request.headers

    def retry_status(self, request: httpx.Request, status_code: int, retries_done: int) -> bool:
        """Whether a response with `status_code` is retried, counting retries only."""
        return (
            retries_done < self.max_retries
            and status_code in self.retry_on
            and self.is_replayable(request)
        )

    @staticmethod
    def retryable_error(error: Exception) -> bool:
        """Connection failures and timeouts; never an error of our own making (bad URL...)."""
        return isinstance(error, httpx.TransportError) and not isinstance(
            error, httpx.UnsupportedProtocol | httpx.ProxyError
        )

    def retry_error(self, request: httpx.Request, error: Exception, retries_done: int) -> bool:
        """Whether a failed attempt is retried, counting retries only."""
        return (
            retries_done < self.max_retries
            and self.retryable_error(error)
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
        retry_after_ms: str | None = None,
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to stop retrying: a server asking
        for a longer wait than `max_retry_after` will not be ready sooner, so the error is
        raised now (it carries the `Retry-After` for the caller to act on). `Retry-After-Ms`,
        when the server sends it, wins: it is the same hint to the millisecond."""
        asked = parse_retry_after_ms(retry_after_ms)
        if asked is None:
            asked = parse_retry_after(retry_after)
        if asked is None:
            return self.backoff_delay(retries_done, rand)
        return asked if asked <= self.max_retry_after else None

    def within(
        self, delay: float | None, retries_done: int, max_retries: int, outage: bool, spent: float
    ) -> float | None:
        """`delay` if the count and the budget allow one more retry after `spent` seconds.

        Past `max_retries` only an outage is retried, and never sooner than `_OUTAGE_MIN_DELAY`.
        """
        if delay is None:
            return None
        if retries_done >= max_retries:
            if not outage or max_retries == 0:
                return None
            delay = max(delay, _OUTAGE_MIN_DELAY)
        return delay if spent + delay <= self.budget else None


class Attempts:
    """The retry loop of one request, as state and decisions; the transports do the I/O.

    `start()` before each attempt; then `after_error(exc)` or `after_response(response)` give
    the seconds to wait before the next attempt, or None to stop (raise, or return it).
    """

    __slots__ = ("_debug", "_limit", "_policy", "_started", "_t0", "_waited", "attempt",
                 "request", "retries")  # fmt: skip

    def __init__(self, policy: RetryPolicy, request: httpx.Request) -> None:
        self.request = request
        self._policy = policy
        per_call = request.extensions.get(MAX_RETRIES)
        self._limit: int = policy.max_retries if per_call is None else per_call
        self.attempt = _prepare(request)
        self.retries = 0
        self._waited = 0.0
        self._started = time.monotonic()
        self._debug = logger.isEnabledFor(logging.DEBUG)
        self._t0 = 0.0

    def start(self) -> httpx.Request:
        request = self.request
        request.extensions[_ATTEMPT] = self.attempt
        request.headers[RETRY_COUNT] = str(self.attempt)
        if self._debug:
            self._t0 = time.perf_counter()
        start_attempt(request)
        return request

    def _spent(self) -> float:
        # The waits decided so far count even when a test replaced the sleep with a no-op.
        return max(time.monotonic() - self._started, self._waited)

    def _next(self, delay: float, reason: str) -> float:
        _log_retry(self.request, self.attempt, reason, delay)
        self._waited += delay
        self.retries += 1
        self.attempt += 1
        return delay

    def after_error(self, error: Exception) -> float | None:
        policy = self._policy
        if (
            self._limit == 0
            or not policy.retryable_error(error)
            or not policy.is_replayable(self.request)
        ):
            return None
        delay = policy.within(
            policy.backoff_delay(self.retries),
            self.retries,
            self._limit,
            isinstance(error, _OUTAGE_ERRORS),
            self._spent(),
        )
        return None if delay is None else self._next(delay, type(error).__name__)

    def after_response(self, response: httpx.Response) -> float | None:
        status = response.status_code
        if self._debug:
            _log_response(self.request, status, self.attempt, self._t0)
        delay = None if status < 400 or self._limit == 0 else self._status_delay(response)
        if delay is None:
            response.extensions[RETRIES_TAKEN] = self.retries
            return None
        return self._next(delay, f"status {status}")

    def _status_delay(self, response: httpx.Response) -> float | None:
        policy = self._policy
        status = response.status_code
        headers = response.headers
        should = headers.get(SHOULD_RETRY)
        if should is not None and should.strip().lower() in ("true", "false"):
            wanted = should.strip().lower() == "true"
        else:
            wanted = status in policy.retry_on
        if not wanted or not policy.is_replayable(self.request):
            return None
        delay = policy.delay(
            self.retries,
            headers.get("Retry-After"),
            retry_after_ms=headers.get("Retry-After-Ms"),
        )
        return policy.within(
            delay, self.retries, self._limit, status in OUTAGE_STATUSES, self._spent()
        )


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
    # anyio, so the async client retries under asyncio and trio alike; imported on first use,
    # so a sync client never pays for it at import.
    import anyio

    await anyio.sleep(seconds)


Inner = TypeVar("Inner", httpx.BaseTransport, httpx.AsyncBaseTransport)


class _Wrapper(Generic[Inner]):
    """What both retrying transports hold: the transport they wrap, and the policy."""

    inner: Inner

    def __init__(self, inner: Inner, policy: RetryPolicy, *, owns_inner: bool = True) -> None:
        self.inner = inner
        install_deadline(inner)
        self.policy = policy
        self._owns_inner = owns_inner


class RetryTransport(_Wrapper[httpx.BaseTransport], httpx.BaseTransport):
    """Retries what `policy` allows around another (sync) transport."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        run = Attempts(self.policy, request)
        while True:
            try:
                response = self.inner.handle_request(run.start())
            except httpx.TransportError as exc:
                if (delay := run.after_error(exc)) is None:
                    raise
            else:
                if (delay := run.after_response(response)) is None:
                    return response
                response.close()
            _sleep(delay)

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


class AsyncRetryTransport(_Wrapper[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport):
    """Retries what `policy` allows around another (async) transport."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        run = Attempts(self.policy, request)
        while True:
            try:
                response = await self.inner.handle_async_request(run.start())
            except httpx.TransportError as exc:
                if (delay := run.after_error(exc)) is None:
                    raise
            else:
                if (delay := run.after_response(response)) is None:
                    return response
                await response.aclose()
            await _asleep(delay)

    async def aclose(self) -> None:
        if self._owns_inner:
            await self.inner.aclose()
