"""Database round trips per request, and write throughput with PostgreSQL 1 ms away (issue 19).

    .venv/bin/python benchmarks/round_trips.py [--requests 300] [--concurrency 4] [--rtt-ms 1]

Runs ``taskmaster-server serve`` at its defaults on a fresh PostgreSQL database (next to
``TASKMASTER_TEST_DATABASE_URL``, default the shared ``postgres@127.0.0.1:5432``, dropped
after), its pool pointed through a TCP relay on 127.0.0.1 (tests/server/db_trips.py) that
counts round trips and can hold every chunk ``rtt/2`` each way. It prints:

- the round trips of one request of each kind, sent alone (target: POST <= 3; a pool pre-ping,
  while the pool has one, is one of them);
- POST and PATCH throughput at ``--concurrency`` with no delay, then with ``--rtt-ms``, and the
  share kept (target: POST >= 80%).

Not a test: the figures depend on the machine (its load average is printed). The relay is
Python, so it adds its own latency to both runs alike.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.server.db_trips import TripCounter  # noqa: E402

from taskmaster_server.auth.passwords import Passwords  # noqa: E402
from taskmaster_server.db.migrate import upgrade  # noqa: E402
from taskmaster_server.db.session import Database  # noqa: E402
from taskmaster_server.services import accounts  # noqa: E402
from taskmaster_server.testing import (  # noqa: E402
    create_postgres_database,
    drop_postgres_database,
)

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
EMAIL = "trips@example.com"
PASSWORD = "correct horse battery staple"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(url: str, workdir: Path) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "TASKMASTER_DATABASE_URL": url,
        "TASKMASTER_JWT_PRIVATE_KEY": str(workdir / "jwt.pem"),
        "TASKMASTER_RATE_LIMIT": "10000000/minute",
        "TASKMASTER_VALIDATE_RESPONSES": "false",
        "PYTHONPATH": str(HERE.parent / "src"),
    }
    env.pop("TASKMASTER_REDIS_URL", None)
    command = [sys.executable, "-m", "taskmaster_server", "serve", "--no-migrate"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _headers(base: str) -> dict[str, str]:
    answer = httpx.post(f"{base}/auth/login", json={"email": EMAIL, "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def count_trips(base: str, relay: TripCounter) -> list[str]:
    headers = _headers(base)
    with httpx.Client(base_url=base, headers=headers) as client:
        for _ in range(5):  # warm-up: caches, prepared statements
            task = client.post("/tasks", json={"title": "warm"}).json()
        kinds: list[tuple[str, Callable[[], httpx.Response]]] = [
            ("POST /tasks", lambda: client.post("/tasks", json={"title": "t", "tags": ["a"]})),
            (
                "POST /tasks + Idempotency-Key",
                lambda: client.post(
                    "/tasks", json={"title": "t"}, headers={"Idempotency-Key": uuid.uuid4().hex}
                ),
            ),
            (
                "PATCH /tasks/{id}",
                lambda: client.patch(f"/tasks/{task['id']}", json={"title": uuid.uuid4().hex}),
            ),
            ("GET /tasks/{id}", lambda: client.get(f"/tasks/{task['id']}")),
            (
                "POST /tasks/batch (10)",
                lambda: client.post("/tasks/batch", json=[{"title": "b"}] * 10),
            ),
        ]
        lines = []
        for name, send in kinds:
            counts = []
            for _ in range(5):
                relay.reset()
                send().raise_for_status()
                counts.append(relay.trips)
            lines.append(f"  {name:<32} {sorted(counts)[2]} round trips")
        return lines


def throughput(base: str, requests: int, concurrency: int) -> tuple[float, float]:
    """(POST req/s, PATCH req/s) over ``concurrency`` keep-alive clients."""
    headers = _headers(base)
    results = []
    for kind in ("POST", "PATCH"):
        failures: list[str] = []

        def work(share: int, kind: str = kind, failures: list[str] = failures) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                task = client.post("/tasks", json={"title": "mine"}).json()
                for i in range(share):
                    if kind == "POST":
                        answer = client.post("/tasks", json={"title": f"t{i}", "tags": ["x"]})
                    else:
                        answer = client.patch(f"/tasks/{task['id']}", json={"title": f"t{i}"})
                    if answer.status_code >= 300:
                        failures.append(f"{answer.status_code} {answer.text[:200]}")

        share = max(1, requests // concurrency)
        threads = [threading.Thread(target=work, args=(share,)) for _ in range(concurrency)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        if failures:
            raise RuntimeError(f"{len(failures)} {kind} failed: {failures[:2]}")
        results.append(share * concurrency / elapsed)
    return results[0], results[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rtt-ms", type=float, default=1.0)
    args = parser.parse_args()
    admin = os.environ.get("TASKMASTER_TEST_DATABASE_URL") or DEFAULT_ADMIN_URL
    url = create_postgres_database(admin, prefix="tm_trips")
    host = httpx.URL(url.replace("postgresql+psycopg", "http"))
    try:
        upgrade(url)
        db = Database(url)
        accounts.create_user(
            db, Passwords(time_cost=1, memory_kib=1024), email=EMAIL, password=PASSWORD
        )
        db.dispose()
        lines = [f"load average {os.getloadavg()[0]:.2f} (2 cores shared)", "round trips:"]
        rates = []
        with tempfile.TemporaryDirectory() as workdir:
            for delay in (0.0, args.rtt_ms / 2000):
                with (
                    TripCounter(host.host, host.port or 5432, delay=delay) as relay,
                    serving(relay.url_for(url), Path(workdir)) as base,
                ):
                    if not delay:
                        lines += count_trips(base, relay)
                    rates.append(throughput(base, args.requests, args.concurrency))
        (post0, patch0), (post1, patch1) = rates
        lines.append(f"throughput at c={args.concurrency}, {args.rtt_ms:g} ms RTT vs none:")
        lines.append(
            f"  POST  {post0:7.1f} -> {post1:7.1f} req/s = {post1 / post0:.0%} kept (target >= 80%)"
        )
        lines.append(f"  PATCH {patch0:7.1f} -> {patch1:7.1f} req/s = {patch1 / patch0:.0%} kept")
        lines.append(f"load average {os.getloadavg()[0]:.2f}")
        print("\n".join(lines))
    finally:
        drop_postgres_database(admin, url)


if __name__ == "__main__":
    main()
