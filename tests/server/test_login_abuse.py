"""Login abuse: many emails from one address, one email from many addresses, forged
``X-Forwarded-For`` and floods of password checks, against a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.settings import Settings
from taskmaster_server.testing import LiveServer
from tests.fixtures.server import TEST_PASSWORD, ServerUser

MakeUser = Callable[..., ServerUser]
PROBLEM = "https://taskmaster.dev/problems/"


@contextmanager
def _serving(settings: Settings) -> Iterator[httpx.Client]:
    app = create_app(settings)
    server = LiveServer(app).start()
    try:
        with httpx.Client(base_url=server.api_url, timeout=30) as client:
            yield client
    finally:
        server.stop()
        runtime_of(app).close()


def _login(client: httpx.Client, email: str, password: str, forwarded: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    response = client.post(
        "/auth/login", json={"email": email, "password": password}, headers=headers
    )
    if response.status_code == 429:
        assert response.json()["type"] == PROBLEM + "rate-limited"
        assert int(response.headers["retry-after"]) >= 1
    return response.status_code


def _random_email() -> str:
    return f"nobody-{uuid.uuid4().hex[:12]}@example.com"


def test_many_emails_from_one_address_are_limited(server_settings: Settings) -> None:
    settings = server_settings.with_changes(login_ip_rate_limit="20/minute")
    with _serving(settings) as client:
        statuses = [_login(client, _random_email(), "guess") for _ in range(30)]
    assert statuses == [401] * 20 + [429] * 10


def test_one_email_from_many_addresses_is_limited(
    server_settings: Settings, make_user: MakeUser
) -> None:
    # Addresses really come from a trusted proxy here, so each attempt has a fresh one.
    settings = server_settings.with_changes(
        login_email_rate_limit="5/minute", trusted_proxies=("127.0.0.1/32",)
    )
    user = make_user()
    with _serving(settings) as client:
        statuses = [_login(client, user.email, "guess", f"198.51.100.{i}") for i in range(8)]
        # Even the right password waits: the account's budget is spent.
        assert _login(client, user.email, user.password, "198.51.100.200") == 429
        # Another account is not affected.
        assert _login(client, make_user().email, TEST_PASSWORD, "198.51.100.201") == 200
    assert statuses == [401] * 5 + [429] * 3


def test_forwarded_for_from_loopback_is_not_trusted_by_default(
    server_settings: Settings, make_user: MakeUser
) -> None:
    settings = server_settings.with_changes(login_rate_limit="3/minute")
    assert settings.trusted_proxies == ()
    user = make_user()
    with _serving(settings) as client:
        statuses = [_login(client, user.email, "guess", f"203.0.113.{i}") for i in range(6)]
    # Rotating the header does not give a fresh address + email budget.
    assert statuses == [401] * 3 + [429] * 3


def test_forwarded_for_is_trusted_from_a_configured_proxy(
    server_settings: Settings, make_user: MakeUser
) -> None:
    settings = server_settings.with_changes(
        login_rate_limit="3/minute", trusted_proxies=("127.0.0.0/8",)
    )
    user = make_user()
    with _serving(settings) as client:
        rotated = [_login(client, user.email, "guess", f"203.0.113.{i}") for i in range(6)]
        same = [_login(client, user.email, "guess", "203.0.113.77") for _ in range(4)]
    assert rotated == [401] * 6  # each address has its own budget
    assert same == [401] * 3 + [429]


def test_password_checks_beyond_the_queue_are_refused_at_once(server_settings: Settings) -> None:
    # Real argon2 work (about 0.1-0.5 s per check here), one at a time, one more waiting.
    settings = server_settings.with_changes(
        argon2_time_cost=2,
        argon2_memory_kib=65536,
        password_hash_workers=1,
        password_hash_queue=1,
    )
    results: list[httpx.Response] = []
    lock = threading.Lock()
    with _serving(settings) as client:
        start = threading.Barrier(10)

        def attempt() -> None:
            start.wait()
            response = client.post(
                "/auth/login", json={"email": _random_email(), "password": "guess"}
            )
            with lock:
                results.append(response)

        threads = [threading.Thread(target=attempt) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    counts = Counter(response.status_code for response in results)
    assert set(counts) <= {401, 503}, counts
    assert counts[503] >= 1, counts
    assert counts[401] >= 1, counts
    refused = next(response for response in results if response.status_code == 503)
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["type"] == PROBLEM + "service-unavailable"
    assert refused.headers["retry-after"] == "1"
