"""Rate limits with the ``limits`` library: in memory, or in Redis when several processes share
one budget. The API is limited per account, login per client address + email."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from taskmaster_server.problems import Problem

__all__ = ["RateLimits", "RateStatus"]


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
    def __init__(self, *, api: str, login: str, redis_url: str | None) -> None:
        self.storage_uri = redis_url or "memory://"
        self._storage = storage_from_string(self.storage_uri)
        self._limiter = FixedWindowRateLimiter(self._storage)
        self.api: RateLimitItem = parse(api)
        self.login: RateLimitItem = parse(login)

    def hit(self, item: RateLimitItem, *identifiers: str) -> RateStatus:
        """Count one request; raise a 429 problem (with headers) when over the limit."""
        allowed = self._limiter.hit(item, *identifiers)
        stats = self._limiter.get_window_stats(item, *identifiers)
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

    def ping(self) -> bool:
        try:
            return bool(self._storage.check())
        except Exception:
            return False

    def __repr__(self) -> str:
        backend = "redis" if self.storage_uri.startswith("redis") else "memory"
        return f"RateLimits(storage={backend}, api={self.api}, login={self.login})"
