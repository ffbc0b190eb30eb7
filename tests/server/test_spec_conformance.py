"""The server against its own spec: every filter of every list changes a result, every writable
field of every create and update body round-trips (tests/server/conformance.py derives both).

The second test proves the check: on a copy of the spec with a new optional task field and a new
list filter that the server knows nothing of, it names both.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.openapi import ApiSpec
from taskmaster_server.runtime import Runtime
from taskmaster_server.settings import Settings
from tests.fixtures.server import ServerUser
from tests.server.conformance import Conformance
from tests.server.helpers import auth
from tests.server.spec_copies import spec_document, write_spec


def _conformance(
    client: httpx.AsyncClient,
    spec: ApiSpec,
    runtime: Runtime,
    make_user: Callable[..., ServerUser],
    tags: frozenset[str] | None = None,
) -> Conformance:
    async def new_account() -> dict[str, str]:
        return await auth(client, make_user())

    return Conformance(client, spec, runtime, new_account, tags=tags)


async def test_every_filter_and_every_writable_field_works(
    api_client: httpx.AsyncClient,
    server_runtime: Runtime,
    make_user: Callable[..., ServerUser],
) -> None:
    checks = _conformance(api_client, server_runtime.spec, server_runtime, make_user)
    failures = await checks.run()
    assert failures == [], "\n".join(failures)
    # The walk reached what it should: a filter of each list, a field of each write.
    for name in (
        "list_tasks?status",
        "list_tasks?updated_since",
        "list_events?types",
        "list_webhook_deliveries?status",
        "create_task.due_at",
        "update_subtask.position",
        "batch_create_tasks.tags",
        "batch_update_tasks.priority",
        "list_tasks?external_id",
        "upsert_task.title",
        "upsert_task.external_id",
        "batch_upsert_tasks.due_at",
        "update_webhook.enabled",
    ):
        assert name in checks.checked


def _lagging_spec(directory: Path) -> Path:
    """The drill's first two changes: an optional task field, and a list filter."""
    document = spec_document()
    schemas = document["components"]["schemas"]
    for name in ("Task", "TaskCreate", "TaskUpdate", "BatchTaskUpdate"):
        properties: dict[str, Any] = schemas[name]["properties"]
        properties["estimate_minutes"] = {"type": "integer", "minimum": 0, "nullable": True}
        properties["assignee"] = {"type": "string", "maxLength": 200, "nullable": True}
    document["paths"]["/tasks"]["get"]["parameters"].insert(
        0,
        {
            "name": "assignee",
            "in": "query",
            "description": "Only tasks assigned to this person.",
            "schema": {"type": "string", "maxLength": 200},
        },
    )
    return write_spec(document, directory)


async def test_the_check_names_a_dropped_field_and_an_ignored_filter(
    tmp_path: Path, server_settings: Settings, make_user: Callable[..., ServerUser]
) -> None:
    app = create_app(server_settings.with_changes(spec_path=_lagging_spec(tmp_path)))
    runtime = runtime_of(app)
    try:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver/api/v1"
        ) as client:
            # The tasks' operations are the ones changed; the first test covers the rest.
            checks = _conformance(client, runtime.spec, runtime, make_user, frozenset({"Tasks"}))
            failures = await checks.run()
    finally:
        runtime.close()
    report = "\n".join(failures)
    for expected in (
        "create_task: writable field 'estimate_minutes'",
        "update_task: writable field 'estimate_minutes'",
        "batch_create_tasks: writable field 'estimate_minutes'",
        "batch_update_tasks: writable field 'estimate_minutes'",
        "create_task: writable field 'assignee'",
        "list_tasks: query parameter 'assignee'=",
    ):
        assert expected in report, report
    assert "(ignored: every row came back)" in report
    assert "missing after create → get" in report
    # Nothing else: the server does everything else the spec says.
    assert all("estimate_minutes" in f or "assignee" in f for f in failures), report
