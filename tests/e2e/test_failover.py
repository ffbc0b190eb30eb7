"""Issue 19, the SDK's side: a PostgreSQL outage under SDK load at default settings costs no call.

A live server runs on a private PostgreSQL (tests/fixtures/private_services.py), which is
stopped for longer than the old count-only retries covered (about 4 s) and started again. Two
sync clients and one async client at their defaults keep creating and reading tasks throughout:
every call must succeed, and every create must exist exactly once (the Idempotency-Key is the
same on every attempt, so a create whose answer was lost is replayed, not written twice).
Small scale: 6 s down, three clients.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from taskmaster import AsyncTaskMasterClient, TaskMasterClient
from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.db.migrate import upgrade
from taskmaster_server.services import accounts
from taskmaster_server.settings import Settings
from taskmaster_server.testing import LiveServer
from tests.fixtures.private_services import PrivatePostgres

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

OUTAGE_SECONDS = 6.0
EMAIL, PASSWORD = "failover@example.com", "failover-password"


@pytest.fixture
def server_on_private_postgres(tmp_path: Path) -> Iterator[tuple[LiveServer, PrivatePostgres]]:
    postgres = PrivatePostgres()
    try:
        postgres.start()
        upgrade(postgres.url)
        settings = Settings(
            database_url=postgres.url,
            db_pool_size=4,
            jwt_private_key=tmp_path / "jwt-es256.pem",
            argon2_time_cost=1,
            argon2_memory_kib=1024,
            webhook_worker=False,
            rate_limit="1000000/minute",
            login_rate_limit="1000000/minute",
            login_ip_rate_limit="1000000/minute",
            login_email_rate_limit="1000000/minute",
        )
        app = create_app(settings)
        runtime = runtime_of(app)
        accounts.create_user(runtime.db, runtime.passwords, email=EMAIL, password=PASSWORD)
        server = LiveServer(app).start()
        try:
            yield server, postgres
        finally:
            server.stop()
            runtime.close()
    finally:
        postgres.destroy()


def test_a_postgres_outage_costs_no_call_at_default_settings(
    server_on_private_postgres: tuple[LiveServer, PrivatePostgres],
) -> None:
    server, postgres = server_on_private_postgres
    stop = threading.Event()
    failures: list[BaseException] = []
    created: list[str] = []

    def sync_worker(n: int) -> None:
        with TaskMasterClient(server.api_url, email=EMAIL, password=PASSWORD) as client:
            for i in range(10_000):
                if stop.is_set():
                    return
                title = f"sync-{n}-{i}"
                try:
                    task = client.create_task(title=title)
                    assert client.get_task(task.id).title == title
                except Exception as exc:  # a failed call is what this test counts
                    failures.append(exc)
                    return
                created.append(title)

    async def async_worker() -> None:
        async with AsyncTaskMasterClient(server.api_url, email=EMAIL, password=PASSWORD) as client:
            for i in range(10_000):
                if stop.is_set():
                    return
                title = f"async-{i}"
                try:
                    task = await client.create_task(title=title)
                    assert (await client.get_task(task.id)).title == title
                except Exception as exc:
                    failures.append(exc)
                    return
                created.append(title)

    workers = [threading.Thread(target=sync_worker, args=(n,)) for n in range(2)]
    workers.append(threading.Thread(target=asyncio.run, args=(async_worker(),)))
    for worker in workers:
        worker.start()
    warmed = time.monotonic() + 30
    while len(created) < 6 and time.monotonic() < warmed and not failures:
        time.sleep(0.05)  # every client logged in and working before the outage
    before = len(created)
    postgres.stop()
    time.sleep(OUTAGE_SECONDS)
    during = len(created)
    postgres.start()
    deadline = time.monotonic() + 40
    while len(created) < during + 6 and time.monotonic() < deadline and not failures:
        time.sleep(0.1)
    stop.set()
    for worker in workers:
        worker.join(60)

    assert failures == [], f"calls failed during the outage: {failures[:3]}"
    assert before > 0
    assert len(created) >= during + 6, "the clients did not carry on after the restart"
    with TaskMasterClient(server.api_url, email=EMAIL, password=PASSWORD) as client:
        stored = Counter(task.title for task in client.list_tasks(limit=100))
    duplicated = {title: n for title, n in stored.items() if n > 1}
    assert duplicated == {}
    assert set(created) <= set(stored), "a create that succeeded is missing"
