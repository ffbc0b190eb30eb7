"""Small helpers shared by the server tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.fixtures.server import ServerUser


async def login(client: httpx.AsyncClient, user: ServerUser, **extra: Any) -> dict[str, Any]:
    response = await client.post(
        "/auth/login", json={"email": user.email, "password": user.password, **extra}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def auth(client: httpx.AsyncClient, user: ServerUser) -> dict[str, str]:
    tokens = await login(client, user)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"] == f"https://taskmaster.dev/problems/{slug}", body
    assert body["status"] == status
    assert body["request_id"] == response.headers["x-request-id"]
    return body
