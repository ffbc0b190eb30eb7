"""Hostile input answers a documented 4xx problem, never a 5xx, and writes nothing.

The table (tests/server/hostile_cases.py) is built from the spec: every operation with a body,
every parameter, every ``due_at``. Each case asserts the exact status, the problem ``type`` and,
for field errors, the pointer, and that the status is one the operation documents. The witness
task written before the attack must read back byte for byte the same after it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from taskmaster_server.problems import PROBLEM_BASE
from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth, login
from tests.server.hostile_cases import (
    DEPTH_LIMIT,
    ITEM,
    Case,
    Targets,
    body_cases,
    datetime_cases,
    parameter_cases,
    spec,
)

MakeUser = Callable[..., ServerUser]
API = spec()


async def _targets(client: httpx.AsyncClient, user: ServerUser) -> tuple[Targets, dict[str, str]]:
    tokens = await login(client, user)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}

    async def post(path: str, body: Any) -> dict[str, Any]:
        response = await client.post(path, json=body, headers=headers)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    project = await post("/projects", {"name": "hostile"})
    task = await post(
        "/tasks",
        {
            "title": "witness",
            "project_id": project["id"],
            "tags": ["keep"],
            "due_at": "2026-11-30T17:00:00+00:00",
            "metadata": {"k": "v", "n": 1.5},
        },
    )
    subtask = await post(f"/tasks/{task['id']}/subtasks", {"title": "step"})
    hook = await post(
        "/webhooks", {"url": "https://hooks.example.com/hostile", "events": ["task.created"]}
    )
    targets = Targets(
        email=user.email,
        password=user.password,
        account_id=user.account_id,
        refresh_token=tokens["refresh_token"],
        project_id=project["id"],
        task_id=task["id"],
        subtask_id=subtask["id"],
        webhook_id=hook["id"],
    )
    return targets, headers


def _mismatch(case: Case, response: httpx.Response) -> str | None:
    """Why ``response`` is not the answer ``case`` expects, or None."""
    got = f"got {response.status_code} {response.text[:160]!r}"
    if response.status_code != case.status:
        return got
    documented = API.operations[case.operation_id]["responses"]
    if str(case.status) not in documented:
        return f"{case.status} is not documented for {case.operation_id}"
    body = response.json()
    if case.slug.startswith(ITEM):
        first = body["results"][0]
        wanted = PROBLEM_BASE + case.slug.removeprefix(ITEM)
        if first["outcome"] != "failed" or first["error"]["type"] != wanted:
            return got
        return None
    if not response.headers["content-type"].startswith("application/problem+json"):
        return got
    if body["type"] != PROBLEM_BASE + case.slug or body["status"] != case.status:
        return got
    if body.get("request_id") != response.headers["x-request-id"]:
        return "no request_id"
    if case.pointer is not None:
        pointers = {error["pointer"] for error in body.get("errors", [])}
        if case.pointer not in pointers:
            return f"no error at {case.pointer}: {pointers}"
    return None


async def _run(client: httpx.AsyncClient, auth_headers: dict[str, str], cases: list[Case]) -> None:
    failures: list[str] = []
    server_errors = 0
    for case in cases:
        response = await client.request(
            case.method,
            case.path,
            content=case.content,
            headers={**auth_headers, **case.headers},
            params=case.params,
        )
        server_errors += response.status_code >= 500
        reason = _mismatch(case, response)
        if reason is not None:
            failures.append(f"{case.name}: {reason}")
    assert not failures, (
        f"{len(failures)} of {len(cases)} cases wrong, {server_errors} answered 5xx:\n"
        + "\n".join(failures)
    )


async def _snapshot(
    client: httpx.AsyncClient, headers: dict[str, str], targets: Targets
) -> tuple[bytes, list[str]]:
    task = await client.get(f"/tasks/{targets.task_id}", headers=headers)
    assert task.status_code == 200, task.text
    listed = await client.get("/tasks", headers=headers, params={"limit": 100})
    return task.content, [item["id"] for item in listed.json()["data"]]


@pytest.mark.parametrize(
    "build", [body_cases, datetime_cases, parameter_cases], ids=["bodies", "times", "parameters"]
)
async def test_hostile_requests_get_documented_problems_and_write_nothing(
    api_client: httpx.AsyncClient, make_user: MakeUser, build: Callable[..., list[Case]]
) -> None:
    targets, headers = await _targets(api_client, make_user())
    before = await _snapshot(api_client, headers, targets)
    cases = build(API, targets)
    assert len(cases) >= 30
    await _run(api_client, headers, cases)
    assert await _snapshot(api_client, headers, targets) == before


@pytest.mark.parametrize(
    "content_type",
    [
        "Application/JSON",
        "application/json; charset=utf-8",
        'APPLICATION/JSON;Charset="UTF-8"',
        "application/json ; charset=UTF-8",
    ],
)
async def test_json_media_types_are_matched_case_insensitively_with_parameters(
    api_client: httpx.AsyncClient, make_user: MakeUser, content_type: str
) -> None:
    headers = {**await auth(api_client, make_user()), "Content-Type": content_type}
    created = await api_client.post("/tasks", content=b'{"title": "typed"}', headers=headers)
    assert created.status_code == 201, created.text
    batch = await api_client.post(
        "/tasks/batch", content=b'[{"title": "one"}, {"title": "two"}]', headers=headers
    )
    assert batch.status_code == 200, batch.text
    assert (batch.json()["succeeded"], batch.json()["failed"]) == (2, 0)
    patch_type = content_type.replace("json", "merge-patch+json").replace(
        "JSON", "MERGE-PATCH+JSON"
    )
    patched = await api_client.patch(
        f"/tasks/{created.json()['id']}",
        content=b'{"title": "patched"}',
        headers={**headers, "Content-Type": patch_type},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["title"] == "patched"


async def test_login_and_refresh_take_json_in_any_case(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = make_user()
    headers = {"Content-Type": "Application/Json; charset=UTF-8"}
    body = json.dumps({"email": user.email, "password": user.password}).encode()
    signed_in = await api_client.post("/auth/login", content=body, headers=headers)
    assert signed_in.status_code == 200, signed_in.text
    refresh = json.dumps({"refresh_token": signed_in.json()["refresh_token"]}).encode()
    refreshed = await api_client.post("/auth/refresh", content=refresh, headers=headers)
    assert refreshed.status_code == 200, refreshed.text


async def test_bodyless_logout_needs_no_content_type(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    headers = await auth(api_client, make_user())
    assert (await api_client.post("/auth/logout", headers=headers)).status_code == 204


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


async def test_nesting_limit_is_exact(api_client: httpx.AsyncClient, make_user: MakeUser) -> None:
    headers = await auth(api_client, make_user())
    # The body object and the metadata object are two levels; the arrays make up the rest.
    fits = {"title": "deep", "metadata": {"k": _nested(DEPTH_LIMIT - 2)}}
    created = await api_client.post("/tasks", json=fits, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["metadata"] == fits["metadata"]
    too_deep = {"title": "deep", "metadata": {"k": _nested(DEPTH_LIMIT - 1)}}
    body = assert_problem(
        await api_client.post("/tasks", json=too_deep, headers=headers), 400, "bad-request"
    )
    assert str(DEPTH_LIMIT) in body["detail"]


async def test_large_numbers_that_fit_are_kept(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    headers = await auth(api_client, make_user())
    metadata = {"big": 1.7976931348623157e308, "tiny": 5e-324, "int": 2**70}
    created = await api_client.post(
        "/tasks", json={"title": "numbers", "metadata": metadata}, headers=headers
    )
    assert created.status_code == 201, created.text
    read = (await api_client.get(f"/tasks/{created.json()['id']}", headers=headers)).json()
    # PostgreSQL's jsonb writes 1.79e308 out as an integer; the value is the same double.
    assert {k: float(v) for k, v in read["metadata"].items()} == {
        k: float(v) for k, v in metadata.items()
    }


async def test_nul_in_search_matches_nothing_but_is_refused(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    headers = await auth(api_client, make_user())
    await api_client.post("/tasks", json={"title": "findable"}, headers=headers)
    for name in ("search", "tag"):
        response = await api_client.get("/tasks", params={name: "\x00"}, headers=headers)
        body = assert_problem(response, 422, "validation-error")
        assert body["errors"][0]["pointer"] == f"#/query/{name}"


async def test_ticket_refuses_a_malformed_account_header_as_documented(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    headers = {**await auth(api_client, make_user()), "X-Account-ID": "not-an-account"}
    response = await api_client.post("/events/ticket", headers=headers)
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"][0]["pointer"] == "#/header/X-Account-ID"
    assert "422" in API.operations["create_event_stream_ticket"]["responses"]


async def test_batch_delete_reports_non_uuid_items_per_item(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    headers = await auth(api_client, make_user())
    task = (await api_client.post("/tasks", json={"title": "doomed"}, headers=headers)).json()
    items = [task["id"], "42", 7, None]
    atomic = await api_client.post(
        "/tasks/batch/delete", json=items, headers=headers, params={"atomic": "true"}
    )
    assert_problem(atomic, 422, "validation-error")
    assert (await api_client.get(f"/tasks/{task['id']}", headers=headers)).status_code == 200
    response = await api_client.post("/tasks/batch/delete", json=items, headers=headers)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["succeeded", "failed", "failed", "failed"]
    for index, result in enumerate(results[1:], start=1):
        assert result["status"] == 422
        assert result["error"]["type"] == PROBLEM_BASE + "validation-error"
        assert result["error"]["errors"][0]["pointer"] == f"/{index}"
    assert (await api_client.get(f"/tasks/{task['id']}", headers=headers)).status_code == 404
