"""A server killed with SIGKILL mid-delivery loses no webhook: the restarted one sends the rest.

The first server process gets deliveries going to a slow, failing receiver (so some are in
flight and some wait for a retry), then dies without any chance to clean up. A second process
on the same database must deliver every event; a duplicate is allowed only with the same
``webhook-id`` (the receiver deduplicates on it).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import standardwebhooks
from sqlalchemy import select

from taskmaster import webhooks
from taskmaster_server.auth.passwords import Passwords
from taskmaster_server.db.models import Event, WebhookDelivery
from taskmaster_server.db.session import Database
from taskmaster_server.services import accounts
from tests.fixtures.webhooks import Answer, Received, Receiver, fresh_database, running_receiver

EVENTS = 8


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database(request.param, tmp_path)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from running_receiver()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "taskmaster_server", "serve", "--no-migrate", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not come up")


class Switchable:
    """Slow 500s until ``heal()``; then 200s, remembering which webhook-ids got one."""

    def __init__(self) -> None:
        self.healed = threading.Event()
        self.acknowledged: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, received: Received) -> Answer:
        if not self.healed.is_set():
            return Answer(500, delay=0.4)
        with self._lock:
            self.acknowledged.add(received.webhook_id)
        return Answer(200)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_sigkill_mid_delivery_loses_nothing(
    database_url: str, receiver: Receiver, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "TASKMASTER_DATABASE_URL": database_url,
        "TASKMASTER_JWT_PRIVATE_KEY": str(tmp_path / "jwt.pem"),
        "TASKMASTER_ARGON2_TIME_COST": "1",
        "TASKMASTER_ARGON2_MEMORY_KIB": "1024",
        "TASKMASTER_LOG_LEVEL": "WARNING",
        "TASKMASTER_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
        "TASKMASTER_WEBHOOK_POLL_INTERVAL": "0.05",
        "TASKMASTER_WEBHOOK_TIMEOUT": "1",
        "TASKMASTER_WEBHOOK_LEASE": "2",
        "TASKMASTER_WEBHOOK_RETRY_BASE": "0.2",
        "TASKMASTER_WEBHOOK_RETRY_MAX": "0.5",
        "TASKMASTER_WEBHOOK_MAX_ATTEMPTS": "50",
    }
    db = Database(database_url)
    accounts.create_user(
        db, Passwords(time_cost=1, memory_kib=1024), email="crash@example.com", password="pw"
    )
    answers = Switchable()
    receiver.respond = answers
    first, url = _serve(env)
    second = None
    try:
        login = {"email": "crash@example.com", "password": "pw"}
        token = httpx.post(f"{url}/auth/login", json=login).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        hook = httpx.post(
            f"{url}/webhooks",
            json={"url": receiver.url + "/hook", "events": ["task.created"]},
            headers=headers,
        ).json()
        for n in range(EVENTS):
            created = httpx.post(f"{url}/tasks", json={"title": f"task {n}"}, headers=headers)
            assert created.status_code == 201
        # Attempts are under way (slow 500s: some in flight, some waiting for a retry) ...
        receiver.wait_for(lambda r: len(r) >= EVENTS + 2, timeout=30)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        with db.read() as session:
            pending = session.scalars(
                select(WebhookDelivery).where(WebhookDelivery.status == "pending")
            ).all()
            event_ids = {str(e) for e in session.scalars(select(Event.id))}
        assert len(event_ids) == EVENTS
        assert pending, "the kill came too late: nothing was left to deliver"
        assert any(p.claim_token is not None for p in pending), "no attempt was in flight"
        # ... and a new process on the same database delivers everything that is left.
        answers.healed.set()
        second, _ = _serve(env)
        deadline = time.monotonic() + 60
        while answers.acknowledged != event_ids and time.monotonic() < deadline:
            time.sleep(0.05)
        assert answers.acknowledged == event_ids
        for received in receiver.received():
            assert received.webhook_id in event_ids
            webhooks.verify(received.body, received.headers, hook["secret"])
            standardwebhooks.Webhook(hook["secret"]).verify(received.body, received.headers)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with db.read() as session:
                statuses = set(session.scalars(select(WebhookDelivery.status)))
            if statuses == {"succeeded"}:
                break
            time.sleep(0.05)
        assert statuses == {"succeeded"}
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
        db.dispose()
