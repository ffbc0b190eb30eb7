"""Redis and PostgreSQL going away and coming back while a real server runs.

Each test runs its own Redis or PostgreSQL (tests/fixtures/private_services.py) and stops only
that: the shared services are never touched.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.db.migrate import upgrade
from taskmaster_server.services import accounts
from taskmaster_server.settings import Settings
from taskmaster_server.testing import LiveServer
from tests.fixtures.private_services import PrivatePostgres, PrivateRedis
from tests.fixtures.server import ServerUser

MakeUser = Callable[..., ServerUser]
PROBLEM = "https://taskmaster.dev/problems/"
DEGRADED = "unreachable"


def _wait_until(check: Callable[[], bool], timeout: float) -> float:
    """Seconds until ``check()`` is true; fails after ``timeout``."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            pytest.fail(f"not recovered after {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - started


def _bearer(client: httpx.Client, email: str, password: str) -> dict[str, str]:
    response = client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    yield server
    server.kill()


def test_rate_limits_survive_redis_outages(
    server_settings: Settings,
    make_user: MakeUser,
    redis: PrivateRedis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="taskmaster.ratelimit")
    # Redis is not running yet: the server starts anyway, on per-process limits.
    app = create_app(server_settings.with_changes(redis_url=redis.url))
    limits = runtime_of(app).limits
    server = LiveServer(app).start()
    user = make_user()
    try:
        with httpx.Client(base_url=server.api_url, timeout=10) as client:
            headers = _bearer(client, user.email, user.password)
            assert client.get("/tasks", headers=headers).status_code == 200
            ready = client.get("/ready")
            assert ready.status_code == 200
            assert ready.json()["status"] == "degraded"
            assert "per process" in ready.json()["checks"]["redis"]

            redis.start()
            recovered = _wait_until(
                lambda: (
                    client.get("/tasks", headers=headers).status_code == 200 and not limits.degraded
                ),
                timeout=10,
            )
            assert client.get("/ready").json() == {
                "status": "ready",
                "checks": {"database": "ok", "redis": "ok"},
            }

            redis.kill()  # dies mid-run
            statuses = [client.get("/tasks", headers=headers).status_code for _ in range(5)]
            statuses.append(
                client.post(
                    "/auth/login", json={"email": user.email, "password": user.password}
                ).status_code
            )
            assert statuses == [200] * 6
            assert limits.degraded
            assert client.get("/ready").json()["status"] == "degraded"

            redis.start()
            again = _wait_until(
                lambda: (
                    client.get("/tasks", headers=headers).status_code == 200 and not limits.degraded
                ),
                timeout=10,
            )
    finally:
        server.stop()
        runtime_of(app).close()
    warnings = [r.getMessage() for r in caplog.records if r.name == "taskmaster.ratelimit"]
    # One line per outage (at start, mid-run) and one per recovery, however many requests.
    assert sum(DEGRADED in message for message in warnings) == 2, warnings
    assert sum("answers again" in message for message in warnings) == 2, warnings
    assert recovered < 5
    assert again < 5
    print(f"redis recovery: {recovered:.2f} s after start, {again:.2f} s after restart")


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.destroy()


def test_requests_during_a_postgres_restart_answer_503_then_recover(
    postgres: PrivatePostgres, tmp_path: Path
) -> None:
    upgrade(postgres.url)
    settings = Settings(
        database_url=postgres.url,
        db_pool_size=3,
        jwt_private_key=tmp_path / "jwt-es256.pem",
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        validate_responses=True,
        webhook_worker=False,
    )
    app = create_app(settings)
    runtime = runtime_of(app)
    accounts.create_user(runtime.db, runtime.passwords, email="pg@example.com", password="pw")
    server = LiveServer(app).start()
    try:
        with httpx.Client(base_url=server.api_url, timeout=20) as client:
            headers = _bearer(client, "pg@example.com", "pw")
            created = client.post("/tasks", json={"title": "before the restart"}, headers=headers)
            assert created.status_code == 201

            postgres.stop()
            down = [
                client.get("/tasks", headers=headers),
                client.post("/tasks", json={"title": "while down"}, headers=headers),
                client.post("/auth/login", json={"email": "pg@example.com", "password": "pw"}),
                client.get("/ready"),
            ]
            for response in down:
                assert response.status_code == 503, response.text
                assert response.headers["content-type"].startswith("application/problem+json")
                assert response.json()["type"] == PROBLEM + "service-unavailable"
                assert int(response.headers["retry-after"]) >= 1

            started = time.monotonic()
            postgres.start()
            restart = time.monotonic() - started
            # The first request after the restart already succeeds: a pooled connection found
            # dead on first use is replaced and the request runs again on a fresh one.
            listed = client.get("/tasks", headers=headers)
            assert listed.status_code == 200, listed.text
            assert [task["title"] for task in listed.json()["data"]] == ["before the restart"]
            assert (
                client.post("/tasks", json={"title": "after"}, headers=headers).status_code == 201
            )
            assert client.get("/ready").status_code == 200
            assert _bearer(client, "pg@example.com", "pw")
    finally:
        server.stop()
        runtime.close()
    print(f"postgres restart took {restart:.2f} s; the first request after it succeeded")


@pytest.fixture
def silent_postgres() -> Iterator[str]:
    """A "PostgreSQL" that accepts connections and never says a word: a hung host or a
    half-open network path, which a refused connection does not show."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{listener.getsockname()[1]}/test"
    finally:
        stop.set()
        thread.join(5)
        for connection in held:
            connection.close()
        listener.close()


def test_a_postgres_that_never_answers_gives_503_within_the_connect_timeout(
    silent_postgres: str, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=silent_postgres,
        db_connect_timeout=1,
        jwt_private_key=tmp_path / "jwt-es256.pem",
        validate_responses=True,
        webhook_worker=False,
    )
    app = create_app(settings)
    runtime = runtime_of(app)
    token, _ = runtime.tokens.issue(uuid.uuid4(), uuid.uuid4(), datetime.now(UTC))
    server = LiveServer(app).start()
    try:
        with httpx.Client(base_url=server.api_url, timeout=30) as client:
            for path, headers in (
                ("/ready", {}),
                ("/tasks", {"Authorization": f"Bearer {token}"}),
            ):
                started = time.monotonic()
                response = client.get(path, headers=headers)
                took = time.monotonic() - started
                assert response.status_code == 503, response.text
                assert response.headers["content-type"].startswith("application/problem+json")
                assert took < 10, f"{path} took {took:.1f} s"
            # Liveness needs no database and no handler thread: it answers at once.
            assert client.get("/health").status_code == 200
    finally:
        server.stop()
        runtime.close()
