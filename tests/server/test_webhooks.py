"""Webhook subscriptions: secrets, updates, rotation, deliveries, URL safety."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable

import httpx
import pytest

from taskmaster_server.db.models import Webhook
from taskmaster_server.runtime import Runtime
from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth

MakeUser = Callable[..., ServerUser]
HOOK = {"url": "https://hooks.example.com/taskmaster", "events": ["task.created", "task.completed"]}


@pytest.fixture
async def headers(api_client: httpx.AsyncClient, make_user: MakeUser) -> dict[str, str]:
    return await auth(api_client, make_user())


async def test_secret_is_shown_once_and_stored_for_signing(
    api_client: httpx.AsyncClient, headers: dict[str, str], server_runtime: Runtime
) -> None:
    created = await api_client.post("/webhooks", json=HOOK, headers=headers)
    assert created.status_code == 201, created.text
    hook = created.json()
    secret = hook["secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret[6:])) >= 24
    fetched = (await api_client.get(f"/webhooks/{hook['id']}", headers=headers)).json()
    assert "secret" not in fetched
    assert fetched["enabled"] is True
    with server_runtime.db.read() as session:
        stored = session.get(Webhook, uuid.UUID(hook["id"]))
        assert stored is not None
        assert stored.secret == secret
    own = await api_client.post(
        "/webhooks",
        json={**HOOK, "secret": "whsec_" + base64.b64encode(b"x" * 24).decode()},
        headers=headers,
    )
    assert own.json()["secret"] == "whsec_" + base64.b64encode(b"x" * 24).decode()


async def test_update_rotate_list_delete(
    api_client: httpx.AsyncClient, headers: dict[str, str], server_runtime: Runtime
) -> None:
    hook = (await api_client.post("/webhooks", json=HOOK, headers=headers)).json()
    url = f"/webhooks/{hook['id']}"
    disabled = (await api_client.patch(url, json={"enabled": False}, headers=headers)).json()
    assert (disabled["enabled"], disabled["disabled_reason"]) == (False, "manual")
    enabled = (await api_client.patch(url, json={"enabled": True}, headers=headers)).json()
    assert (enabled["enabled"], enabled["disabled_reason"]) == (True, None)
    rotated = (await api_client.post(f"{url}/rotate-secret", headers=headers)).json()
    assert rotated["secret"] != hook["secret"]
    assert rotated["secret"].startswith("whsec_")
    with server_runtime.db.read() as session:
        stored = session.get(Webhook, uuid.UUID(hook["id"]))
        assert stored is not None
        assert stored.previous_secret == hook["secret"]
    deliveries = (await api_client.get(f"{url}/deliveries", headers=headers)).json()
    assert deliveries == {"data": [], "next_cursor": None, "has_more": False}
    missing = await api_client.post(f"{url}/deliveries/{uuid.uuid4()}/redeliver", headers=headers)
    assert_problem(missing, 404, "not-found")
    listed = (await api_client.get("/webhooks", headers=headers)).json()["data"]
    assert [h["id"] for h in listed] == [hook["id"]]
    assert (await api_client.delete(url, headers=headers)).status_code == 204
    assert_problem(await api_client.get(url, headers=headers), 404, "not-found")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://localhost:8080/hook",
        "http://metadata.google.internal/",
        "ftp://hooks.example.com/",
    ],
)
async def test_private_and_metadata_urls_are_refused(
    api_client: httpx.AsyncClient, headers: dict[str, str], url: str
) -> None:
    response = await api_client.post("/webhooks", json={**HOOK, "url": url}, headers=headers)
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"][0]["pointer"] == "/url"
