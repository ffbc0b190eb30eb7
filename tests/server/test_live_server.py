"""The ``live_server`` fixture: a real uvicorn on 127.0.0.1 that the e2e suite drives."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from taskmaster_server.testing import LiveServer
from tests.fixtures.server import ServerUser


def test_live_server_serves_the_api(
    live_server: LiveServer, make_user: Callable[..., ServerUser]
) -> None:
    assert live_server.base_url.startswith("http://127.0.0.1:")
    assert live_server.api_url == live_server.base_url + "/api/v1"
    user = make_user()
    with httpx.Client(base_url=live_server.api_url, timeout=10) as client:
        tokens = client.post(
            "/auth/login", json={"email": user.email, "password": user.password}
        ).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        created = client.post("/tasks", json={"title": "over real TCP"}, headers=headers)
        assert created.status_code == 201
        assert created.headers["x-request-id"]
        assert (
            client.get(
                created.headers["location"].removeprefix("/api/v1"), headers=headers
            ).status_code
            == 200
        )
