"""Reference server cost per request against a bare Starlette app (benchmarks/baseline_app.py),
and the server with its database a network away (remote_database.py).

    .venv/bin/python benchmarks/server.py [--quick] [--requests 600] [--rounds 5]
        [--concurrency 4] [--skip-sqlite] [--skip-postgres] [--only NAME ...]
        [--rtt-ms 1] [--tasks 20000] [--hold 12] [--remote-requests 300] [--remote-rounds 3]

Without ``--only`` it runs everything; ``--only`` names operations of the cost comparison
(``'GET task'``, ...) and/or the scenarios ``remote-db``, ``round-trips``, ``head-of-line``.

For SQLite (one file) and PostgreSQL (a database ``taskmaster_bench`` created next to
``TASKMASTER_TEST_DATABASE_URL``, default the shared ``postgres@127.0.0.1:5432``, dropped
after), it seeds one account, then runs the same operations against ``taskmaster-server serve``
(production settings: auth, tenancy, rate limits, request validation and INFO JSON logging on;
response validation off) and against the baseline app, both under uvicorn with the same options,
on the same database:

    GET task · list 50 (status filter, sort -priority) · POST task · PATCH task · batch of 100

Both apps run at once. Each operation is measured in ``--rounds`` alternating rounds (server,
then baseline, ``--requests`` each), so that whatever else the machine does hits both alike; a
round sends its requests over ``--concurrency`` keep-alive connections from a minimal asyncio
HTTP/1.1 client (so the load generator stays cheap), and reads the server's CPU time (utime +
stime of the uvicorn process and its children, from /proc) before and after. It prints, per
operation and database, the median round's CPU ms per request (per item for the batch),
requests/s, p50/p99 and the load generator's own CPU per request, then the median of the
per-round ratios server / baseline with its target and the range over the rounds.

Last, GET task on PostgreSQL with ``--workers 2`` against one worker (requests/s; target >=
1.7x), alternating rounds again, for the server and for the baseline app, with each worker's
share of the CPU and the ceiling this machine allows: one worker is bound by its own core, two
share both cores with PostgreSQL and the load generator, so two can reach at most
``CPUs x server / (server + PostgreSQL + load generator)`` CPU per request. For that run the
connections are opened one by one and spread evenly over the workers (checked in /proc): the
workers accept from one shared socket, and a handful of connections opened at once tends to
land on one of them.

Then the remote database scenarios (remote_database.py has the details): on a private
PostgreSQL cluster (initdb + pg_ctl in a temporary directory, never the shared one) seeded with
``--tasks`` tasks, ``taskmaster-server serve`` at its defaults (one worker) and the async
baseline (async_baseline_app.py: SQLAlchemy asyncio + psycopg async, the same SQL, no auth),
each reaching PostgreSQL through a proxy that adds ``--rtt-ms`` of round trip and counts the
database protocol's turns (delay_proxy.py). Each prints one line per target, the server's figure
beside the async baseline's, with ``ok`` or ``MISSED`` for the server:

- ``remote-db``: GET task, list 50 and POST task throughput through the proxy as a share of
  the same app's connected directly (alternating rounds): targets >= 90 %, 85 %, 80 %;
- ``round-trips``: database round trips per GET task (target 1) and POST task (target <= 3),
  with list 50 and PATCH task for information;
- ``head-of-line``: 8 PATCHes wait on rows another transaction locks for ``--hold`` seconds
  (the issue's figure is 12) while cheap GETs run at concurrency 8 (targets: p99 <= 50 ms,
  max <= 250 ms) and ``/ready`` is probed every 0.5 s (target: 200 within 1 s every time);
  what happened to the PATCHes (statuses, durations, how many reached PostgreSQL) is printed.

With the defaults the three took 6 minutes on a shared 2-core machine at load 11-19, most of it
the throughput rounds (``--quick`` or fewer ``--remote-requests`` for less; the head-of-line
runs hold the rows twice ``--hold`` seconds). A smoke run at a tiny scale, checking only that
every line is printed, is tests/faults/test_bench_remote_database.py.

Not a test: numbers depend on the machine (its load average is printed with each table), and
the client shares the CPUs with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from taskmaster_server.auth.passwords import Passwords
from taskmaster_server.db.migrate import upgrade
from taskmaster_server.db.models import Project, Task
from taskmaster_server.db.session import Database, normalize_url
from taskmaster_server.services import accounts

HERE = Path(__file__).resolve().parent
EMAIL, PASSWORD = "bench@example.com", "bench-password"
DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BENCH_DATABASE = "taskmaster_bench"
SEED_TASKS = 2000
TARGETS = {"GET task": 2.0, "list 50": 2.5, "POST task": 2.0, "PATCH task": 2.0, "batch 100": 2.0}
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


# -- the load generator -------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: bytes = b""
    content_type: str = "application/json"


class Connection:
    """One keep-alive HTTP/1.1 connection; just enough of the protocol for these answers."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.fixed = "".join(f"{k}: {v}\r\n" for k, v in headers.items())

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def send(self, call: Call) -> tuple[int, bytes]:
        head = f"{call.method} {call.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{self.fixed}"
        if call.body:
            head += f"Content-Type: {call.content_type}\r\nContent-Length: {len(call.body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + call.body)
        # The whole head in one read, then the body: per request the load generator costs a
        # few dozen microseconds, not one call per header line.
        head_block = await self.reader.readuntil(b"\r\n\r\n")
        status_line, _, header_lines = head_block.partition(b"\r\n")
        length = 0
        chunked = False
        for line in header_lines.split(b"\r\n"):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value:
                chunked = True
        if chunked:
            body = b""
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            body = await self.reader.readexactly(length)
        return int(status_line.split()[1]), body

    def close(self) -> None:
        self.writer.close()


_T = TypeVar("_T")


def _run(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run the load generator on uvloop when it is installed (uvicorn[standard] brings it):
    it spends about half of asyncio's CPU per request, which leaves more for the server."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)


@dataclass
class Result:
    cpu_ms: float  # server CPU per request
    rps: float
    p50: float
    p99: float
    count: int
    client_ms: float = 0.0  # the load generator's own CPU per request
    db_ms: float = 0.0  # a local PostgreSQL's CPU per request (all its processes), if visible
    # Per uvicorn worker (``--workers`` > 1): its share of the server CPU of the run.
    worker_cpu: dict[int, float] = field(default_factory=dict)


def _cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` and every live descendant (uvicorn's worker processes)."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        stats[int(entry)] = fields
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        fields = stats.get(current)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime
        todo.extend(children.get(current, ()))
    return total / CLOCK_TICK


def _children(pid: int) -> list[int]:
    """uvicorn's worker processes under ``--workers``: the children of ``pid`` but for
    multiprocessing's resource tracker."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                raw = Path(f"/proc/{entry}/stat").read_text()
                command = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if int(raw[raw.rindex(")") + 2 :].split()[1]) == pid and b"resource_tracker" not in (
                command
            ):
                found.append(int(entry))
    return sorted(found)


def _accepting_pid(server_port: int, client_port: int, workers: list[int]) -> int | None:
    """Which worker holds the server side of the connection from ``client_port``, if any yet."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == (
            client_port
        ):
            inode = fields[9]
    if inode is None or inode == "0":
        return None
    target = f"socket:[{inode}]"
    for pid in workers:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    return pid
        except OSError:
            continue
    return None


async def _open_balanced(
    port: int, headers: dict[str, str], concurrency: int, workers: list[int]
) -> tuple[list[Connection], dict[int, int]]:
    """Open ``concurrency`` connections, as many on each worker as on any other.

    uvicorn's workers accept from one shared socket, and a burst of connections opened at once
    mostly lands on whichever worker wakes first; a client opening a handful of keep-alive
    connections then loads one worker and the figure measures the kernel's luck, not the
    server. Connections are opened one at a time, and one that lands on a worker that already
    has its share is set aside (closed after) for another try, as a load balancer would spread
    them.
    """
    share = -(-concurrency // len(workers))
    kept: list[Connection] = []
    spare: list[Connection] = []
    counts = dict.fromkeys(workers, 0)
    for _ in range(concurrency * 30):
        if len(kept) == concurrency:
            break
        connection = Connection(port, headers)
        await connection.open()
        client_port = connection.writer.get_extra_info("sockname")[1]
        owner = None
        for _ in range(200):
            owner = _accepting_pid(port, client_port, workers)
            if owner is not None:
                break
            await asyncio.sleep(0.005)
        if owner is not None and counts[owner] < share:
            counts[owner] += 1
            kept.append(connection)
        else:
            spare.append(connection)
        await asyncio.sleep(0.01)
    for connection in spare:
        connection.close()
    if len(kept) < concurrency:
        raise RuntimeError(f"could not spread {concurrency} connections over {workers}: {counts}")
    return kept, counts


async def _drive(
    port: int,
    headers: dict[str, str],
    count: int,
    concurrency: int,
    make: Callable[[int], Call],
    workers: list[int] | None = None,
    meter: Meter | None = None,
) -> tuple[list[float], float]:
    if workers:
        connections, _ = await _open_balanced(port, headers, concurrency, workers)
    else:
        connections = [Connection(port, headers) for _ in range(concurrency)]
        await asyncio.gather(*(c.open() for c in connections))
    latencies: list[float] = []
    queue = iter(range(count))

    async def worker(connection: Connection) -> None:
        for index in queue:
            call = make(index)
            started = time.perf_counter()
            status, body = await connection.send(call)
            latencies.append(time.perf_counter() - started)
            if status >= 300:
                raise RuntimeError(f"{call.method} {call.path}: {status} {body[:300]!r}")

    # CPU is counted from here: opening (and spreading) the connections is not a request.
    if meter is not None:
        meter.start()
    started = time.perf_counter()
    try:
        await asyncio.gather(*(worker(c) for c in connections))
        elapsed = time.perf_counter() - started
        if meter is not None:
            meter.stop()
    finally:
        for c in connections:
            c.close()
    return latencies, elapsed


class Meter:
    """CPU seconds of the server, its workers, the database and this process over a run."""

    def __init__(self, pid: int, workers: list[int] | None, db_pid: int | None) -> None:
        self.pids = {"server": pid, **({"db": db_pid} if db_pid else {})}
        self.workers = workers or []
        self.spent: dict[str | int, float] = {}

    def _read(self) -> dict[str | int, float]:
        now: dict[str | int, float] = {k: _cpu_seconds(p) for k, p in self.pids.items()}
        now.update({w: _cpu_seconds(w) for w in self.workers})
        now["client"] = time.process_time()
        return now

    def start(self) -> None:
        self._before = self._read()

    def stop(self) -> None:
        after = self._read()
        self.spent = {k: after[k] - self._before[k] for k in after}


def measure(
    pid: int,
    port: int,
    headers: dict[str, str],
    count: int,
    concurrency: int,
    make: Callable[[int], Call],
    workers: list[int] | None = None,
    db_pid: int | None = None,
) -> Result:
    # A short warm-up so that first-request costs (imports, plan caches) are not counted.
    _run(_drive(port, headers, max(4, count // 20), concurrency, make, workers))
    meter = Meter(pid, workers, db_pid)
    latencies, elapsed = _run(_drive(port, headers, count, concurrency, make, workers, meter))
    cpu, client = meter.spent["server"], meter.spent["client"]
    db = meter.spent.get("db", 0.0)
    each = {w: meter.spent[w] for w in workers or ()}
    latencies.sort()
    return Result(
        cpu_ms=cpu * 1000 / count,
        rps=count / elapsed,
        p50=statistics.median(latencies) * 1000,
        p99=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        count=count,
        client_ms=client * 1000 / count,
        db_ms=db * 1000 / count,
        worker_cpu={w: c / cpu if cpu else 0.0 for w, c in each.items()},
    )


# -- the two apps -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_ready(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                probe.sendall(
                    b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                )
                if probe.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not start")


@contextmanager
def running(command: list[str], env: dict[str, str], port: int) -> Iterator[int]:
    process = subprocess.Popen(
        command,
        env=env,
        cwd=HERE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_ready(process, port)
        yield process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class Seeded:
    url: str
    account_id: uuid.UUID
    project_id: uuid.UUID
    task_ids: list[uuid.UUID]


def seed(url: str, tasks: int = SEED_TASKS) -> Seeded:
    upgrade(url)
    db = Database(url)
    try:
        created = accounts.create_user(
            db, Passwords(time_cost=1, memory_kib=1024), email=EMAIL, password=PASSWORD
        )
        account_id = created.account_id
        now = datetime.now(UTC)
        with db.write() as session:
            project_id = session.scalar(select(Project.id).where(Project.account_id == account_id))
            assert project_id is not None
            rows = [
                {
                    "id": uuid.uuid4(),
                    "account_id": account_id,
                    "project_id": project_id,
                    "title": f"seeded task {i}",
                    "description": "A task the benchmark reads and lists.",
                    "status": ("pending", "in_progress", "done", "cancelled")[i % 4],
                    "priority": i % 4 + 1,
                    "tags": [],
                    "meta": {},
                    "version": 1,
                    "created_at": now - timedelta(seconds=i),
                    "updated_at": now - timedelta(seconds=i),
                }
                for i in range(tasks)
            ]
            session.execute(insert(Task), rows)
        if db.dialect == "postgresql":
            with db.engine.connect() as connection:
                connection.execute(text("ANALYZE"))
                connection.commit()
    finally:
        db.dispose()
    return Seeded(url, account_id, project_id, [r["id"] for r in rows])


def _login(port: int) -> str:
    async def go() -> str:
        connection = Connection(port, {})
        await connection.open()
        body = json.dumps({"email": EMAIL, "password": PASSWORD}).encode()
        status, answer = await connection.send(Call("POST", "/api/v1/auth/login", body))
        connection.close()
        if status != 200:
            raise RuntimeError(f"login: {status} {answer[:200]!r}")
        return str(json.loads(answer)["access_token"])

    return _run(go())


def server_command(port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "taskmaster_server",
        "serve",
        "--no-migrate",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


def server_env(seeded: Seeded, workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "TASKMASTER_DATABASE_URL": seeded.url,
        "TASKMASTER_JWT_PRIVATE_KEY": str(workdir / "jwt.pem"),
        # On, but high enough that the benchmark's own requests stay under it.
        "TASKMASTER_RATE_LIMIT": "10000000/minute",
        "TASKMASTER_LOG_LEVEL": "INFO",
        "TASKMASTER_VALIDATE_RESPONSES": "false",
        "PYTHONPATH": str(HERE.parent / "src"),
    }
    for name in ("TASKMASTER_REDIS_URL", "TASKMASTER_JWT_GENERATE_KEY"):
        env.pop(name, None)
    return env


def baseline_command(port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        str(HERE / "baseline_app.py"),
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


def baseline_env(seeded: Seeded) -> dict[str, str]:
    return {
        **os.environ,
        "TASKMASTER_DATABASE_URL": seeded.url,
        "BENCH_ACCOUNT_ID": str(seeded.account_id),
        "BENCH_PROJECT_ID": str(seeded.project_id),
        "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent / "src")]),
    }


def operations(seeded: Seeded, requests: int) -> list[tuple[str, int, Callable[[int], Call], int]]:
    """(name, request count, request maker, items per request)."""
    ids = seeded.task_ids
    run = uuid.uuid4().hex[:6]

    def get(i: int) -> Call:
        return Call("GET", f"/api/v1/tasks/{ids[i % len(ids)]}")

    def listing(i: int) -> Call:
        status = ("pending", "done")[i % 2]
        return Call("GET", f"/api/v1/tasks?status={status}&sort=-priority&limit=50")

    def post(i: int) -> Call:
        body = {"title": f"bench {run} {i}", "tags": ["bench"], "priority": "high"}
        return Call("POST", "/api/v1/tasks", json.dumps(body).encode())

    def patch(i: int) -> Call:
        # Spread over rows so concurrent updates do not queue on one row lock.
        body = json.dumps({"title": f"renamed {run} {i}"}).encode()
        return Call("PATCH", f"/api/v1/tasks/{ids[(i * 7) % len(ids)]}", body)

    items = [{"title": f"batch item {i}", "tags": ["b"]} for i in range(100)]
    batch_body = json.dumps(items).encode()

    def batch(_: int) -> Call:
        return Call("POST", "/api/v1/tasks/batch", batch_body)

    return [
        ("GET task", requests, get, 1),
        ("list 50", max(20, requests // 3), listing, 1),
        ("POST task", requests, post, 1),
        ("PATCH task", requests, patch, 1),
        ("batch 100", max(6, requests // 30), batch, 100),
    ]


def _load() -> str:
    return "load avg " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def _row(name: str, result: Result, per: int) -> str:
    unit = "item" if per > 1 else "req"
    return (
        f"    {name:<11} {result.cpu_ms / per:7.3f} ms CPU/{unit:<4} {result.rps:8.1f} req/s"
        f"   p50 {result.p50:7.1f} ms   p99 {result.p99:7.1f} ms   (n={result.count})"
        f"   client {result.client_ms:.2f} ms CPU/req"
    )


def _median_result(results: list[Result]) -> Result:
    """The round with the median CPU per request (its other figures come with it)."""
    ordered = sorted(results, key=lambda r: r.cpu_ms)
    return ordered[len(ordered) // 2]


def compare(
    label: str,
    seeded: Seeded,
    requests: int,
    concurrency: int,
    rounds: int,
    only: list[str] | None = None,
) -> list[str]:
    """Both apps up at once; each round measures one operation on the server, then on the
    baseline, so that whatever else the machine does hits both alike. The ratio reported is
    the median of the per-round ratios."""
    ops = [op for op in operations(seeded, requests * rounds) if not only or op[0] in only]
    with tempfile.TemporaryDirectory() as workdir:
        server_port, base_port = _free_port(), _free_port()
        with (
            running(
                server_command(server_port, 1), server_env(seeded, Path(workdir)), server_port
            ) as server_pid,
            running(baseline_command(base_port, 1), baseline_env(seeded), base_port) as base_pid,
        ):
            headers = {"Authorization": f"Bearer {_login(server_port)}"}
            print(f"{label} ({_load()}; {rounds} alternating rounds)", flush=True)
            lines = []
            for name, count, make, per in ops:
                per_round = count // rounds
                runs: dict[str, list[Result]] = {"server": [], "baseline": []}
                ratios = []
                for k in range(rounds):

                    def shifted(
                        i: int, k: int = k, make: Callable[[int], Call] = make, n: int = per_round
                    ) -> Call:
                        return make(k * n + i)

                    server = measure(
                        server_pid, server_port, headers, per_round, concurrency, shifted
                    )
                    base = measure(base_pid, base_port, {}, per_round, concurrency, shifted)
                    runs["server"].append(server)
                    runs["baseline"].append(base)
                    ratios.append(server.cpu_ms / base.cpu_ms if base.cpu_ms else float("inf"))
                for who in ("server", "baseline"):
                    print(
                        f"  {who:<8}" + _row(name, _median_result(runs[who]), per)[2:], flush=True
                    )
                ratio = statistics.median(ratios)
                target = TARGETS[name]
                verdict = "ok" if ratio <= target else "OVER"
                unit = "item" if per > 1 else "request"
                server_ms = statistics.median(r.cpu_ms for r in runs["server"]) / per
                base_ms = statistics.median(r.cpu_ms for r in runs["baseline"]) / per
                lines.append(
                    f"{label:<10} {name:<11} server {server_ms:6.3f} ms / baseline "
                    f"{base_ms:6.3f} ms CPU per {unit} = {ratio:4.2f}x (target <= {target}x)"
                    f" {verdict}; rounds {min(ratios):.2f}-{max(ratios):.2f}x"
                )
    return lines


def workers_scaling(seeded: Seeded, requests: int, concurrency: int, rounds: int) -> list[str]:
    """GET task on one and on two workers, both up at once and measured in alternating
    rounds; the same for the baseline app, whose ratio shows what this machine allows."""
    ids = seeded.task_ids

    def get(i: int) -> Call:
        return Call("GET", f"/api/v1/tasks/{ids[i % len(ids)]}")

    lines = []
    with tempfile.TemporaryDirectory() as workdir:
        env = server_env(seeded, Path(workdir))
        for label, command, app_env, auth in (
            ("server", server_command, env, True),
            ("baseline", baseline_command, baseline_env(seeded), False),
        ):
            ports = {1: _free_port(), 2: _free_port()}
            with (
                running(command(ports[1], 1), app_env, ports[1]) as one_pid,
                running(command(ports[2], 2), app_env, ports[2]) as two_pid,
            ):
                headers = {"Authorization": f"Bearer {_login(ports[1])}"} if auth else {}
                # With one worker, uvicorn serves in the supervisor process itself.
                children = _children(two_pid)
                if len(children) != 2:
                    raise RuntimeError(f"expected 2 worker processes, found {children}")
                runs: dict[int, list[Result]] = {1: [], 2: []}
                ratios = []
                for _ in range(rounds):
                    one = measure(
                        one_pid, ports[1], headers, requests, concurrency, get, None, _postmaster()
                    )
                    two = measure(
                        two_pid,
                        ports[2],
                        headers,
                        requests,
                        concurrency,
                        get,
                        children,
                        _postmaster(),
                    )
                    runs[1].append(one)
                    runs[2].append(two)
                    ratios.append(two.rps / one.rps)
            ratio = statistics.median(ratios)
            one_rps = statistics.median(r.rps for r in runs[1])
            two_rps = statistics.median(r.rps for r in runs[2])
            two = _median_result(runs[2])
            one = _median_result(runs[1])
            split = " / ".join(f"{share:.0%}" for share in two.worker_cpu.values())
            head = f"PostgreSQL GET task {label:<8} --workers 2 {two_rps:.0f} req/s vs 1 worker"
            head += (
                f" {one_rps:.0f} req/s = {ratio:.2f}x (rounds {min(ratios):.2f}-{max(ratios):.2f}x)"
            )
            if label == "server":
                head += " (target >= 1.7x) " + ("ok" if ratio >= 1.7 else "UNDER")
            lines.append(head)
            # One worker is bound by its own CPU (one core); two share every core with the
            # database and the load generator. The best two can do is then this.
            spent = one.cpu_ms + one.db_ms + one.client_ms
            ceiling = min(2.0, (os.cpu_count() or 1) * one.cpu_ms / spent) if spent else 0.0
            lines.append(
                f"    ceiling on this machine from the 1-worker costs: {ceiling:.2f}x"
                f" = {os.cpu_count()} CPUs x {one.cpu_ms:.2f} / ({one.cpu_ms:.2f} {label}"
                f" + {one.db_ms:.2f} PostgreSQL + {one.client_ms:.2f} load generator ms/req)"
            )
            lines.append(
                f"    CPU split {split}; {label} CPU/req {two.cpu_ms:.2f} ms (1 worker"
                f" {one.cpu_ms:.2f} ms); load generator {two.client_ms:.2f} ms ({one.client_ms:.2f});"
                f" PostgreSQL {two.db_ms:.2f} ms ({one.db_ms:.2f}; 0 if not local)"
            )
    lines.append(f"    ({_load()}, {os.cpu_count()} CPUs, {concurrency} connections spread evenly)")
    return lines


def _postmaster() -> int | None:
    """The local PostgreSQL's main process, when it runs on this machine (its backends' CPU
    competes with the workers for the same cores); None otherwise."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                raw = Path(f"/proc/{entry}/stat").read_text()
                if Path(f"/proc/{entry}/comm").read_text().strip() != "postgres":
                    continue
                parent = int(raw[raw.rindex(")") + 2 :].split()[1])
                if Path(f"/proc/{parent}/comm").read_text().strip() != "postgres":
                    return int(entry)
            except (OSError, ValueError):
                continue
    return None


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    admin = normalize_url(admin_url)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
        yield admin.set(database=BENCH_DATABASE).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
        engine.dispose()


def main() -> None:
    from remote_database import QUICK, SCENARIOS, Options, run

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="few requests: a smoke run")
    parser.add_argument("--requests", type=int, default=600, help="per operation (max 5000)")
    parser.add_argument("--concurrency", type=int, default=4, help="keep-alive connections")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per figure")
    parser.add_argument(
        "--only",
        action="append",
        choices=[*TARGETS, *SCENARIOS],
        help="measure this operation or run this scenario only (repeatable), e.g. 'GET task'"
        f" or {', '.join(SCENARIOS)}",
    )
    parser.add_argument("--skip-workers", action="store_true", help="no --workers 2 comparison")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    remote = parser.add_argument_group(
        "remote database scenarios (a private PostgreSQL cluster; see remote_database.py)"
    )
    defaults = Options()

    def option(flag: str, field: str, kind: type, help: str) -> None:
        default, quick = getattr(defaults, field), getattr(QUICK, field)
        remote.add_argument(
            flag,
            type=kind,
            dest=f"remote_{field}",
            help=f"{help} (default {default}, --quick {quick})",
        )

    option("--rtt-ms", "rtt_ms", float, "round trip added by the proxy, ms")
    option("--tasks", "tasks", int, "tasks seeded, at least 100")
    option("--remote-requests", "requests", int, "requests per round and operation")
    option("--remote-rounds", "rounds", int, "alternating rounds")
    option("--remote-concurrency", "concurrency", int, "connections for the throughput runs")
    option("--hold", "hold", float, "seconds the head-of-line rows stay locked")
    option("--trips-requests", "trips_requests", int, "requests counted per operation")
    option("--trips-idle", "idle", float, "seconds of idle traffic measured (and subtracted)")
    args = parser.parse_args()
    # SIGTERM unwinds like an exception, so that the servers, proxies and the private cluster
    # started here are stopped (they run in sessions of their own and would outlive us).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    requests = 120 if args.quick else min(max(args.requests, 30), 5000)
    rounds = 2 if args.quick else max(1, args.rounds)
    only_ops = [name for name in args.only or () if name in TARGETS]
    scenarios = [name for name in SCENARIOS if not args.only or name in args.only]
    summary: list[str] = []
    if args.only is None or only_ops:
        summary += cost_comparison(args, requests, rounds, only_ops or None)
    if scenarios:
        given = {
            name: getattr(args, f"remote_{name}")
            for name in Options.__dataclass_fields__
            if getattr(args, f"remote_{name}", None) is not None
        }
        options = replace(QUICK if args.quick else Options(), **given)
        if options.tasks < 100:
            parser.error("--tasks: at least 100")
        summary += run(scenarios, options)
    print()
    print("\n".join(summary))


def cost_comparison(
    args: argparse.Namespace, requests: int, rounds: int, only: list[str] | None
) -> list[str]:
    """CPU per request against baseline_app.py (SQLite, then the shared PostgreSQL), then
    --workers 2 against one."""
    summary: list[str] = []
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as workdir:
            seeded = seed(f"sqlite:///{workdir}/bench.db")
            summary += compare("SQLite", seeded, requests, args.concurrency, rounds, only)
    if not args.skip_postgres:
        admin = os.environ.get("TASKMASTER_TEST_DATABASE_URL") or DEFAULT_ADMIN_URL
        try:
            with postgres_database(admin) as url:
                seeded = seed(url)
                summary += compare("PostgreSQL", seeded, requests, args.concurrency, rounds, only)
                if not args.skip_workers:
                    summary += workers_scaling(
                        seeded, requests * 2, max(8, args.concurrency * 2), rounds
                    )
        except Exception as exc:  # an unreachable server is reported, not a traceback
            if "connection" not in str(exc).lower():
                raise
            summary.append(f"PostgreSQL: skipped ({make_url(admin).host} unreachable: {exc})")
    return summary


if __name__ == "__main__":
    main()
