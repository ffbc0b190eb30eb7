"""Test-only crash points: die exactly at a commit boundary.

``TASKMASTER_TEST_CRASH_AT=<point>:<n>`` makes the process end at once, with ``os._exit`` (no
cleanup, no response, open transactions left to the database, as a SIGKILL leaves them), the
n-th time it reaches ``<point>``. The crash tests use it because a SIGKILL sent from outside
cannot be aimed at the microseconds between a write and its commit. Unset, as everywhere but
those tests, ``reach`` returns after one comparison.

Points (see services/transaction.py): ``idempotent-before-commit`` (the write and its
idempotency record are flushed, the COMMIT not sent) and ``idempotent-after-commit`` (committed,
the response not sent yet).
"""

from __future__ import annotations

import os
import threading

__all__ = ["CRASH_EXIT_CODE", "ENV", "reach"]

ENV = "TASKMASTER_TEST_CRASH_AT"
CRASH_EXIT_CODE = 86


def _plan(value: str | None) -> tuple[str, int] | None:
    if not value:
        return None
    point, _, count = value.rpartition(":")
    if not point or not count.isdigit() or int(count) < 1:
        raise ValueError(f"{ENV} must be <point>:<n> with n >= 1, not {value!r}")
    return point, int(count)


_PLAN = _plan(os.environ.get(ENV))
_reached = 0
_lock = threading.Lock()


def reach(point: str) -> None:
    """Count a pass through ``point``; end the process if it is the planned one."""
    global _reached
    if _PLAN is None or _PLAN[0] != point:
        return
    with _lock:
        _reached += 1
        if _reached == _PLAN[1]:
            os._exit(CRASH_EXIT_CODE)
