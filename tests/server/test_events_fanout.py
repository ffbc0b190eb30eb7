"""Two server processes sharing one PostgreSQL database fan events out to each other's stream
clients: through PostgreSQL LISTEN/NOTIFY, and through Redis pub/sub when it is configured.

The heartbeat interval is 60 s, so an event that arrives within a few seconds was delivered
because the other process was notified, not because a heartbeat re-read the log.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from taskmaster_server.auth.passwords import Passwords
from taskmaster_server.db.migrate import upgrade
from taskmaster_server.db.session import Database
from taskmaster_server.services import accounts
from taskmaster_server.testing import create_postgres_database, drop_postgres_database
from tests.fixtures.server import DATABASE_ENV, REDIS_ENV
from tests.server.test_processes import _free_port, _wait_until_up

HEARTBEAT = 60.0
#: Far below the heartbeat: only a notification can deliver an event this fast.
PROMPTLY = 5.0
EMAIL, PASSWORD = "fanout@example.com", "pw"
SERVE = [sys.executable, "-m", "taskmaster_server", "serve", "--no-migrate"]

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(120)]


@pytest.fixture
def database_url() -> Iterator[str]:
    admin = os.environ.get(DATABASE_ENV)
    if not admin:
        pytest.skip(f"needs PostgreSQL: set {DATABASE_ENV}")
    url = create_postgres_database(admin, prefix="tm_fanout")
    upgrade(url)
    db = Database(url)
    try:
        accounts.create_user(
            db, Passwords(time_cost=1, memory_kib=1024), email=EMAIL, password=PASSWORD
        )
    finally:
        db.dispose()
    yield url
    drop_postgres_database(admin, url)


class Processes:
    """Two `taskmaster_server serve` subprocesses; `api[i]` is process i's API URL."""

    def __init__(self, database_url: str, redis_url: str | None, key_dir: Path) -> None:
        env = {key: value for key, value in os.environ.items() if key != "TASKMASTER_REDIS_URL"}
        env.update(
            {
                "TASKMASTER_DATABASE_URL": database_url,
                # One signing key for both: a token from one is valid on the other.
                "TASKMASTER_JWT_PRIVATE_KEY": str(key_dir / "jwt.pem"),
                "TASKMASTER_EVENT_HEARTBEAT": str(HEARTBEAT),
                "TASKMASTER_WEBHOOK_WORKER": "false",
                "TASKMASTER_ARGON2_TIME_COST": "1",
                "TASKMASTER_ARGON2_MEMORY_KIB": "1024",
                "TASKMASTER_LOG_LEVEL": "WARNING",
            }
        )
        if redis_url is not None:
            env["TASKMASTER_REDIS_URL"] = redis_url
        ports = [_free_port(), _free_port()]
        self.api = [f"http://127.0.0.1:{port}/api/v1" for port in ports]
        self.processes = [
            subprocess.Popen(
                [*SERVE, "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for port in ports
        ]

    def wait_until_up(self) -> None:
        for url, process in zip(self.api, self.processes, strict=True):
            _wait_until_up(url, process, timeout=90)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def _stream(api_url: str, token: str, query: str) -> ClientConnection:
    url = api_url.replace("http://", "ws://") + f"/events/ws?{query}"
    return connect(url, subprotocols=["taskmaster.v1", f"bearer.{token}"], open_timeout=5)  # type: ignore[list-item]


def _next_event(ws: ClientConnection, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        if message["kind"] == "event":
            return dict(message["event"])
        assert message["kind"] == "heartbeat", message


def _create(http: httpx.Client, api_url: str, title: str) -> None:
    response = http.post(f"{api_url}/tasks", json={"title": title})
    assert response.status_code == 201, response.text


def _fan_out(processes: Processes) -> None:
    a, b = processes.api
    with httpx.Client(timeout=10, trust_env=False) as http:
        login = http.post(f"{a}/auth/login", json={"email": EMAIL, "password": PASSWORD})
        login.raise_for_status()
        token = login.json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        _create(http, a, "replayed")  # seq 1
        with _stream(b, token, "last_seq=0") as on_b, _stream(a, token, "last_seq=0") as on_a:
            # Once seq 1 is replayed, each connection is subscribed and has read the log's
            # head: a later event can only reach it through a notification.
            assert _next_event(on_b, PROMPTLY)["seq"] == 1
            assert _next_event(on_a, PROMPTLY)["seq"] == 1
            # Writes alternate between the processes; both clients see every event promptly.
            for seq, writer in enumerate([a, a, b, a], start=2):
                started = time.monotonic()
                _create(http, writer, f"live {seq}")
                for reader in (on_b, on_a):
                    event = _next_event(reader, PROMPTLY)
                    assert (event["seq"], event["type"]) == (seq, "task.created")
                assert time.monotonic() - started < PROMPTLY


def test_postgres_notify_fans_out_between_processes(database_url: str, tmp_path: Path) -> None:
    processes = Processes(database_url, None, tmp_path)
    try:
        processes.wait_until_up()
        _fan_out(processes)
    finally:
        processes.stop()


@pytest.mark.redis
def test_redis_pubsub_fans_out_between_processes(database_url: str, tmp_path: Path) -> None:
    redis_url = os.environ.get(REDIS_ENV)
    if not redis_url:
        pytest.skip(f"needs Redis: set {REDIS_ENV}")
    processes = Processes(database_url, redis_url, tmp_path)
    try:
        processes.wait_until_up()
        _fan_out(processes)
    finally:
        processes.stop()
