"""Bulk import and long listings: the SDK against a create loop and against raw httpx.

    .venv/bin/python benchmarks/bulk.py [--tasks 10000] [--loop-sample 1000] [--list 100000]

For SQLite, and PostgreSQL when ``TASKMASTER_TEST_DATABASE_URL`` (an admin URL) is set, starts
``taskmaster-server serve`` (one worker, fresh database) on 127.0.0.1 and measures, in one run:

- creating ``--tasks`` tasks with a ``create_task`` loop (sampled: ``--loop-sample`` calls are
  timed and the rate extrapolated, to keep the run bounded), ``bulk_create_tasks`` on the sync
  client and on the async client (4 chunks in flight), and raw httpx posting the same batches of
  100 from 4 threads (compared with the sync SDK) and from 4 asyncio tasks (with the async SDK);
- walking ``--list`` tasks (seeded straight into the database) with ``list_tasks()`` and with raw
  httpx following the same cursor, twice each, each walk in a fresh child process so that its
  peak RSS growth is its own.

Targets printed beside the ratios: bulk >= 20x the loop, SDK bulk >= 0.8x raw httpx; listing
peak RSS growth < 30 MB and >= 0.8x raw httpx. Not a test: numbers depend on the machine, and
the client shares the server's two CPUs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from server import EMAIL, PASSWORD, _start  # benchmarks/server.py: starts the server
from taskmaster import AsyncTaskMasterClient, TaskMasterClient
from taskmaster_server.db.models import Project, Task
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.testing import create_postgres_database, drop_postgres_database

CONCURRENCY = 4
PAGE = 100


def rows(count: int, tag: str) -> Any:
    return ({"title": f"{tag} {i}", "metadata": {"n": i}} for i in range(count))


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def loop_rate(base: str, sample: int) -> float:
    with TaskMasterClient(base, email=EMAIL, password=PASSWORD) as client:
        client.list_tasks(limit=1)
        started = time.perf_counter()
        for i in range(sample):
            client.create_task(title=f"loop {i}")
        return rate(sample, time.perf_counter() - started)


def sdk_sync_rate(base: str, count: int) -> float:
    with TaskMasterClient(base, email=EMAIL, password=PASSWORD) as client:
        client.list_tasks(limit=1)
        started = time.perf_counter()
        result = client.bulk_create_tasks(rows(count, "sync"), concurrency=CONCURRENCY)
        seconds = time.perf_counter() - started
    assert result.succeeded_count == count, result.failed[:1]
    return rate(count, seconds)


def sdk_async_rate(base: str, count: int) -> float:
    async def run() -> float:
        async with AsyncTaskMasterClient(base, email=EMAIL, password=PASSWORD) as client:
            await client.list_tasks(limit=1)
            started = time.perf_counter()
            result = await client.bulk_create_tasks(rows(count, "async"), concurrency=CONCURRENCY)
            seconds = time.perf_counter() - started
        assert result.succeeded_count == count, result.failed[:1]
        return rate(count, seconds)

    return asyncio.run(run())


def token(base: str) -> str:
    answer = httpx.post(f"{base}/auth/login", json={"email": EMAIL, "password": PASSWORD})
    return str(answer.raise_for_status().json()["access_token"])


def raw_rate(base: str, count: int) -> float:
    """The same batches, built and posted by hand from as many threads, each with a key."""
    headers = {"Authorization": f"Bearer {token(base)}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
        items = list(rows(count, "raw"))
        started = time.perf_counter()

        def post(offset: int) -> None:
            key = {"Idempotency-Key": str(uuid.uuid4())}
            answer = http.post("/tasks/batch", json=items[offset : offset + 100], headers=key)
            assert answer.raise_for_status().json()["failed"] == 0

        with ThreadPoolExecutor(CONCURRENCY) as pool:
            list(pool.map(post, range(0, count, 100)))
        return rate(count, time.perf_counter() - started)


def raw_async_rate(base: str, count: int) -> float:
    """The same batches posted by hand from as many asyncio tasks."""

    async def run() -> float:
        headers = {"Authorization": f"Bearer {token(base)}"}
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
            items = list(rows(count, "raw-async"))
            offsets = iter(range(0, count, 100))
            started = time.perf_counter()

            async def worker() -> None:
                for offset in offsets:
                    key = {"Idempotency-Key": str(uuid.uuid4())}
                    body = items[offset : offset + 100]
                    answer = await http.post("/tasks/batch", json=body, headers=key)
                    assert answer.raise_for_status().json()["failed"] == 0

            await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
            return rate(count, time.perf_counter() - started)

    return asyncio.run(run())


def seed(database_url: str, count: int) -> None:
    """`count` tasks in the benchmark user's default project, written straight to the DB."""
    db = Database(database_url)
    with db.write() as session:
        project = session.query(Project).filter(Project.is_default.is_(True)).one()
        now = utcnow()
        for start in range(0, count, 10_000):
            session.execute(
                Task.__table__.insert(),
                [
                    {"id": uuid.uuid4(), "account_id": project.account_id,
                     "project_id": project.id, "title": f"seeded {i}", "status": "pending",
                     "priority": 2, "tags": [], "metadata": {"n": i}, "version": 1,
                     "created_at": now, "updated_at": now}
                    for i in range(start, min(count, start + 10_000))
                ],
            )  # fmt: skip
    db.dispose()


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def walk(mode: str, base: str) -> dict[str, float]:
    """Runs in a child process: walk every task, report items/s and peak RSS growth (MB)."""
    http = httpx.Client(base_url=base, timeout=60)
    client = TaskMasterClient(base, email=EMAIL, password=PASSWORD)
    first = client.list_tasks(limit=1)  # imports and logs in before the baseline
    assert first is not None
    headers = {"Authorization": f"Bearer {token(base)}"}
    # Reset the peak (VmHWM) to the current RSS, so the growth measured is the walk's alone.
    Path("/proc/self/clear_refs").write_text("5")
    baseline = _rss_kib("VmRSS")
    started = time.perf_counter()
    seen = 0
    if mode == "sdk":
        for _task in client.list_tasks(limit=PAGE):
            seen += 1
    else:
        params: dict[str, Any] = {"limit": PAGE}
        while True:
            page = http.get("/tasks", params=params, headers=headers).raise_for_status().json()
            seen += len(page["data"])
            if not page["has_more"]:
                break
            params = {"limit": PAGE, "cursor": page["next_cursor"]}
    seconds = time.perf_counter() - started
    peak = _rss_kib("VmHWM")
    return {"items": seen, "rate": rate(seen, seconds), "rss_mb": (peak - baseline) / 1024}


def walk_in_child(mode: str, base: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--walk", mode, "--base", base],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def bench(label: str, database_url: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        process, base = _start(database_url, Path(tmp))
        try:
            loop = loop_rate(base, args.loop_sample)
            # Interleaved, so that neither side gets the emptier database.
            raw = raw_rate(base, args.tasks)
            sync = sdk_sync_rate(base, args.tasks)
            raw_async = raw_async_rate(base, args.tasks)
            asyn = sdk_async_rate(base, args.tasks)
            print(f"\n{label}: creating {args.tasks} tasks (tasks/s)")
            print(f"  create_task loop     {loop:8.0f}  (sampled: {args.loop_sample} calls, "
                  f"{args.tasks / loop:.0f} s extrapolated)")  # fmt: skip
            print(f"  raw httpx, threads   {raw:8.0f}  ({args.tasks / raw:.1f} s)")
            print(f"  raw httpx, asyncio   {raw_async:8.0f}  ({args.tasks / raw_async:.1f} s)")
            for name, value, plain in (("bulk sync", sync, raw), ("bulk async", asyn, raw_async)):
                print(
                    f"  {name:<20} {value:8.0f}  ({args.tasks / value:.1f} s)  "
                    f"{value / loop:5.1f}x loop (target >= 20)  "
                    f"{value / plain:4.2f}x raw (target >= 0.8)"
                )
            # Every task so far is in the default project too; listings walk them all.
            already = args.loop_sample + 4 * args.tasks
            seed(database_url, max(0, args.list - already))
            # In the order SDK, raw, raw, SDK (averaged), so a drift in the server's speed over
            # the run favours neither side.
            order = ("sdk", "raw", "raw", "sdk")
            walks = [(mode, walk_in_child(mode, base)) for mode in order]
            sdk, plain = (
                {
                    key: sum(w[key] for m, w in walks if m == mode) / 2
                    for key in ("items", "rate", "rss_mb")
                }
                for mode in ("sdk", "raw")
            )
            print(f"{label}: iterating {sdk['items']:.0f} tasks, {PAGE} per page")
            print(
                f"  raw httpx cursor     {plain['rate']:8.0f} tasks/s  peak RSS +{plain['rss_mb']:.1f} MB"
            )
            print(
                f"  list_tasks()         {sdk['rate']:8.0f} tasks/s  peak RSS +{sdk['rss_mb']:.1f} MB "
                f"(target < 30)  {sdk['rate'] / plain['rate']:4.2f}x raw (target >= 0.8)"
            )
        finally:
            process.terminate()
            process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--loop-sample", type=int, default=1_000)
    parser.add_argument("--list", type=int, default=100_000)
    parser.add_argument("--walk", choices=["sdk", "raw"], help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.walk:
        print(json.dumps(walk(args.walk, args.base)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        bench("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args)
    admin = os.environ.get("TASKMASTER_TEST_DATABASE_URL")
    if not admin:
        print("\nPostgreSQL: skipped (set TASKMASTER_TEST_DATABASE_URL)")
        return
    url = create_postgres_database(admin, prefix="tm_bulk_bench")
    try:
        bench("PostgreSQL", url, args)
    finally:
        drop_postgres_database(admin, url)


if __name__ == "__main__":
    main()
