"""Pacing and patience for bulk work: `Pacer` (shared by a bulk call's workers) and
`ChunkRetry` (whether and when to send a failed chunk again).

The server announces its budget on every answer (`RateLimit: "default";r=<remaining>;t=<reset
seconds>`, or `X-RateLimit-Remaining` / `X-RateLimit-Reset`). While plenty remains the workers
send freely; once `remaining` falls to the reserve, the rest of the window is spread evenly over
what is left, and at zero everyone waits for the reset. A `429` makes every worker wait its
`Retry-After`, not only the one that got it.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    ConflictError,
    RateLimitError,
    ServerError,
    TaskMasterError,
)
from ._retry import parse_retry_after

__all__ = ["ChunkRetry", "Pacer", "parse_rate_limit"]

_RATELIMIT_PARAM = re.compile(r"(?:^|;)\s*([rt])\s*=\s*(\d+)")


def parse_rate_limit(headers: Mapping[str, str]) -> tuple[int, float] | None:
    """`(remaining, seconds until reset)` from the response headers, or None."""
    header = headers.get("RateLimit")
    if header:
        params = dict(_RATELIMIT_PARAM.findall(header.split(",")[0]))
        if "r" in params and "t" in params:
            return int(params["r"]), float(params["t"])
    remaining = headers.get("X-RateLimit-Remaining")
    reset = headers.get("X-RateLimit-Reset")
    if remaining is None or reset is None:
        return None
    try:
        return int(remaining), float(reset)
    except ValueError:
        return None


class Pacer:
    """How long a worker waits before its next request; thread-safe, shared by all workers.

    `reserve` is the remaining count at which pacing starts: below it, requests are spaced
    `(time to reset) / remaining` apart so the window's budget lasts until it resets.
    """

    def __init__(self, reserve: int) -> None:
        self.reserve = max(1, reserve)
        self._lock = threading.Lock()
        self._remaining: int | None = None
        self._reset_at = 0.0
        self._blocked_until = 0.0
        self._next_slot = 0.0

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn the budget from an answer's headers."""
        parsed = parse_rate_limit(headers)
        if parsed is None:
            return
        remaining, reset = parsed
        with self._lock:
            self._remaining = remaining
            self._reset_at = time.monotonic() + reset

    def block(self, seconds: float) -> None:
        """Every worker waits `seconds` from now (a 429's `Retry-After`)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, time.monotonic() + seconds)

    def delay(self) -> float:
        """Seconds to wait before sending; also counts the request against the known budget."""
        with self._lock:
            now = time.monotonic()
            wait = max(0.0, self._blocked_until - now)
            if self._remaining is None or self._reset_at <= now:
                return wait
            if self._remaining <= 0:
                return max(wait, self._reset_at - now)
            if self._remaining <= self.reserve:
                spacing = (self._reset_at - now) / self._remaining
                slot = max(now, self._next_slot)
                self._next_slot = slot + spacing
                wait = max(wait, slot - now)
            self._remaining -= 1
            return wait


@dataclass(frozen=True, slots=True)
class ChunkRetry:
    """Whether a failed chunk is worth sending again (with its same `Idempotency-Key`).

    This sits above the client's own retries: a chunk gets `max_retries` more rounds of them.
    Retried: no answer (reset, timeout), 5xx, 429, and `409 idempotency-in-progress` (the first
    attempt is still running on the server; its result is replayed once it is done).

    The default rounds wait 1, 2, 4, 8, 16 and 16 s (less up to a quarter, at random): with the
    client's retries in each, a chunk outlasts about 40 s without a server, a crashed server's
    restart and start-up included (the server frees a dead request's `Idempotency-Key` at
    once). A `Retry-After` lengthens a round, never shortens it: `409 idempotency-in-progress`
    asks for 1 s, and a first attempt that runs long is waited for just as long.
    """

    max_retries: int = 6
    backoff: float = 1.0
    max_backoff: float = 16.0

    def wait(self, error: TaskMasterError, retries_done: int) -> float | None:
        """Seconds to wait before the next round, or None to give up on the chunk."""
        if retries_done >= self.max_retries or not self.retryable(error):
            return None
        base = min(self.backoff * 2.0**retries_done, self.max_backoff)
        delay = base * (1 - 0.25 * random.random())
        if isinstance(error, APIStatusError):
            asked = parse_retry_after(error.response.headers.get("Retry-After"))
            if asked is not None:
                return max(asked, delay)
        return delay

    @staticmethod
    def retryable(error: TaskMasterError) -> bool:
        if isinstance(error, APIConnectionError | ServerError | RateLimitError):
            return True
        if isinstance(error, ConflictError):
            kind = str((error.problem or {}).get("type", ""))
            return kind.endswith("idempotency-in-progress")
        return False
