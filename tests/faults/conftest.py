"""Fixtures for fault tests: `fault_proxy` (a FaultProxy factory) and `echo_upstream`;
`client_for(proxy)` makes a plain httpx client for a proxy."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.faults.echo_upstream import EchoApp, EchoUpstream, serve
from tests.faults.proxy import FaultPlan, FaultProxy, Timeouts

#: Set to replay a failing run: the seed of every proxy a test made is in its report.
SEED_VARIABLE = "TASKMASTER_FAULT_SEED"

MakeFaultProxy = Callable[..., FaultProxy]


def client_for(proxy: FaultProxy, timeout: float = 5.0) -> httpx.Client:
    """A plain httpx client aimed at `proxy`."""
    # trust_env=False: an HTTP_PROXY in the environment must not reroute loopback traffic.
    return httpx.Client(base_url=proxy.url, trust_env=False, timeout=timeout)


@pytest.fixture
def fault_proxy(request: pytest.FixtureRequest) -> Iterator[MakeFaultProxy]:
    """A factory: `fault_proxy(upstream_url, plan=None, *, seed=None, timeouts=None)`.

    Each call starts a proxy in front of `upstream_url`; all are stopped after the test (which
    then fails if a proxy connection crashed). Without `seed`, the seed is
    `$TASKMASTER_FAULT_SEED` or 0; it is written into the test's report.
    """
    proxies: list[FaultProxy] = []

    def make(
        upstream: str,
        plan: FaultPlan | None = None,
        *,
        seed: int | None = None,
        timeouts: Timeouts | None = None,
    ) -> FaultProxy:
        if seed is None:
            seed = int(os.environ.get(SEED_VARIABLE, "0"))
        proxy = FaultProxy(upstream, plan, seed=seed, timeouts=timeouts).start()
        proxies.append(proxy)
        request.node.add_report_section("call", "fault proxy", repr(proxy))
        return proxy

    yield make
    crashed: list[RuntimeError] = []
    for proxy in reversed(proxies):
        try:
            proxy.stop()
        except RuntimeError as exc:
            crashed.append(exc)
    if crashed:
        raise crashed[0]


@pytest.fixture(scope="session")
def _echo_server() -> Iterator[EchoUpstream]:
    # One server per test process: uvicorn takes ~0.2 s to shut down, too long to pay per test.
    app = EchoApp()
    with serve(app) as url:
        yield EchoUpstream(app, url)


@pytest.fixture
def echo_upstream(_echo_server: EchoUpstream) -> EchoUpstream:
    """A real HTTP server (uvicorn) on 127.0.0.1 that records and describes what it receives.

    Shared by the tests of one process, which run one at a time: its record starts empty.
    """
    _echo_server.app.clear()
    return _echo_server
