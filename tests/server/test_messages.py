"""Error messages that say what to do: worded pattern errors, the wrong project, local webhooks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from taskmaster_server.pattern_messages import MESSAGE_KEY
from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth

MakeUser = Callable[..., ServerUser]
SPEC = Path(__file__).parents[2] / "openapi" / "taskmaster.yaml"


@pytest.fixture
async def headers(api_client: httpx.AsyncClient, make_user: MakeUser) -> dict[str, str]:
    return await auth(api_client, make_user())


def _schemas_with_a_pattern(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield where, node
        for key, child in node.items():
            yield from _schemas_with_a_pattern(child, f"{where}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _schemas_with_a_pattern(child, f"{where}/{index}")


def test_every_pattern_in_the_spec_has_a_message_for_people() -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    found = dict(_schemas_with_a_pattern(spec))
    assert len(found) >= 3  # sort, X-Account-ID, the webhook secret
    unworded = [where for where, schema in found.items() if MESSAGE_KEY not in schema]
    assert unworded == []


async def _sort_error(api_client: httpx.AsyncClient, headers: dict[str, str], sort: str) -> str:
    response = await api_client.get("/tasks", params={"sort": sort}, headers=headers)
    body = assert_problem(response, 422, "validation-error")
    [error] = body["errors"]
    assert error["pointer"] == "#/query/sort"
    assert error["code"] == "pattern"
    detail: str = error["detail"]
    assert "^-?(" not in detail  # never the regex
    assert "created_at, updated_at, due_at, priority, status, title" in detail
    return detail


async def test_a_misspelt_sort_key_lists_the_keys_and_suggests_the_closest(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    detail = await _sort_error(api_client, headers, "-priorty")
    assert detail.startswith("'-priorty' is not a sort key (did you mean '-priority'?).")

    second = await _sort_error(api_client, headers, "titel")
    assert second.startswith("'titel' is not a sort key (did you mean 'title'?).")

    nothing_close = await _sort_error(api_client, headers, "zzz")
    assert nothing_close.startswith("'zzz' is not a sort key. Sort by one key")

    sign_only = await _sort_error(api_client, headers, "-")
    assert sign_only.startswith("'-' names no sort key. Sort by one key")


async def test_several_sort_keys_are_told_there_is_one(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    detail = await _sort_error(api_client, headers, "-priority,due_at")
    assert detail == (
        "'-priority,due_at' names 2 sort keys; give one. Sort by one key, with an optional `-`"
        " for descending: created_at, updated_at, due_at, priority, status, title (e.g. -priority)."
    )
    misspelt_too = await _sort_error(api_client, headers, "due_at,titel")
    assert misspelt_too.startswith("'due_at,titel' names 2 sort keys; give one.")


async def test_a_malformed_account_header_is_worded(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await api_client.get("/tasks", headers={**headers, "X-Account-ID": "acme"})
    body = assert_problem(response, 422, "validation-error")
    [error] = body["errors"]
    assert error["pointer"] == "#/header/X-Account-ID"
    assert error["detail"].startswith("Must be an account id, a UUID such as ")


async def test_a_malformed_webhook_secret_is_worded(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {"url": "https://hooks.example.com/x", "events": ["task.created"], "secret": "s3cret"}
    response = await api_client.post("/webhooks", json=body, headers=headers)
    problem = assert_problem(response, 422, "validation-error")
    [error] = problem["errors"]
    assert error["pointer"] == "/secret"
    assert error["detail"].startswith("Must be `whsec_` followed by 24 to 128 base64 characters")
    assert "s3cret" not in error["detail"]  # a secret, even a bad one, is not echoed


async def test_a_task_in_another_project_of_the_account_names_the_project(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    project = await api_client.post("/projects", json={"name": "Other"}, headers=headers)
    assert project.status_code == 201, project.text
    other_id = project.json()["id"]
    task = await api_client.post("/tasks", json={"title": "in the default"}, headers=headers)
    assert task.status_code == 201, task.text
    task_id = task.json()["id"]

    response = await api_client.get(
        f"/tasks/{task_id}", params={"project_id": other_id}, headers=headers
    )
    body = assert_problem(response, 404, "not-found")
    assert body["detail"] == f"No task {task_id} in project {other_id}."

    in_its_project = await api_client.get(
        f"/tasks/{task_id}",
        params={"project_id": task.json()["project_id"].upper()},
        headers=headers,
    )
    assert in_its_project.status_code == 200, in_its_project.text


async def test_a_task_of_another_account_stays_not_in_this_account(
    api_client: httpx.AsyncClient, headers: dict[str, str], make_user: MakeUser
) -> None:
    stranger = await auth(api_client, make_user())
    task = await api_client.post("/tasks", json={"title": "theirs"}, headers=stranger)
    assert task.status_code == 201, task.text
    project_id = task.json()["project_id"]
    response = await api_client.get(
        f"/tasks/{task.json()['id']}", params={"project_id": project_id}, headers=headers
    )
    body = assert_problem(response, 404, "not-found")
    assert body["detail"].endswith("in this account.")  # nothing about the other account


HINT = "TASKMASTER_WEBHOOK_ALLOW_PRIVATE=true"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9000/hook", "http://localhost:3000/hook", "http://10.1.2.3/hook"]
)
async def test_a_refused_local_webhook_url_says_how_to_allow_it_for_development(
    api_client: httpx.AsyncClient, headers: dict[str, str], url: str
) -> None:
    body = {"url": url, "events": ["task.created"]}
    response = await api_client.post("/webhooks", json=body, headers=headers)
    problem = assert_problem(response, 422, "validation-error")
    assert HINT in problem["detail"]
    assert HINT in problem["errors"][0]["detail"]


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest", "ftp://hooks.example.com/"])
async def test_no_hint_where_the_setting_would_not_help(
    api_client: httpx.AsyncClient, headers: dict[str, str], url: str
) -> None:
    body = {"url": url, "events": ["task.created"]}
    response = await api_client.post("/webhooks", json=body, headers=headers)
    problem = assert_problem(response, 422, "validation-error")
    assert "TASKMASTER_WEBHOOK_ALLOW_PRIVATE" not in problem["detail"]
