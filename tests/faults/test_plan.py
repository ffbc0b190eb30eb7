"""FaultPlan and FaultInjector on their own: validation, the draw-to-fault mapping, the rates."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from tests.faults.injector import FaultInjector
from tests.faults.plan import Fault, FaultPlan


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"service_unavailable": 1.5}, "within"),
        ({"bad_gateway": -0.1}, "within"),
        ({"rate_limited": math.nan}, "within"),
        ({"service_unavailable": 0.6, "slow_response": 0.6}, "sum"),
        ({"rate_limited_retry_after": -1}, "Retry-After"),
        ({"slow_delay": -1.0}, "slow_delay"),
        ({"max_faults": -1}, "max_faults"),
    ],
)
def test_invalid_plans_are_refused(fields: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultPlan(**fields)  # type: ignore[arg-type]


def test_of_sets_rates_by_kind() -> None:
    plan = FaultPlan.of({Fault.RESET_AFTER_RESPONSE: 0.25}, paths=("/a",), max_faults=2)
    assert dict(plan.rates()) == {**dict.fromkeys(Fault, 0.0), Fault.RESET_AFTER_RESPONSE: 0.25}
    assert (plan.paths, plan.max_faults) == (("/a",), 2)
    with pytest.raises(ValueError, match="sum"):
        FaultPlan.of(dict.fromkeys(Fault, 0.5))


def test_paths_must_be_a_tuple_not_a_string() -> None:
    with pytest.raises(TypeError, match="not one string"):
        FaultPlan(paths="/api/v1/tasks/batch*")  # type: ignore[arg-type]


def test_evenly_splits_the_rate_across_kinds() -> None:
    everything = FaultPlan.evenly(0.2, slow_delay=3.0)
    assert dict(everything.rates()) == dict.fromkeys(Fault, pytest.approx(0.04))
    assert everything.total_rate == pytest.approx(0.2)
    assert everything.slow_delay == 3.0

    two = FaultPlan.evenly(0.5, kinds=[Fault.BAD_GATEWAY, Fault.RATE_LIMITED])
    assert (two.bad_gateway, two.rate_limited, two.service_unavailable) == (0.25, 0.25, 0.0)
    with pytest.raises(ValueError, match="at least one"):
        FaultPlan.evenly(0.2, kinds=[])


def test_a_draw_maps_to_the_rates_laid_end_to_end() -> None:
    plan = FaultPlan(service_unavailable=0.1, rate_limited=0.2, slow_response=0.3)
    assert plan.fault_for(0.0) is Fault.SERVICE_UNAVAILABLE
    assert plan.fault_for(0.0999) is Fault.SERVICE_UNAVAILABLE
    assert plan.fault_for(0.1) is Fault.RATE_LIMITED
    assert plan.fault_for(0.29) is Fault.RATE_LIMITED
    assert plan.fault_for(0.31) is Fault.SLOW_RESPONSE
    assert plan.fault_for(0.61) is None
    assert FaultPlan(bad_gateway=1.0).fault_for(0.999999) is Fault.BAD_GATEWAY
    assert FaultPlan().fault_for(0.0) is None


def test_filters_match_paths_by_glob_and_methods_in_any_case() -> None:
    plan = FaultPlan(paths=("/api/v1/tasks/batch*", "/api/v1/auth/token"), methods=("post",))
    assert plan.methods == ("POST",)
    assert plan.matches("POST", "/api/v1/tasks/batch")
    assert plan.matches("post", "/api/v1/tasks/batch/update")
    assert plan.matches("POST", "/api/v1/auth/token")
    assert not plan.matches("GET", "/api/v1/tasks/batch")
    assert not plan.matches("POST", "/api/v1/tasks")
    assert FaultPlan().matches("DELETE", "/anything")


def test_injected_frequencies_follow_the_rates() -> None:
    plan = FaultPlan(service_unavailable=0.1, reset_after_response=0.05, slow_response=0.15)
    injector = FaultInjector(plan, seed=3)
    draws = 20_000
    faults = Counter(injector.decide("POST", "/x").fault for _ in range(draws))

    for fault, rate in plan.rates():
        expected = draws * rate
        # Five standard deviations: a correct injector fails this about once in two million.
        assert abs(faults[fault] - expected) <= 5 * math.sqrt(expected * (1 - rate)) + 1
    assert injector.stats().matched == draws


def test_unmatched_requests_do_not_shift_the_sequence() -> None:
    plan = FaultPlan.evenly(0.5, paths=("/batch",))
    plain, interleaved = FaultInjector(plan, seed=11), FaultInjector(plan, seed=11)
    expected = [plain.decide("POST", "/batch").fault for _ in range(50)]
    got = []
    for _ in range(50):
        interleaved.decide("GET", "/other")
        got.append(interleaved.decide("POST", "/batch").fault)
    assert got == expected
    assert interleaved.stats().requests == 100
