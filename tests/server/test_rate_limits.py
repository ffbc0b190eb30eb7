"""Rate limits: per account for the API, per address + email for login, shared via Redis."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.settings import Settings
from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, login

MakeUser = Callable[..., ServerUser]


def _client(app: object) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://t/api/v1")


async def test_api_budget_per_account(server_settings: Settings, make_user: MakeUser) -> None:
    app = create_app(server_settings.with_changes(rate_limit="3/minute"))
    try:
        async with _client(app) as client:
            user, other = make_user(), make_user()
            headers = {"Authorization": f"Bearer {(await login(client, user))['access_token']}"}
            first = await client.get("/tasks", headers=headers)
            assert first.headers["ratelimit-policy"] == '"default";q=3;w=60'
            assert first.headers["x-ratelimit-limit"] == "3"
            assert first.headers["x-ratelimit-remaining"] == "2"
            assert first.headers["ratelimit"].startswith('"default";r=2;t=')
            for _ in range(2):
                assert (await client.get("/tasks", headers=headers)).status_code == 200
            limited = await client.get("/tasks", headers=headers)
            assert_problem(limited, 429, "rate-limited")
            assert 1 <= int(limited.headers["retry-after"]) <= 60
            assert limited.headers["x-ratelimit-remaining"] == "0"
            # Another account has its own budget.
            other_headers = {
                "Authorization": f"Bearer {(await login(client, other))['access_token']}"
            }
            assert (await client.get("/tasks", headers=other_headers)).status_code == 200
    finally:
        runtime_of(app).close()


async def test_login_budget_per_address_and_email(
    server_settings: Settings, make_user: MakeUser
) -> None:
    app = create_app(server_settings.with_changes(login_rate_limit="2/minute"))
    try:
        async with _client(app) as client:
            user = make_user()
            for _ in range(2):
                wrong = await client.post(
                    "/auth/login", json={"email": user.email, "password": "x"}
                )
                assert wrong.status_code == 401
            limited = await client.post(
                "/auth/login", json={"email": user.email, "password": user.password}
            )
            assert_problem(limited, 429, "rate-limited")
            other = make_user()
            assert (await login(client, other))["access_token"]
    finally:
        runtime_of(app).close()


async def test_redis_shares_one_budget_between_apps(
    server_settings: Settings, make_user: MakeUser, redis_url: str
) -> None:
    settings = server_settings.with_changes(rate_limit="4/minute", redis_url=redis_url)
    first, second = create_app(settings), create_app(settings)
    try:
        async with _client(first) as a, _client(second) as b:
            tokens = await login(a, make_user())
            headers = {"Authorization": f"Bearer {tokens['access_token']}"}
            statuses = [
                (await (a if i % 2 else b).get("/me", headers=headers)).status_code
                for i in range(6)
            ]
            assert statuses == [200, 200, 200, 200, 429, 429]
    finally:
        runtime_of(first).close()
        runtime_of(second).close()
