"""The fault proxy's decisions and counters, shared between its loop thread and the test thread.

Everything here is behind one lock: the proxy's event loop decides and counts, while the test
reads `stats()` or swaps the plan from its own thread at any moment.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

from tests.faults.plan import Fault, FaultPlan

__all__ = ["Counter", "Decision", "FaultEvent", "FaultInjector", "ProxyStats"]

# Enough to explain any test run, small enough that a long soak cannot grow it without bound.
_EVENT_LOG_SIZE = 10_000


class Counter(StrEnum):
    """Plain counters the proxy bumps as traffic flows."""

    REQUESTS = "requests"
    FORWARDED = "forwarded"
    UPSTREAM_ERRORS = "upstream_errors"
    REFUSED_WHILE_PAUSED = "refused_while_paused"
    CLIENT_CONNECTIONS = "client_connections"
    UPSTREAM_CONNECTIONS = "upstream_connections"


@dataclass(frozen=True, slots=True)
class FaultEvent:
    """One injected fault: the request's number (1-based, over all requests), method and path."""

    request_number: int
    method: str
    path: str
    fault: Fault


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with one request: its number, its fault (None: relay it faithfully), and the
    plan it was decided under (the test may install another while the request is in flight)."""

    request_number: int
    fault: Fault | None
    plan: FaultPlan


@dataclass(frozen=True, slots=True)
class ProxyStats:
    """A snapshot of the proxy's counters since it started or since `reset_stats()`."""

    #: Request heads read from clients.
    requests: int = 0
    #: Requests that matched the plan's filters (each drew from the RNG).
    matched: int = 0
    #: Requests whose head and body were sent to the upstream in full.
    forwarded: int = 0
    #: Faults actually applied, by kind (every kind present, zero when none).
    injected: dict[Fault, int] = field(default_factory=lambda: dict.fromkeys(Fault, 0))
    #: 502/504 answers because the upstream could not be reached or failed mid-exchange.
    upstream_errors: int = 0
    #: Requests answered 502 because the proxy was paused.
    refused_while_paused: int = 0
    #: Client connections accepted (fewer than requests means keep-alive reuse).
    client_connections: int = 0
    #: Upstream connections opened.
    upstream_connections: int = 0

    @property
    def faults(self) -> int:
        """All injected faults, every kind together."""
        return sum(self.injected.values())


class FaultInjector:
    """Decides each request's fault from a seeded RNG and counts what the proxy did."""

    def __init__(self, plan: FaultPlan, seed: int) -> None:
        self._lock = threading.Lock()
        self._plan = plan
        self._rng = random.Random(seed)
        self._plan_faults = 0
        self._counters = dict.fromkeys(Counter, 0)
        self._matched = 0
        self._injected = dict.fromkeys(Fault, 0)
        self._events: deque[FaultEvent] = deque(maxlen=_EVENT_LOG_SIZE)

    @property
    def plan(self) -> FaultPlan:
        with self._lock:
            return self._plan

    def set_plan(self, plan: FaultPlan, seed: int | None = None) -> None:
        """Install `plan`; its `max_faults` budget counts from now. Reseed when `seed` is given."""
        with self._lock:
            self._plan = plan
            self._plan_faults = 0
            if seed is not None:
                self._rng.seed(seed)

    def decide(self, method: str, path: str) -> Decision:
        """Count a new request and choose its fault.

        A chosen fault is charged to the plan's budget here, so concurrent requests can never
        overrun `max_faults`; `record()` counts it once it has actually been applied.
        """
        with self._lock:
            self._counters[Counter.REQUESTS] += 1
            number, plan = self._counters[Counter.REQUESTS], self._plan
            if not plan.matches(method, path):
                return Decision(number, None, plan)
            self._matched += 1
            # Draw even when the budget is spent so the sequence does not depend on the budget.
            fault = plan.fault_for(self._rng.random())
            spent = plan.max_faults is not None and self._plan_faults >= plan.max_faults
            if fault is None or spent:
                return Decision(number, None, plan)
            self._plan_faults += 1
            return Decision(number, fault, plan)

    def record(self, number: int, method: str, path: str, fault: Fault) -> None:
        """Count a fault that was applied to request `number`."""
        with self._lock:
            self._injected[fault] += 1
            self._events.append(FaultEvent(number, method, path, fault))

    def count(self, counter: Counter) -> None:
        with self._lock:
            self._counters[counter] += 1

    def stats(self) -> ProxyStats:
        with self._lock:
            counters = {counter.value: value for counter, value in self._counters.items()}
            return ProxyStats(matched=self._matched, injected=dict(self._injected), **counters)

    def events(self) -> tuple[FaultEvent, ...]:
        """The most recent injected faults, oldest first (bounded)."""
        with self._lock:
            return tuple(self._events)

    def reset_stats(self) -> None:
        """Zero every counter and the event log; the plan, its budget and the RNG carry on."""
        with self._lock:
            self._counters = dict.fromkeys(Counter, 0)
            self._matched = 0
            self._injected = dict.fromkeys(Fault, 0)
            self._events.clear()
