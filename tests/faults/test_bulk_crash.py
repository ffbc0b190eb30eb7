"""The server dies in the middle of a 2,000-task bulk import and is restarted on the same
database: the running call finishes on its own retries, every task written once, none failed.

Each run is a real `python -m taskmaster_server serve` process (uvicorn) that the SDK talks to
directly, so while it is down the SDK meets reset connections and refused connects. Three kill
points, on SQLite and on PostgreSQL:

* ``sigkill``: SIGKILL from outside once a third of the items are done, with chunks in flight
  (wherever they happen to be: parsing, writing, committing, answering);
* ``before-commit``: the process exits (``os._exit``) on the 7th chunk with its tasks and its
  idempotency record flushed but the COMMIT not sent (crashpoints.py);
* ``after-commit``: the same, just after the 7th chunk's COMMIT and before its answer is sent:
  the chunk's retry must be answered from the stored response, not written again.

The new process is started ``RESTART_DELAY`` seconds after the old one died, without the crash
point. The figures (recovery time: from the restart to the bulk call's return) are printed.
"""

from __future__ import annotations

import collections
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from taskmaster import BulkResult, BulkUpsertResult, TaskMasterClient
from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.crashpoints import CRASH_EXIT_CODE
from taskmaster_server.crashpoints import ENV as CRASH_ENV
from taskmaster_server.db.migrate import upgrade
from taskmaster_server.db.models import Task
from taskmaster_server.runtime import Runtime
from taskmaster_server.services import accounts
from taskmaster_server.settings import Settings
from taskmaster_server.testing import create_postgres_database, drop_postgres_database
from tests.fixtures.serve_process import wait_until_healthy
from tests.fixtures.server import DATABASE_ENV, TEST_PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]  # generous for a loaded machine

COUNT = 2_000
RESTART_DELAY = 2.0  # a supervisor's restart; the issue allows up to 10 s
CRASH_POINTS = {
    "sigkill": None,
    "before-commit": "idempotent-before-commit:7",
    "after-commit": "idempotent-after-commit:7",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class CrashDatabase:
    """A migrated database shared by the module's runs (each run has its own account)."""

    name: str
    url: str
    runtime: Runtime
    key_file: Path

    def make_user(self) -> tuple[str, uuid.UUID]:
        email = f"crash-{uuid.uuid4().hex[:12]}@example.com"
        created = accounts.create_user(
            self.runtime.db, self.runtime.passwords, email=email, password=TEST_PASSWORD
        )
        return email, created.account_id

    def titles(self, account_id: uuid.UUID) -> list[str]:
        with self.runtime.db.read() as session:
            return list(session.scalars(select(Task.title).where(Task.account_id == account_id)))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CrashDatabase]:
    home = tmp_path_factory.mktemp(f"crash-{request.param}")
    admin_url = os.environ.get(DATABASE_ENV)
    if request.param == "sqlite":
        url = f"sqlite:///{home / 'crash.db'}"
    elif not admin_url:
        pytest.skip(f"PostgreSQL crash runs need {DATABASE_ENV}")
    else:
        url = create_postgres_database(admin_url, prefix="tm_crash")
    try:
        upgrade(url)
        settings = Settings(
            database_url=url,
            jwt_private_key=home / "jwt-es256.pem",
            webhook_worker=False,
            argon2_time_cost=1,
            argon2_memory_kib=1024,
        )
        runtime = runtime_of(create_app(settings))  # also writes the signing key
        yield CrashDatabase(request.param, url, runtime, settings.jwt_private_key)
        runtime.close()
    finally:
        if request.param == "postgresql" and admin_url:
            drop_postgres_database(admin_url, url)


class ServerProcess:
    """`taskmaster_server serve` on a fixed port, started again after it dies."""

    def __init__(self, database: CrashDatabase) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "TASKMASTER_DATABASE_URL": database.url,
            "TASKMASTER_JWT_PRIVATE_KEY": str(database.key_file),
            "TASKMASTER_RATE_LIMIT": "1000000/minute",
            "TASKMASTER_LOGIN_RATE_LIMIT": "1000000/minute",
            "TASKMASTER_WEBHOOK_WORKER": "false",
            "TASKMASTER_LOG_LEVEL": "WARNING",
        }
        self.env.pop(CRASH_ENV, None)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, crash_at: str | None = None, timeout: float = 90.0) -> None:
        env = {**self.env, CRASH_ENV: crash_at} if crash_at else self.env
        self.process = subprocess.Popen(
            [sys.executable, "-m", "taskmaster_server", "serve", "--port", str(self.port),
             "--no-migrate"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until_healthy(self.url, self.process, timeout)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)


@pytest.fixture
def server(database: CrashDatabase) -> Iterator[ServerProcess]:
    process = ServerProcess(database)
    yield process
    process.stop()


@pytest.mark.parametrize("point", list(CRASH_POINTS))
def test_a_crash_mid_import_is_recovered_by_the_sdk(
    database: CrashDatabase, server: ServerProcess, point: str
) -> None:
    email, account_id = database.make_user()
    crash_at = CRASH_POINTS[point]
    server.start(crash_at)
    third = threading.Event()
    results: list[BulkResult] = []

    def progress(done: int, total: int | None) -> None:
        if done >= COUNT // 3:
            third.set()

    rows = [{"title": f"row {i}"} for i in range(COUNT)]
    with TaskMasterClient(server.url + "/api/v1", email=email, password=TEST_PASSWORD) as client:
        client.list_tasks(limit=1)  # logged in before the crash

        def run() -> None:
            results.append(client.bulk_create_tasks(rows, concurrency=4, progress=progress))

        importer = threading.Thread(target=run)
        importer.start()
        if crash_at is None:
            assert third.wait(60), "the import made no progress"
            server.kill()
        code = server.wait(60)
        assert code == (-signal.SIGKILL if crash_at is None else CRASH_EXIT_CODE)
        assert importer.is_alive(), "the import finished before the crash"
        time.sleep(RESTART_DELAY)
        restarted = time.monotonic()
        server.start()
        startup = time.monotonic() - restarted
        importer.join(120)
        recovery = time.monotonic() - restarted
    assert results, "the import did not finish"
    result = results[0]
    titles = database.titles(account_id)
    duplicates = sum(n - 1 for n in collections.Counter(titles).values())
    print(
        f"\n[crash {database.name}/{point}] rows={len(titles)} duplicates={duplicates} "
        f"failed={result.failed_count} recovery={recovery:.2f}s (start-up {startup:.2f}s)"
    )
    # The SDK's chunk retries outlast about 40 s without a server: a start-up slower than that
    # (a badly overloaded machine) shows here as failed items, with the start-up time.
    assert result.failed_count == 0, (startup, [str(item.error) for item in result.failed[:2]])
    assert result.succeeded_count == COUNT
    assert duplicates == 0
    assert sorted(titles) == sorted(row["title"] for row in rows)


UPSERT_COUNT = 1_000  # ten chunks: the crash point is the 7th


def test_a_crash_after_commit_mid_upsert_keeps_the_counts_exact(
    database: CrashDatabase, server: ServerProcess
) -> None:
    """The 7th chunk commits and the process dies before answering: its retry is answered from
    the stored response, so its items still count as `created` (not `unchanged`), once."""
    email, account_id = database.make_user()
    server.start(CRASH_POINTS["after-commit"])
    results: list[BulkUpsertResult] = []
    rows = [{"external_id": f"ext-{i}", "title": f"row {i}"} for i in range(UPSERT_COUNT)]
    with TaskMasterClient(server.url + "/api/v1", email=email, password=TEST_PASSWORD) as client:
        client.list_tasks(limit=1)
        importer = threading.Thread(
            target=lambda: results.append(client.bulk_upsert_tasks(rows, concurrency=4))
        )
        importer.start()
        assert server.wait(60) == CRASH_EXIT_CODE
        time.sleep(RESTART_DELAY)
        server.start()
        importer.join(120)
        assert results, "the upsert did not finish"
        rerun = client.bulk_upsert_tasks(rows, concurrency=4)
    titles = database.titles(account_id)
    assert results[0].counts == {
        "created": UPSERT_COUNT, "updated": 0, "unchanged": 0, "failed": 0
    }  # fmt: skip
    assert rerun.counts == {"created": 0, "updated": 0, "unchanged": UPSERT_COUNT, "failed": 0}
    assert sorted(titles) == sorted(row["title"] for row in rows)
