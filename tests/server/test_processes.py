"""Two server processes on two ports, one PostgreSQL and one Redis: data and rate-limit budgets
are shared, as they are behind a load balancer with several workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from taskmaster_server.auth.passwords import Passwords
from taskmaster_server.db.migrate import upgrade
from taskmaster_server.db.session import Database
from taskmaster_server.services import accounts
from taskmaster_server.testing import create_postgres_database, drop_postgres_database
from tests.fixtures.server import DATABASE_ENV


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@pytest.fixture
def database_url() -> Iterator[str]:
    admin = os.environ.get(DATABASE_ENV)
    if not admin:
        pytest.skip(f"needs PostgreSQL: set {DATABASE_ENV}")
    url = create_postgres_database(admin, prefix="tm_procs")
    upgrade(url)
    yield url
    drop_postgres_database(admin, url)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.timeout(300)
def test_two_processes_share_data_and_budget(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "TASKMASTER_DATABASE_URL": database_url,
        "TASKMASTER_REDIS_URL": redis_url,
        # One signing key for every process: a token from one is valid on the other.
        "TASKMASTER_JWT_PRIVATE_KEY": str(tmp_path / "jwt.pem"),
        "TASKMASTER_RATE_LIMIT": "6/minute",
        "TASKMASTER_ARGON2_TIME_COST": "1",
        "TASKMASTER_ARGON2_MEMORY_KIB": "1024",
        "TASKMASTER_LOG_LEVEL": "WARNING",
    }
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "taskmaster_server",
                "serve",
                "--no-migrate",
                "--port",
                str(port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        a, b = (f"http://127.0.0.1:{port}/api/v1" for port in ports)
        for url, process in zip((a, b), servers, strict=True):
            _wait_until_up(url, process)
        db = Database(database_url)
        user = accounts.create_user(
            db, Passwords(time_cost=1, memory_kib=1024), email="procs@example.com", password="pw"
        )
        db.dispose()
        tokens = httpx.post(
            f"{a}/auth/login", json={"email": "procs@example.com", "password": "pw"}
        ).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}

        created = httpx.post(f"{a}/tasks", json={"title": "written on A"}, headers=headers)
        assert created.status_code == 201
        read = httpx.get(f"{b}/tasks/{created.json()['id']}", headers=headers)
        assert read.status_code == 200
        assert read.json()["title"] == "written on A"
        assert read.json()["account_id"] == str(user.account_id)

        # 2 requests spent above; 4 more fit the budget of 6, wherever they land.
        statuses = [httpx.get(f"{(a, b)[i % 2]}/me", headers=headers).status_code for i in range(6)]
        assert statuses == [200, 200, 200, 200, 429, 429]
        limited = httpx.get(f"{b}/me", headers=headers)
        assert limited.headers["x-ratelimit-limit"] == "6"
        assert limited.headers["retry-after"]
    finally:
        for process in servers:
            process.terminate()
        for process in servers:
            process.wait(timeout=10)
