"""FaultProxy's faults: each kind on and off, the filters, the seed, the budget, the counters.

The upstream is a real server that records what reaches it, so "before forwarding" and "after
the upstream answered" are checked against what it actually saw.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import httpx
import pytest

from tests.faults.conftest import MakeFaultProxy, client_for
from tests.faults.echo_upstream import EchoUpstream
from tests.faults.plan import BEFORE_FORWARDING
from tests.faults.proxy import Fault, FaultPlan, FaultProxy

PRE_FORWARD_STATUS = {
    Fault.SERVICE_UNAVAILABLE: 503,
    Fault.BAD_GATEWAY: 502,
    Fault.RATE_LIMITED: 429,
}


@pytest.mark.parametrize("fault", sorted(BEFORE_FORWARDING))
def test_fault_before_forwarding_at_rate_one_never_reaches_upstream(
    fault: Fault, echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url, FaultPlan.of({fault: 1.0}))
    with client_for(proxy) as client:
        responses = [client.post("/api/v1/tasks", content=b"x" * 70_000) for _ in range(3)]

    assert [r.status_code for r in responses] == [PRE_FORWARD_STATUS[fault]] * 3
    assert all(r.headers["x-fault-injected"] == fault.value for r in responses)
    assert echo_upstream.app.received() == []
    stats = proxy.stats()
    assert stats.injected == {**dict.fromkeys(Fault, 0), fault: 3}
    assert (stats.forwarded, stats.requests, stats.matched) == (0, 3, 3)
    # The proxy read each request body before answering, so keep-alive survived the faults.
    assert stats.client_connections == 1


def test_503_and_429_are_problem_json_with_retry_after(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    plan = FaultPlan(service_unavailable=1.0, service_unavailable_retry_after=2)
    proxy = fault_proxy(echo_upstream.url, plan)
    with client_for(proxy) as client:
        unavailable = client.get("/x", headers={"X-Request-ID": "req-7"})
        proxy.set_plan(FaultPlan(rate_limited=1.0, rate_limited_retry_after=3))
        limited = client.get("/x")

    assert unavailable.headers["content-type"] == "application/problem+json"
    assert unavailable.headers["retry-after"] == "2"
    assert unavailable.headers["x-request-id"] == "req-7"
    assert unavailable.json() == {
        "type": "https://taskmaster.dev/problems/service-unavailable",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "Injected by the test fault proxy.",
        "request_id": "req-7",
    }
    assert limited.headers["retry-after"] == "3"
    assert limited.headers["ratelimit"] == '"default";r=0;t=3'
    assert limited.json()["type"] == "https://taskmaster.dev/problems/rate-limited"
    assert limited.json()["request_id"] == limited.headers["x-request-id"]


def test_502_has_a_gateway_html_body(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url, FaultPlan(bad_gateway=1.0))
    with client_for(proxy) as client:
        response = client.get("/x")
    assert response.headers["content-type"] == "text/html"
    assert "502 Bad Gateway" in response.text


def test_every_rate_at_zero_forwards_everything(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url, FaultPlan.of(dict.fromkeys(Fault, 0.0)))
    with client_for(proxy) as client:
        statuses = {
            client.post("/api/v1/tasks/batch", content=b"{}").status_code for _ in range(25)
        }

    assert statuses == {200}
    assert len(echo_upstream.app.received()) == 25
    stats = proxy.stats()
    assert (stats.matched, stats.forwarded, stats.faults) == (25, 25, 0)


def test_reset_after_response_commits_upstream_but_client_gets_a_connection_error(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url, FaultPlan(reset_after_response=1.0))
    with client_for(proxy) as client:
        with pytest.raises(httpx.TransportError):
            client.post("/api/v1/tasks/batch", content=b'{"marker": "m-1"}')
        with pytest.raises(httpx.TransportError):
            client.get("/chunked", params={"parts": 50, "size": 4000})
        proxy.set_plan(FaultPlan())
        assert client.post("/api/v1/tasks/batch", content=b'{"marker": "m-2"}').status_code == 200

    [first, second] = echo_upstream.app.received("/api/v1/tasks/batch")
    assert (first.body, second.body) == (b'{"marker": "m-1"}', b'{"marker": "m-2"}')
    assert len(echo_upstream.app.received("/chunked")) == 1
    stats = proxy.stats()
    assert stats.injected[Fault.RESET_AFTER_RESPONSE] == 2
    assert stats.forwarded == 3


def test_slow_response_outlasts_the_client_timeout_after_the_write(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url, FaultPlan(slow_response=1.0, slow_delay=0.6))
    with client_for(proxy, timeout=0.15) as impatient, pytest.raises(httpx.ReadTimeout):
        impatient.post("/api/v1/tasks", content=b'{"marker": "slow-1"}')
    assert [r.body for r in echo_upstream.app.received()] == [b'{"marker": "slow-1"}']

    with client_for(proxy, timeout=5.0) as patient:
        started = time.monotonic()
        response = patient.get("/later")
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed >= 0.6
    assert proxy.stats().injected[Fault.SLOW_RESPONSE] == 2


def test_path_and_method_filters_choose_the_requests_that_can_fail(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    plan = FaultPlan(service_unavailable=1.0, paths=("/api/v1/tasks/batch*",), methods=("post",))
    proxy = fault_proxy(echo_upstream.url, plan)
    with client_for(proxy) as client:
        statuses = [
            client.post("/api/v1/tasks/batch?atomic=true").status_code,
            client.post("/api/v1/tasks/batch/delete").status_code,
            client.get("/api/v1/tasks/batch").status_code,
            client.post("/api/v1/tasks").status_code,
            client.post("/api/v1/tasks/1/batch").status_code,
        ]

    assert statuses == [503, 503, 200, 200, 200]
    stats = proxy.stats()
    assert (stats.requests, stats.matched, stats.faults) == (5, 2, 2)


def _statuses(proxy: FaultProxy, count: int) -> list[int]:
    with client_for(proxy) as client:
        return [client.get("/api/v1/tasks").status_code for _ in range(count)]


def test_the_same_seed_gives_the_same_faults(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    plan = FaultPlan.evenly(0.5, kinds=BEFORE_FORWARDING)
    first = _statuses(fault_proxy(echo_upstream.url, plan, seed=1234), 60)
    again = _statuses(fault_proxy(echo_upstream.url, plan, seed=1234), 60)
    other = _statuses(fault_proxy(echo_upstream.url, plan, seed=99), 60)

    assert first == again
    assert first != other
    assert {429, 502, 503, 200} == set(first)


def test_set_plan_with_a_seed_replays_the_sequence(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url, seed=0)
    plan = FaultPlan.evenly(0.5, kinds=BEFORE_FORWARDING)
    proxy.set_plan(plan, seed=7)
    first = _statuses(proxy, 30)
    proxy.set_plan(plan, seed=7)
    assert _statuses(proxy, 30) == first
    assert proxy.seed == 7


def test_max_faults_bounds_the_faults_of_a_plan(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url, FaultPlan(service_unavailable=1.0, max_faults=3))
    assert _statuses(proxy, 6) == [503, 503, 503, 200, 200, 200]
    proxy.set_plan(FaultPlan(bad_gateway=1.0, max_faults=1))  # a new plan, a new budget
    assert _statuses(proxy, 2) == [502, 200]

    events = proxy.fault_events()
    assert [(e.request_number, e.fault) for e in events] == [
        (1, Fault.SERVICE_UNAVAILABLE),
        (2, Fault.SERVICE_UNAVAILABLE),
        (3, Fault.SERVICE_UNAVAILABLE),
        (7, Fault.BAD_GATEWAY),
    ]
    assert {(e.method, e.path) for e in events} == {("GET", "/api/v1/tasks")}


def test_reset_stats_zeroes_the_counters(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url, FaultPlan(rate_limited=1.0))
    _statuses(proxy, 2)
    proxy.reset_stats()
    stats = proxy.stats()
    assert (stats.requests, stats.faults, stats.client_connections) == (0, 0, 0)
    assert proxy.fault_events() == ()
    assert _statuses(proxy, 1) == [429]
    assert proxy.stats().injected[Fault.RATE_LIMITED] == 1


async def test_concurrent_requests_are_counted_exactly(
    echo_upstream: EchoUpstream, fault_proxy: MakeFaultProxy
) -> None:
    proxy = fault_proxy(echo_upstream.url, FaultPlan.evenly(0.6, kinds=BEFORE_FORWARDING))
    limits = httpx.Limits(max_connections=16)
    async with httpx.AsyncClient(
        base_url=proxy.url, trust_env=False, timeout=5.0, limits=limits
    ) as client:
        responses = await asyncio.gather(
            *(client.post("/api/v1/tasks", content=f"{i}".encode()) for i in range(120))
        )

    seen = Counter(r.status_code for r in responses)
    stats = proxy.stats()
    assert {status: seen[status] for status in (503, 502, 429)} == {
        PRE_FORWARD_STATUS[fault]: stats.injected[fault] for fault in BEFORE_FORWARDING
    }
    assert seen[200] == stats.forwarded == len(echo_upstream.app.received())
    assert seen.total() == stats.requests == 120
