"""The server restarts in the middle of a bulk import: the import completes, nothing is lost and
nothing is written twice.

The server is a real `python -m taskmaster_server serve` process on a fixed port behind the
fault proxy. A third of the way into the import it is stopped (SIGTERM, as a deploy or a
supervisor does: uvicorn finishes the requests it has started and exits), the proxy answers 502
while nothing listens, and a new process is started on the same port.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from taskmaster import BulkResult, TaskMasterClient
from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.db.migrate import upgrade
from taskmaster_server.services import accounts
from taskmaster_server.settings import Settings
from tests.faults.proxy import FaultProxy

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]  # generous for a loaded machine

COUNT = 3_000
EMAIL = "restart@example.com"
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env = env
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "taskmaster_server", "serve", "--port", str(self.port),
             "--no-migrate"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=1.0).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def stop(self, timeout: float = 30.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    upgrade(url)
    settings = Settings(
        database_url=url,
        jwt_private_key=tmp_path / "jwt-es256.pem",
        webhook_worker=False,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
    )
    runtime = runtime_of(create_app(settings))  # makes the signing key and the user
    accounts.create_user(runtime.db, runtime.passwords, email=EMAIL, password=PASSWORD)
    runtime.close()
    env = {
        **os.environ,
        "TASKMASTER_DATABASE_URL": url,
        "TASKMASTER_JWT_PRIVATE_KEY": str(settings.jwt_private_key),
        "TASKMASTER_RATE_LIMIT": "1000000/minute",
        "TASKMASTER_LOGIN_RATE_LIMIT": "1000000/minute",
        "TASKMASTER_WEBHOOK_WORKER": "false",
        "TASKMASTER_LOG_LEVEL": "WARNING",
    }
    process = ServerProcess(env, free_port())
    process.start()
    yield process
    process.stop()


def test_an_import_survives_a_server_restart(
    server: ServerProcess, fault_proxy: Callable[..., FaultProxy]
) -> None:
    proxy = fault_proxy(server.url)  # no injected faults: the restart is the fault
    halfway = threading.Event()
    results: list[BulkResult] = []

    def progress(done: int, total: int | None) -> None:
        if done >= COUNT // 3:
            halfway.set()

    rows = ({"title": f"row {i}", "metadata": {"marker": f"m-{i}"}} for i in range(COUNT))
    with TaskMasterClient(proxy.url + "/api/v1", email=EMAIL, password=PASSWORD) as client:
        client.list_tasks(limit=1)  # logged in before the restart

        def run() -> None:
            results.append(client.bulk_create_tasks(rows, concurrency=4, progress=progress))

        importer = threading.Thread(target=run)
        importer.start()
        assert halfway.wait(60), "the import made no progress"
        server.stop()
        server.start()
        importer.join(120)
        assert results, "the import did not finish"
        assert results[0].failed_count == 0, results[0].failed[:3]
        markers = [t.metadata["marker"] for t in client.list_tasks(limit=100)]
    assert len(markers) == COUNT
    assert set(markers) == {f"m-{i}" for i in range(COUNT)}
    assert proxy.stats().upstream_errors > 0  # chunks did meet the restart
