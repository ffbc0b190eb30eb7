"""In-process rate-limit counters without a timer thread per request.

``limits``' ``MemoryStorage`` purges expired counters from a ``threading.Timer`` that it
re-arms on every ``incr`` once the previous one has fired (10 ms later): below 100 requests/s,
every request starts a thread. Counters are already checked for expiry when read, so here the
sweep of stale keys runs inline, at most once per ``SWEEP_INTERVAL``.
"""

from __future__ import annotations

import time

from limits.storage import MemoryStorage

__all__ = ["SweptMemoryStorage"]

SWEEP_INTERVAL = 30.0


class SweptMemoryStorage(MemoryStorage):
    def __init__(self) -> None:
        super().__init__()
        self.timer.cancel()
        self._next_sweep = time.monotonic() + SWEEP_INTERVAL

    # Replaces MemoryStorage's private (name-mangled) re-arming of the timer.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_INTERVAL
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]
