"""Access tokens living 2 seconds while 32 workers share one client: no `AuthenticationError`
reaches a worker, and the client renews about once per token lifetime, not once per request.

For 30 s, as the issue asks: 15 token lifetimes. The count is the server's: every refresh
rotates the refresh token, so the user's refresh-token rows are logins plus refreshes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from taskmaster import APIError, AuthenticationError, TaskMasterClient
from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.db.migrate import upgrade
from taskmaster_server.db.models import RefreshToken
from taskmaster_server.runtime import Runtime
from taskmaster_server.services import accounts
from taskmaster_server.settings import Settings
from taskmaster_server.testing import LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]  # generous for a loaded machine

TOKEN_TTL = 2
DURATION = 30.0  # the figure: 15 token lifetimes
WORKERS = 32
EMAIL = "tokens@example.com"
PASSWORD = "correct horse battery staple"


def short_token_settings(tmp: Path) -> Settings:
    url = f"sqlite:///{tmp / 'tokens.db'}"
    upgrade(url)
    return Settings(
        database_url=url,
        jwt_private_key=tmp / "jwt-es256.pem",
        access_token_ttl=TOKEN_TTL,
        rate_limit="1000000/minute",
        login_rate_limit="1000000/minute",
        webhook_worker=False,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
    )


@pytest.fixture
def short_token_server(tmp_path: Path) -> Iterator[tuple[LiveServer, Runtime]]:
    app = create_app(short_token_settings(tmp_path))
    runtime = runtime_of(app)
    server = LiveServer(app).start()
    yield server, runtime
    server.stop()
    runtime.close()


def test_32_workers_on_2_second_tokens_renew_once_per_lifetime(
    short_token_server: tuple[LiveServer, Runtime],
) -> None:
    server, runtime = short_token_server
    user = accounts.create_user(runtime.db, runtime.passwords, email=EMAIL, password=PASSWORD)
    errors: list[BaseException] = []
    calls = [0] * WORKERS
    deadline = time.monotonic() + DURATION
    with TaskMasterClient(server.api_url, email=EMAIL, password=PASSWORD) as client:
        client.list_tasks(limit=1)  # logs in

        def work(n: int) -> None:
            while time.monotonic() < deadline:
                try:
                    client.list_tasks(limit=1)
                except APIError as exc:
                    errors.append(exc)
                    return
                calls[n] += 1

        threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DURATION + 30)
    assert not [e for e in errors if isinstance(e, AuthenticationError)], errors[:3]
    assert not errors, errors[:3]
    assert all(calls), calls  # every worker got through, all along
    with runtime.db.read() as session:
        issued = session.scalar(
            select(func.count())
            .select_from(RefreshToken)
            .where(RefreshToken.user_id == user.user_id)
        )
    refreshes = int(issued or 0) - 1  # the login issued the first
    lifetimes = DURATION / TOKEN_TTL
    # Renewing at 3/4 of a lifetime makes ~20 in 30 s; one per request would be thousands.
    assert lifetimes - 1 <= refreshes <= 2 * lifetimes + 1, (refreshes, sum(calls))
