"""The database a network away: benchmarks/server.py's ``remote-db``, ``round-trips`` and
``head-of-line`` scenarios (issue 19).

All three run against a private PostgreSQL cluster (benchmarks/private_postgres.py; never the
shared one), seeded with ``--tasks`` tasks in one account, and drive the apps over HTTP only, so
any version of the server can be measured: ``taskmaster-server serve`` at its defaults (one
worker, ``TASKMASTER_THREADS`` as the environment has it, unset meaning the default) beside
benchmarks/async_baseline_app.py (the same SQL on SQLAlchemy asyncio + psycopg async, no auth).
Each app has its own delay proxy (benchmarks/delay_proxy.py) adding ``--rtt-ms`` of round trip
between it and PostgreSQL; ``SELECT 1`` through it is measured and printed.

- ``remote-db``: a second copy of each app connects to PostgreSQL directly. GET task, list 50
  and POST task are measured on both copies in alternating rounds; a round's figure is the
  requests/s through the proxy over the requests/s direct. Targets (the server): kept >= 90 %
  (GET), >= 85 % (list 50), >= 80 % (POST), median of the rounds. The line ends with the
  share of a core each process used in the direct runs: far below 100 % for the one-threaded
  server, the machine was too busy to let it run flat out and the ratio says little (the
  delay then hides behind the wait for a CPU).
- ``round-trips``: requests one at a time through the proxy, which counts the turns of the
  database protocol (the client speaking after the server has); the idle rate of the same
  proxy (background work such as the webhook poller), measured just before, is subtracted.
  Targets (the server): GET 1, POST <= 3.
- ``head-of-line``: benchmarks/head_of_line.py, through the proxy. Targets (the server): cheap
  GET p99 <= 50 ms and max <= 250 ms, every ``/ready`` probe answered 200 within 1 s; the
  PATCHes' fate is reported.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg

from delay_proxy import DelayProxy
from head_of_line import Blocking, measure_blocking
from private_postgres import PrivatePostgres
from server import (
    HERE,
    Call,
    Connection,
    Seeded,
    _drive,
    _free_port,
    _load,
    _login,
    _run,
    _wait_ready,
    baseline_env,
    measure,
    operations,
    seed,
    server_command,
    server_env,
)

__all__ = ["QUICK", "SCENARIOS", "Options", "run"]

SCENARIOS = ("remote-db", "round-trips", "head-of-line")
KEPT_TARGETS = {"GET task": 0.90, "list 50": 0.85, "POST task": 0.80}
TRIP_TARGETS = {"GET task": 1.0, "POST task": 3.0}  # at most
APPS = ("server", "async baseline")
WARM_UP_TRIPS = 120  # sequential requests: 12 on each of the pool's 10 kept connections


@dataclass(frozen=True)
class Options:
    rtt_ms: float = 1.0
    tasks: int = 20_000
    requests: int = 300  # per round and operation (list 50: a third)
    rounds: int = 3
    concurrency: int = 8
    hold: float = 12.0
    locked: int = 8  # PATCHes, one per locked row
    trips_requests: int = 100
    idle: float = 3.0  # seconds to measure a proxy's background rate of turns


QUICK = Options(tasks=5_000, requests=150, rounds=2, hold=4.0, trips_requests=50, idle=1.0)


@dataclass(frozen=True)
class App:
    label: str
    pid: int
    port: int
    headers: dict[str, str]
    proxy: DelayProxy | None  # between it and PostgreSQL


def _conninfo(port: int) -> str:
    return f"host=127.0.0.1 port={port} user=postgres dbname=postgres"


def _select_one(port: int, count: int = 200) -> tuple[float, float]:
    """Median and p90 of ``SELECT 1`` on one connection, in ms."""
    with psycopg.connect(_conninfo(port), autocommit=True) as connection:
        times = []
        for _ in range(count):
            started = time.perf_counter()
            connection.execute("SELECT 1").fetchone()
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9)]


def async_baseline_command(port: int, workers: int) -> list[str]:
    command = [sys.executable, str(HERE / "async_baseline_app.py")]
    return [*command, "--port", str(port), "--workers", str(workers)]


@contextmanager
def _apps(
    seeded: Seeded, pg: PrivatePostgres, workdir: Path, options: Options, direct: bool
) -> Iterator[tuple[dict[str, App], dict[str, App]]]:
    """The server and the async baseline, each behind its own delay proxy, and when ``direct``
    a second copy of each connected to PostgreSQL directly: (delayed, direct or empty).

    All start at once: on a loaded machine each start takes seconds of CPU, and started in
    turn they would add up.
    """
    wanted = [(label, True) for label in APPS] + [(label, False) for label in APPS if direct]
    with ExitStack() as stack:
        starting = []
        for label, delayed in wanted:
            proxy = None
            target = seeded
            if delayed:
                proxy = stack.enter_context(DelayProxy(pg.port, options.rtt_ms))
                target = replace(seeded, url=pg.url_at(proxy.port))
            port = _free_port()
            if label == "server":
                # A key file of its own: two servers generating one at once would race.
                keys = workdir / ("delayed" if delayed else "direct")
                keys.mkdir(exist_ok=True)
                command, env = server_command(port, 1), server_env(target, keys)
            else:
                command, env = async_baseline_command(port, 1), baseline_env(target)
            process = subprocess.Popen(
                command,
                env=env,
                cwd=HERE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            stack.callback(_stop, process)
            starting.append((label, delayed, process, port, proxy))
        apps: tuple[dict[str, App], dict[str, App]] = ({}, {})
        for label, delayed, process, port, proxy in starting:
            _wait_ready(process, port)
            _wait_database(port)
            headers = {"Authorization": f"Bearer {_login(port)}"} if label == "server" else {}
            apps[0 if delayed else 1][label] = App(label, process.pid, port, headers, proxy)
        yield apps


def _wait_database(port: int, timeout: float = 60.0) -> None:
    """Until ``/ready`` answers 200: on a loaded machine the first connections to PostgreSQL
    can outlast the server's connect timeout, and a login then answers 503."""
    deadline = time.monotonic() + timeout
    status = 0
    while time.monotonic() < deadline:
        status = _run(_status(port, Call("GET", "/api/v1/ready")))
        if status == 200:
            return
        time.sleep(0.5)
    raise RuntimeError(f"/ready still answers {status} after {timeout:g} s")


async def _status(port: int, call: Call) -> int:
    connection = Connection(port, {})
    await connection.open()
    try:
        status, _ = await connection.send(call)
    finally:
        connection.close()
    return status


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _percent(values: list[float]) -> str:
    return f"{min(values):.0%}-{max(values):.0%}"


def remote_database(
    direct: dict[str, App], delayed: dict[str, App], seeded: Seeded, options: Options, rtt: float
) -> list[str]:
    rounds = options.rounds
    lines = []
    for name, count, make, _ in operations(seeded, options.requests * rounds):
        if name not in KEPT_TARGETS:
            continue
        per_round = count // rounds
        kept: dict[str, list[float]] = {label: [] for label in APPS}
        rps: dict[tuple[str, bool], list[float]] = {}
        # The share of a core each app's process used when connected directly: well under
        # 100 % for the one-threaded server, the machine was too busy to let it run flat out,
        # and the delay hides behind the wait for a CPU.
        busy: dict[str, list[float]] = {}
        for k in range(rounds):

            def shifted(
                i: int, k: int = k, make: Callable[[int], Call] = make, n: int = per_round
            ) -> Call:
                return make(k * n + i)

            for label in APPS:
                figures = []
                for far, app in ((False, direct[label]), (True, delayed[label])):
                    result = measure(
                        app.pid, app.port, app.headers, per_round, options.concurrency, shifted
                    )
                    rps.setdefault((label, far), []).append(result.rps)
                    figures.append(result.rps)
                    if not far:
                        busy.setdefault(label, []).append(result.rps * result.cpu_ms / 1000)
                kept[label].append(figures[1] / figures[0])
        target = KEPT_TARGETS[name]
        share = {label: statistics.median(kept[label]) for label in APPS}
        shown = {
            label: (
                f"{share[label]:.0%} ({statistics.median(rps[label, True]):.0f} /"
                f" {statistics.median(rps[label, False]):.0f} req/s)"
            )
            for label in APPS
        }
        verdict = "ok" if share["server"] >= target else "MISSED"
        lines.append(
            f"remote DB    {name:<10} kept at {rtt:.2f} ms RTT: server {shown['server']}"
            f" / async baseline {shown['async baseline']} (target >= {target:.0%}) {verdict};"
            f" rounds server {_percent(kept['server'])},"
            f" baseline {_percent(kept['async baseline'])}; direct, the processes used"
            f" {statistics.median(busy['server']):.0%} / "
            f"{statistics.median(busy['async baseline']):.0%} of a core"
        )
    return lines


def _idle_rate(app: App, seconds: float) -> float:
    """Turns per second through ``app``'s proxy while nobody asks it anything (the server's
    webhook poller, for one)."""
    assert app.proxy is not None
    app.proxy.reset()
    started = time.perf_counter()
    time.sleep(seconds)
    return app.proxy.stats()["turns"] / (time.perf_counter() - started)


def _trips(app: App, make: Callable[[int], Call], count: int, idle: float) -> tuple[float, int]:
    """Database turns per request, one request at a time, less ``idle`` turns per second:
    (turns, connections opened).

    The warm-up goes round the pool first: it hands out its connections in turn, and psycopg
    prepares a statement on its fifth run on a connection, at the cost of an extra turn.
    """
    assert app.proxy is not None
    _run(_drive(app.port, app.headers, min(WARM_UP_TRIPS, 2 * count), 1, make))
    app.proxy.reset()
    started = time.perf_counter()
    _run(_drive(app.port, app.headers, count, 1, make))
    elapsed = time.perf_counter() - started
    stats = app.proxy.stats()
    return (stats["turns"] - idle * elapsed) / count, stats["connections"]


def round_trips(delayed: dict[str, App], seeded: Seeded, options: Options) -> list[str]:
    idle = {label: _idle_rate(delayed[label], options.idle) for label in APPS}
    lines = []
    for name, _, make, _ in operations(seeded, options.trips_requests):
        if name not in ("GET task", "list 50", "POST task", "PATCH task"):
            continue
        counted = {
            label: _trips(delayed[label], make, options.trips_requests, idle[label])
            for label in APPS
        }
        server = counted["server"][0]
        target = TRIP_TARGETS.get(name)
        if target is None:
            goal = "(no target)"
        else:
            verdict = "ok" if round(server, 1) <= target else "MISSED"
            goal = f"(target {'' if name == 'GET task' else '<= '}{target:.0f}) {verdict}"
        extra = [
            f"{label} opened {counted[label][1]} connections" for label in APPS if counted[label][1]
        ]
        lines.append(
            f"round trips  {name:<10} per request: server {server:.2f}"
            f" / async baseline {counted['async baseline'][0]:.2f} {goal};"
            f" idle turns/s subtracted {idle['server']:.1f} / {idle['async baseline']:.1f}"
            + ("; " + ", ".join(extra) if extra else "")
        )
    return lines


def head_of_line(
    delayed: dict[str, App], seeded: Seeded, pg: PrivatePostgres, options: Options
) -> list[str]:
    locked = seeded.task_ids[: options.locked]
    others = seeded.task_ids[options.locked :]
    results: dict[str, Blocking] = {}
    for label in APPS:
        app = delayed[label]
        results[label] = measure_blocking(
            app.port, app.headers, _conninfo(pg.port), locked, others, options.hold, 8
        )
    server, base = results["server"], results["async baseline"]
    what = f"{options.locked} PATCHes on rows locked {options.hold:g} s, GETs at c=8"
    p99_ok = "ok" if server.p99_ms <= 50 else "MISSED"
    max_ok = "ok" if server.max_ms <= 250 else "MISSED"
    probes_ok = (
        "ok" if server.probes and server.probes_within(1.0) == len(server.probes) else ("MISSED")
    )
    errors = {
        label: ", ".join(f"{n}x{code}" for code, n in results[label].get_errors.items())
        for label in APPS
    }
    lines = [
        f"head-of-line cheap GET p99: server {server.p99_ms:.0f} ms / async baseline"
        f" {base.p99_ms:.0f} ms (target <= 50 ms) {p99_ok}; {what};"
        f" GETs {len(server.gets)} / {len(base.gets)}"
        + "".join(f"; {label} failed GETs: {errors[label]}" for label in APPS if errors[label]),
        f"head-of-line cheap GET max: server {server.max_ms:.0f} ms / async baseline"
        f" {base.max_ms:.0f} ms (target <= 250 ms) {max_ok}",
        f"head-of-line /ready 200 within 1 s: server {server.probes_within(1.0)}/"
        f"{len(server.probes)} probes / async baseline {base.probes_within(1.0)}/"
        f"{len(base.probes)} (target: every probe) {probes_ok};"
        f" server {server.describe_probes()}; baseline {base.describe_probes()}",
        f"head-of-line PATCHes: server {server.describe_patches()}",
        f"head-of-line PATCHes: async baseline {base.describe_patches()}",
    ]
    return lines


def run(selected: list[str], options: Options) -> list[str]:
    """The ``selected`` scenarios, in one cluster; the summary lines (each scenario's are also
    printed as it ends)."""
    lines: list[str] = []
    started = time.perf_counter()
    with PrivatePostgres() as pg, tempfile.TemporaryDirectory() as workdir:
        seeded = seed(pg.url, options.tasks)
        apps = _apps(seeded, pg, Path(workdir), options, direct="remote-db" in selected)
        with apps as (delayed, direct):
            proxy = delayed["server"].proxy
            assert proxy is not None
            rtt, rtt_p90 = _select_one(proxy.port)
            direct_rtt, _ = _select_one(pg.port)
            threads = os.environ.get("TASKMASTER_THREADS") or "unset (default)"
            print(
                f"Remote database: PostgreSQL {pg.version} (private cluster, fsync off),"
                f" {options.tasks:,} tasks in one account, TASKMASTER_THREADS {threads};"
                f" {_load()}",
                flush=True,
            )
            scenarios: list[tuple[str, Callable[[], list[str]]]] = [
                ("remote-db", lambda: remote_database(direct, delayed, seeded, options, rtt)),
                ("round-trips", lambda: round_trips(delayed, seeded, options)),
                ("head-of-line", lambda: head_of_line(delayed, seeded, pg, options)),
            ]
            for name, scenario in scenarios:
                if name in selected:
                    found = scenario()
                    print("\n".join(found), flush=True)
                    lines += found
            # The delay again: on a loaded machine the proxy's threads wake late.
            rtt_after, rtt_after_p90 = _select_one(proxy.port)
        lines.insert(
            0,
            f"remote DB    SELECT 1 through the delay proxy: {rtt:.2f} ms median"
            f" (p90 {rtt_p90:.2f} ms), after the scenarios {rtt_after:.2f} ms"
            f" (p90 {rtt_after_p90:.2f} ms); --rtt-ms {options.rtt_ms:g}, direct"
            f" {direct_rtt:.2f} ms; {options.tasks:,} tasks; TASKMASTER_THREADS {threads}",
        )
    lines.append(f"(remote database scenarios: {time.perf_counter() - started:.0f} s; {_load()})")
    return lines
