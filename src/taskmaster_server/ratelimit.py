"""Rate limits with the ``limits`` library: in memory, or in Redis when several processes share
one budget. The API is limited per account; login per client address, per client address +
email and per email.

Redis is a convenience, not a dependency the API may fail on: when it stops answering, limits
are counted in process memory (each process then allows its own budget) until it answers again.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from taskmaster_server.problems import Problem
from taskmaster_server.ratelimit_memory import SweptMemoryStorage

__all__ = ["RateLimits", "RateStatus"]

_log = logging.getLogger("taskmaster.ratelimit")

# A request that finds Redis gone waits at most this long for it; a down Redis is asked again
# (by one request at a time) this often, so recovery is noticed within about a second.
_REDIS_TIMEOUT = 0.5
_REDIS_PROBE_INTERVAL = 1.0


@dataclass(frozen=True)
class RateStatus:
    limit: int
    remaining: int
    reset: int
    window: int

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit": f'"default";r={self.remaining};t={self.reset}',
            "RateLimit-Policy": f'"default";q={self.limit};w={self.window}',
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }


class RateLimits:
    def __init__(
        self,
        *,
        api: str,
        login: str,
        redis_url: str | None,
        login_ip: str | None = None,
        login_email: str | None = None,
    ) -> None:
        self.storage_uri = redis_url or "memory://"
        self._local = FixedWindowRateLimiter(SweptMemoryStorage())
        self._shared: FixedWindowRateLimiter | None = None
        if redis_url:
            storage = storage_from_string(
                redis_url,
                wrap_exceptions=True,
                socket_timeout=_REDIS_TIMEOUT,
                socket_connect_timeout=_REDIS_TIMEOUT,
            )
            self._shared = FixedWindowRateLimiter(storage)
        self._degraded = False
        self._next_probe = 0.0
        self._probe_lock = threading.Lock()
        self.api: RateLimitItem = parse(api)
        self.login: RateLimitItem = parse(login)
        self.login_ip: RateLimitItem = parse(login_ip or login)
        self.login_email: RateLimitItem = parse(login_email or login)

    @property
    def degraded(self) -> bool:
        """True while Redis is configured but unreachable (limits are per process)."""
        return self._degraded

    def hit(self, item: RateLimitItem, *identifiers: str) -> RateStatus:
        """Count one request; raise a 429 problem (with headers) when over the limit."""
        limiter = self._limiter()
        try:
            return _count(limiter, item, identifiers)
        except StorageError as error:
            if limiter is self._local:
                raise
            self._degrade(error)
            return _count(self._local, item, identifiers)

    def hit_login(self, address: str, email: str) -> RateStatus:
        """Count one login attempt against all three login budgets.

        The attacker's own budgets (its address, its address + the email) are charged before
        the email's own, so an address already refused cannot use up a victim's budget.
        """
        statuses = [
            self.hit(self.login_ip, "login-ip", address),
            self.hit(self.login, "login", address, email),
            self.hit(self.login_email, "login-email", email),
        ]
        return min(statuses, key=lambda status: status.remaining)

    def ping(self) -> bool:
        if self._shared is None:
            return True
        try:
            return bool(self._shared.storage.check())
        except Exception:
            return False

    def _limiter(self) -> FixedWindowRateLimiter:
        if self._shared is None:
            return self._local
        if not self._degraded:
            return self._shared
        now = time.monotonic()
        if now >= self._next_probe and self._probe_lock.acquire(blocking=False):
            try:
                self._next_probe = now + _REDIS_PROBE_INTERVAL
                if self.ping():
                    self._degraded = False
                    _log.warning("Redis answers again: rate limits are shared again")
                    return self._shared
            finally:
                self._probe_lock.release()
        return self._local

    def _degrade(self, error: StorageError) -> None:
        with self._probe_lock:
            if self._degraded:
                return
            self._degraded = True
            self._next_probe = time.monotonic() + _REDIS_PROBE_INTERVAL
        _log.warning(
            "Redis is unreachable (%s): rate limits are counted per process until it answers",
            type(error.storage_error).__name__,
        )

    def __repr__(self) -> str:
        backend = "redis" if self.storage_uri.startswith("redis") else "memory"
        return f"RateLimits(storage={backend}, api={self.api}, login={self.login})"


def _count(
    limiter: FixedWindowRateLimiter, item: RateLimitItem, identifiers: tuple[str, ...]
) -> RateStatus:
    allowed = limiter.hit(item, *identifiers)
    stats = limiter.get_window_stats(item, *identifiers)
    reset = max(0, math.ceil(stats.reset_time - time.time()))
    status = RateStatus(
        limit=item.amount,
        remaining=max(0, stats.remaining),
        reset=reset,
        window=item.get_expiry(),
    )
    if not allowed:
        headers = status.headers()
        headers["Retry-After"] = str(max(1, reset))
        raise Problem(
            "rate-limited",
            f"Rate limit of {item.amount} requests per {item.get_expiry()} s exceeded; "
            f"retry in {max(1, reset)} s.",
            headers=headers,
        )
    return status
