"""What the fault proxy injects, how often, and into which requests.

A `FaultPlan` is an immutable value: the proxy holds one at a time and a test swaps it with
`FaultProxy.set_plan()` (for example, no faults while it seeds data, then 20% during the run).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["Fault", "FaultPlan"]


class Fault(StrEnum):
    """One kind of injected fault."""

    #: 503 `application/problem+json` with `Retry-After`, answered without forwarding.
    SERVICE_UNAVAILABLE = "service_unavailable"
    #: 502 with an HTML body (what a real gateway sends), answered without forwarding.
    BAD_GATEWAY = "bad_gateway"
    #: 429 `application/problem+json` with `Retry-After` and `RateLimit`, without forwarding.
    RATE_LIMITED = "rate_limited"
    #: The request is forwarded and the upstream's whole answer read, then the client's socket
    #: is reset: the write happened and the client never hears of it.
    RESET_AFTER_RESPONSE = "reset_after_response"
    #: The request is forwarded, then the answer is held for `FaultPlan.slow_delay` seconds.
    SLOW_RESPONSE = "slow_response"


#: Faults answered by the proxy itself: the upstream never sees these requests.
BEFORE_FORWARDING = frozenset({Fault.SERVICE_UNAVAILABLE, Fault.BAD_GATEWAY, Fault.RATE_LIMITED})

# Rates are floats a test may build by division (0.2 / 5 * 5); allow rounding error in the sum.
_RATE_SUM_TOLERANCE = 1e-9


def _strings(value: Iterable[str], what: str) -> tuple[str, ...]:
    # A lone string is iterable too, and would silently become one pattern per character.
    if isinstance(value, str):
        raise TypeError(f"{what} is a tuple of strings, not one string: use ({value!r},)")
    return tuple(value)


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """Per-request fault probabilities and their settings.

    Every request whose method and path match the filters draws one number from the proxy's
    seeded RNG; the rates are laid end to end on [0, 1), so a request gets at most one fault and
    `P(fault k) == rate k` exactly. The rates must therefore sum to at most 1. Requests that do
    not match draw nothing, so they never shift the sequence the matching ones see.
    """

    service_unavailable: float = 0.0
    bad_gateway: float = 0.0
    rate_limited: float = 0.0
    reset_after_response: float = 0.0
    slow_response: float = 0.0
    #: `fnmatch` patterns on the request path without its query, e.g. `"/api/v1/tasks/batch*"`.
    #: Empty means every path.
    paths: tuple[str, ...] = ()
    #: Upper-case methods to consider, e.g. `("POST", "PATCH")`. Empty means every method.
    methods: tuple[str, ...] = ()
    #: `Retry-After` (seconds) on injected 503s.
    service_unavailable_retry_after: int = 0
    #: `Retry-After` (seconds) on injected 429s.
    rate_limited_retry_after: int = 1
    #: Seconds a slow response is held; make it longer than the client's read timeout.
    slow_delay: float = 2.0
    #: At most this many faults while this plan is installed; None is unbounded.
    max_faults: int | None = None

    def __post_init__(self) -> None:
        for fault, rate in self.rates():
            if not (math.isfinite(rate) and 0.0 <= rate <= 1.0):
                raise ValueError(f"{fault.value} rate must be within [0, 1], got {rate!r}")
        total = sum(rate for _, rate in self.rates())
        if total > 1.0 + _RATE_SUM_TOLERANCE:
            raise ValueError(f"fault rates sum to {total}, more than 1")
        if self.service_unavailable_retry_after < 0 or self.rate_limited_retry_after < 0:
            raise ValueError("Retry-After values must be >= 0")
        if not (math.isfinite(self.slow_delay) and self.slow_delay >= 0):
            raise ValueError(f"slow_delay must be a finite number >= 0, got {self.slow_delay!r}")
        if self.max_faults is not None and self.max_faults < 0:
            raise ValueError(f"max_faults must be >= 0 or None, got {self.max_faults!r}")
        object.__setattr__(self, "paths", _strings(self.paths, "paths"))
        methods = _strings(self.methods, "methods")
        object.__setattr__(self, "methods", tuple(method.upper() for method in methods))

    @classmethod
    def evenly(cls, rate: float, kinds: Iterable[Fault] | None = None, **options: Any) -> FaultPlan:
        """A plan injecting a fault into `rate` of the matching requests, split evenly by kind.

        `FaultPlan.evenly(0.2)` is the issue's "20% fault rate": 4% of each of the five kinds.
        `options` are the other fields (`paths`, `slow_delay`, `max_faults`, ...).
        """
        chosen = tuple(Fault) if kinds is None else tuple(dict.fromkeys(kinds))
        if not chosen:
            raise ValueError("kinds must name at least one Fault")
        return cls.of(dict.fromkeys(chosen, rate / len(chosen)), **options)

    @classmethod
    def of(cls, rates: Mapping[Fault, float], **options: Any) -> FaultPlan:
        """A plan with these rates by kind, e.g. `FaultPlan.of({Fault.BAD_GATEWAY: 1.0})`."""
        by_name: dict[str, Any] = {fault.value: rate for fault, rate in rates.items()}
        return dataclasses.replace(cls(**options), **by_name)

    def rates(self) -> tuple[tuple[Fault, float], ...]:
        """Each kind with its probability, in the fixed order the RNG draw is mapped by."""
        return tuple((fault, float(getattr(self, fault.value))) for fault in Fault)

    @property
    def total_rate(self) -> float:
        """The probability that a matching request gets some fault."""
        return sum(rate for _, rate in self.rates())

    def matches(self, method: str, path: str) -> bool:
        """Whether a request with this method and path (no query) is subject to faults."""
        if self.methods and method.upper() not in self.methods:
            return False
        return not self.paths or any(fnmatch.fnmatchcase(path, p) for p in self.paths)

    def fault_for(self, draw: float) -> Fault | None:
        """Map one uniform draw in [0, 1) to the fault it selects, or None."""
        edge = 0.0
        for fault, rate in self.rates():
            edge += rate
            if draw < edge:
                return fault
        return None
