"""Head-of-line blocking: do cheap requests wait behind requests stuck on locked rows?

Another transaction (a direct connection, not through the delay proxy) locks ``len(locked)``
task rows with ``SELECT ... FOR UPDATE`` and holds them ``hold`` seconds. One PATCH per locked
row is sent at once, each on its own connection: they wait on those locks. From ``SETTLE``
seconds after that until the lock is released, ``concurrency`` connections send cheap GETs of
other tasks back to back, and a fresh connection asks ``/ready`` every ``PROBE_EVERY`` seconds.
Just before the release, PostgreSQL is asked how many backends wait on a lock (how many PATCHes
reached the database rather than a queue in the app). Then the PATCHes are awaited.

Every request has a client timeout of ``hold + 30`` s, so a stalled request is measured, not
abandoned. The figures: GET p99 and max (of the GETs started inside the window), each probe's
answer time and status, each PATCH's status and duration.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import psycopg

from server import Call, Connection, _run

__all__ = ["Blocking", "measure_blocking"]

SETTLE = 0.3  # seconds for the PATCHes to reach the app (and the lock) before GETs start
PROBE_EVERY = 0.5


@dataclass
class Blocking:
    hold: float
    gets: list[float] = field(default_factory=list)  # seconds
    get_errors: Counter[str] = field(default_factory=Counter)
    probes: list[tuple[float, str]] = field(default_factory=list)  # (seconds, status)
    patches: list[tuple[float, str]] = field(default_factory=list)
    waiting_at_release: int = 0

    @property
    def p99_ms(self) -> float:
        if not self.gets:
            return float("inf")
        ordered = sorted(self.gets)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000

    @property
    def max_ms(self) -> float:
        return max(self.gets, default=float("inf")) * 1000

    def probes_within(self, limit: float) -> int:
        return sum(1 for seconds, status in self.probes if seconds <= limit and status == "200")

    def describe_probes(self) -> str:
        statuses = Counter(status for _, status in self.probes)
        worst = max((s for s, _ in self.probes), default=0.0)
        codes = ", ".join(f"{n}x{code}" for code, n in sorted(statuses.items()))
        return f"{codes}; slowest {worst * 1000:.0f} ms"

    def describe_patches(self) -> str:
        statuses = Counter(status for _, status in self.patches)
        codes = ", ".join(f"{n}x{code}" for code, n in sorted(statuses.items()))
        durations = [s for s, _ in self.patches]
        return (
            f"{codes} in {min(durations):.2f}-{max(durations):.2f} s"
            f" (median {statistics.median(durations):.2f} s);"
            f" {self.waiting_at_release} waiting on a lock in PostgreSQL at release"
        )


async def _timed(
    port: int, headers: dict[str, str], call: Call, timeout: float
) -> tuple[float, str]:
    """One request on a fresh connection: (seconds, status or the error's name)."""
    started = time.perf_counter()
    connection = Connection(port, headers)
    try:
        await asyncio.wait_for(connection.open(), timeout)
        status, _ = await asyncio.wait_for(connection.send(call), timeout)
        outcome = str(status)
    except TimeoutError:
        outcome = "timeout"
    except OSError as exc:
        outcome = type(exc).__name__
    finally:
        if hasattr(connection, "writer"):
            connection.close()
    return time.perf_counter() - started, outcome


async def _blocking(
    port: int,
    headers: dict[str, str],
    direct_conninfo: str,
    locked: list[uuid.UUID],
    others: list[uuid.UUID],
    hold: float,
    concurrency: int,
) -> Blocking:
    result = Blocking(hold)
    timeout = hold + 30
    run = uuid.uuid4().hex[:6]
    async with await psycopg.AsyncConnection.connect(direct_conninfo) as locker:
        await locker.execute("SELECT id FROM tasks WHERE id = ANY(%s) FOR UPDATE", [locked])
        started = time.perf_counter()
        release_at = started + hold
        patches = [
            asyncio.create_task(
                _timed(
                    port,
                    headers,
                    Call(
                        "PATCH",
                        f"/api/v1/tasks/{task_id}",
                        json.dumps({"title": f"blocked {run} {n}"}).encode(),
                    ),
                    timeout,
                )
            )
            for n, task_id in enumerate(locked)
        ]
        await asyncio.sleep(SETTLE)
        sequence = iter(range(10**9))

        async def getter() -> None:
            connection = Connection(port, headers)
            await connection.open()
            try:
                while time.perf_counter() < release_at:
                    task_id = others[next(sequence) % len(others)]
                    sent = time.perf_counter()
                    try:
                        status, _ = await asyncio.wait_for(
                            connection.send(Call("GET", f"/api/v1/tasks/{task_id}")), timeout
                        )
                    except TimeoutError:
                        result.get_errors["timeout"] += 1
                        return
                    result.gets.append(time.perf_counter() - sent)
                    if status != 200:
                        result.get_errors[str(status)] += 1
            finally:
                connection.close()

        async def prober() -> list[tuple[float, str]]:
            probes = []
            while time.perf_counter() < release_at:
                probes.append(
                    asyncio.create_task(_timed(port, {}, Call("GET", "/api/v1/ready"), timeout))
                )
                await asyncio.sleep(PROBE_EVERY)
            return list(await asyncio.gather(*probes))

        getters = [asyncio.create_task(getter()) for _ in range(concurrency)]
        probing = asyncio.create_task(prober())
        await asyncio.sleep(max(0.0, release_at - time.perf_counter() - 0.2))
        async with await psycopg.AsyncConnection.connect(
            direct_conninfo, autocommit=True
        ) as observer:
            cursor = await observer.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            )
            row = await cursor.fetchone()
            result.waiting_at_release = int(row[0]) if row else 0
        await asyncio.sleep(max(0.0, release_at - time.perf_counter()))
        await locker.rollback()
    await asyncio.gather(*getters)
    result.probes = await probing
    result.patches = list(await asyncio.gather(*patches))
    return result


def measure_blocking(
    port: int,
    headers: dict[str, str],
    direct_conninfo: str,
    locked: list[uuid.UUID],
    others: list[uuid.UUID],
    hold: float,
    concurrency: int,
) -> Blocking:
    return _run(_blocking(port, headers, direct_conninfo, locked, others, hold, concurrency))
