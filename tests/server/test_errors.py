"""Every error is an RFC 9457 problem: 400, 404, 405, 413, 415, 422, 500."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.services import serialize
from taskmaster_server.settings import Settings
from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth

MakeUser = Callable[..., ServerUser]


@pytest.fixture
async def headers(api_client: httpx.AsyncClient, make_user: MakeUser) -> dict[str, str]:
    return await auth(api_client, make_user())


async def test_unknown_route_is_404_problem(api_client: httpx.AsyncClient) -> None:
    body = assert_problem(await api_client.get("/no/such/route"), 404, "not-found")
    assert body["instance"] == "/api/v1/no/such/route"


async def test_wrong_method_is_405_with_allow(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    task_url = "/tasks/3fa85f64-5717-4562-b3fc-2c963f66afa6"
    response = await api_client.put(task_url, json={}, headers=headers)
    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "DELETE, GET, PATCH"
    response = await api_client.delete("/projects", headers=headers)
    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "GET, POST"


async def test_malformed_json_is_400(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await api_client.post(
        "/tasks", content=b'{"title": ', headers={**headers, "Content-Type": "application/json"}
    )
    body = assert_problem(response, 400, "bad-request")
    assert "not well-formed JSON" in body["detail"]


async def test_non_utf8_body_is_400_not_500(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await api_client.post(
        "/tasks",
        content='{"title": "caf\u00e9"}'.encode("latin-1"),
        headers={**headers, "Content-Type": "application/json"},
    )
    body = assert_problem(response, 400, "bad-request")
    assert "UTF-8" in body["detail"]


async def test_invalid_body_is_422_with_every_pointer(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await api_client.post(
        "/tasks",
        json={"title": "", "priority": "someday", "tags": ["a", "a"], "colour": "red"},
        headers=headers,
    )
    body = assert_problem(response, 422, "validation-error")
    pointers = {(e["pointer"], e["code"]) for e in body["errors"]}
    assert pointers == {
        ("/title", "min_length"),
        ("/priority", "enum"),
        ("/tags", "unique_items"),
        ("/colour", "unknown_field"),
    }
    missing = await api_client.post("/tasks", json={}, headers=headers)
    assert assert_problem(missing, 422, "validation-error")["errors"] == [
        {"pointer": "/title", "detail": "This field is required.", "code": "required"}
    ]


async def test_invalid_parameters_are_422_with_pointers(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await api_client.get(
        "/tasks",
        params={"limit": "500", "status": "sleeping", "sort": "colour", "statuss": "done"},
        headers={**headers, "X-Account-ID": "not-a-uuid"},
    )
    body = assert_problem(response, 422, "validation-error")
    pointers = {e["pointer"] for e in body["errors"]}
    assert pointers == {
        "#/query/limit",
        "#/query/status",
        "#/query/sort",
        "#/query/statuss",
        "#/header/X-Account-ID",
    }
    bad_path = await api_client.get("/tasks/42", headers=headers)
    assert (
        assert_problem(bad_path, 422, "validation-error")["errors"][0]["pointer"]
        == "#/path/task_id"
    )


async def test_wrong_content_type_is_415(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await api_client.post(
        "/tasks", content=b"title=x", headers={**headers, "Content-Type": "text/plain"}
    )
    assert_problem(response, 415, "unsupported-media-type")


async def test_merge_patch_bodies_are_validated_too(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    created = await api_client.post("/tasks", json={"title": "t"}, headers=headers)
    response = await api_client.patch(
        f"/tasks/{created.json()['id']}",
        content=b'{"title": ""}',
        headers={**headers, "Content-Type": "application/merge-patch+json"},
    )
    assert assert_problem(response, 422, "validation-error")["errors"][0]["pointer"] == "/title"


async def test_oversized_body_is_413(server_settings: Settings, make_user: MakeUser) -> None:
    app = create_app(server_settings.with_changes(max_body_bytes=2048))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1") as client:
            headers = await auth(client, make_user())
            big = {"title": "x", "description": "y" * 5000}
            declared = await client.post("/tasks", json=big, headers=headers)
            assert_problem(declared, 413, "payload-too-large")

            async def chunks() -> AsyncIterator[bytes]:
                yield b'{"title": "x", "description": "'
                for _ in range(10):
                    yield b"y" * 500
                yield b'"}'

            streamed = await client.post(
                "/tasks", content=chunks(), headers={**headers, "Content-Type": "application/json"}
            )
            assert_problem(streamed, 413, "payload-too-large")
    finally:
        runtime_of(app).close()


async def test_unexpected_errors_are_500_without_internals(
    api_client: httpx.AsyncClient, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("secret internal detail: password=hunter2")

    monkeypatch.setattr("taskmaster_server.services.projects.list_page", explode)
    response = await api_client.get("/projects", headers=headers)
    body = assert_problem(response, 500, "internal-error")
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert body["detail"].endswith("quote the request id.")


async def test_response_validation_catches_a_drifting_handler(
    api_client: httpx.AsyncClient, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = serialize.project

    def drifted(row: Any) -> dict[str, Any]:
        data = original(row)
        del data["is_default"]  # required by the spec
        return data

    monkeypatch.setattr(serialize, "project", drifted)
    response = await api_client.post("/projects", json={"name": "p"}, headers=headers)
    assert_problem(response, 500, "internal-error")
