"""Reference server throughput and latency, one uvicorn worker, SQLite and PostgreSQL.

    .venv/bin/python benchmarks/server.py [--requests 400] [--concurrency 8]

Starts ``taskmaster-server serve`` (one worker) on 127.0.0.1 for each backend, with a fresh
database, and drives it with a bounded number of requests from ``--concurrency`` concurrent
clients on this machine: GET one task, list 50 tasks, POST one task, POST a batch of 100.
Prints requests/s and p50/p99 latency per scenario and backend. PostgreSQL runs when
``TASKMASTER_TEST_DATABASE_URL`` (an admin URL; a throwaway database is created next to it)
is set. Not a test: numbers depend on the machine; the client shares its CPUs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from taskmaster_server.auth.passwords import Passwords
from taskmaster_server.db.migrate import upgrade
from taskmaster_server.db.session import Database
from taskmaster_server.services import accounts
from taskmaster_server.testing import create_postgres_database, drop_postgres_database

EMAIL, PASSWORD = "bench@example.com", "bench-password"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(database_url: str, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    upgrade(database_url)
    db = Database(database_url)
    accounts.create_user(
        db, Passwords(time_cost=1, memory_kib=1024), email=EMAIL, password=PASSWORD
    )
    db.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "TASKMASTER_DATABASE_URL": database_url,
        "TASKMASTER_JWT_PRIVATE_KEY": str(workdir / "jwt.pem"),
        "TASKMASTER_RATE_LIMIT": "10000000/minute",
        "TASKMASTER_LOG_LEVEL": "WARNING",
    }
    env.pop("TASKMASTER_REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "taskmaster_server", "serve", "--no-migrate", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("server did not start")


async def _measure(
    name: str, count: int, concurrency: int, call: Callable[[int], Awaitable[httpx.Response]]
) -> str:
    latencies: list[float] = []
    queue = iter(range(count))

    async def worker() -> None:
        for index in queue:
            started = time.perf_counter()
            response = await call(index)
            latencies.append(time.perf_counter() - started)
            if response.status_code >= 300:
                raise RuntimeError(f"{name}: {response.status_code} {response.text[:200]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    return f"  {name:<16} {count / elapsed:8.1f} req/s   p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   (n={count})"


async def _run(base: str, requests: int, concurrency: int) -> list[str]:
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        login = await client.post("/auth/login", json={"email": EMAIL, "password": PASSWORD})
        client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        seed = [{"title": f"seed {i}", "tags": ["bench"], "priority": "high"} for i in range(100)]
        for _ in range(3):
            await client.post("/tasks/batch", json=seed)
        task_id = (await client.get("/tasks", params={"limit": 1})).json()["data"][0]["id"]
        batch = [{"title": f"batch item {i}", "tags": ["b"]} for i in range(100)]
        return [
            await _measure(
                "GET task", requests, concurrency, lambda _: client.get(f"/tasks/{task_id}")
            ),
            await _measure(
                "list 50",
                requests // 2,
                concurrency,
                lambda _: client.get("/tasks", params={"limit": 50}),
            ),
            await _measure(
                "POST task",
                requests,
                concurrency,
                lambda i: client.post("/tasks", json={"title": f"t{i}"}),
            ),
            await _measure(
                "batch of 100",
                max(10, requests // 20),
                concurrency,
                lambda _: client.post("/tasks/batch", json=batch),
            ),
        ]


def _bench(label: str, database_url: str, requests: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        process, base = _start(database_url, Path(workdir))
        try:
            lines = asyncio.run(_run(base, requests, concurrency))
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(f"{label} (1 uvicorn worker, {concurrency} concurrent clients)")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=400, help="requests per scenario (bounded)")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    requests = min(args.requests, 5000)
    with tempfile.TemporaryDirectory() as workdir:
        _bench("SQLite", f"sqlite:///{workdir}/bench.db", requests, args.concurrency)
    admin = os.environ.get("TASKMASTER_TEST_DATABASE_URL")
    if not admin:
        print("PostgreSQL: skipped (set TASKMASTER_TEST_DATABASE_URL)")
        return
    url = create_postgres_database(admin, prefix="tm_bench")
    try:
        _bench("PostgreSQL", url, requests, args.concurrency)
    finally:
        drop_postgres_database(admin, url)


if __name__ == "__main__":
    main()
