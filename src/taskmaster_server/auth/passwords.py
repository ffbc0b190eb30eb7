"""Password hashing with argon2id, a bounded amount at a time.

An argon2 check costs tens of milliseconds of CPU and its memory cost in RAM, by design. Run
for every login that arrives, a flood of logins with made-up emails would take every CPU and
every worker thread from the rest of the API. So at most ``workers`` checks run at once, at
most ``queue`` more wait for one, and any login beyond that is refused at once with a 503.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from taskmaster_server.problems import Problem

__all__ = ["Passwords"]

_T = TypeVar("_T")

# A refused login is told to come back after about the time the queue takes to drain.
_RETRY_AFTER = "1"
# While the queue stays full, one warning per this many seconds says so.
_WARN_EVERY = 60.0

_log = logging.getLogger("taskmaster.auth")


class Passwords:
    """Hashes and checks passwords; the cost parameters come from the settings."""

    def __init__(
        self, *, time_cost: int, memory_kib: int, workers: int = 1, queue: int = 4
    ) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._running = threading.Semaphore(max(1, workers))
        self._admitted = threading.BoundedSemaphore(max(1, workers) + max(0, queue))
        self._refusals = 0
        self._warned_at = -_WARN_EVERY
        # Checked against when the email is unknown, so that a miss costs as much as a hit and
        # response times do not reveal which emails have accounts.
        self._dummy_hash = self._hasher.hash("dummy password for timing")

    def hash(self, password: str) -> str:
        return self._bounded(lambda: self._hasher.hash(password))

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Check ``password``; raises a 503 problem when too many checks are already waiting."""
        return self._bounded(lambda: self._verify(password_hash, password))

    def _bounded(self, work: Callable[[], _T]) -> _T:
        if not self._admitted.acquire(blocking=False):
            self._note_refusal()
            raise Problem(
                "service-unavailable",
                "Too many sign-ins are being checked right now; retry shortly.",
                headers={"Retry-After": _RETRY_AFTER},
            )
        try:
            with self._running:
                return work()
        finally:
            self._admitted.release()

    def _note_refusal(self) -> None:
        self._refusals += 1  # a lost update under a race only miscounts a log line
        now = time.monotonic()
        if now - self._warned_at >= _WARN_EVERY:
            self._warned_at = now
            _log.warning(
                "password checks are saturated: %d sign-ins refused with 503 so far",
                self._refusals,
            )

    def _verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy_hash, password) and (
                password_hash is not None
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def __repr__(self) -> str:
        return "Passwords(argon2id)"
