"""A spec ahead of its handlers: named at start-up and answered 501 for just those operations,
or (``require_all_handlers``) a server that refuses to start and names them all."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from taskmaster_server import cli
from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.openapi import ApiSpec, spec_path
from taskmaster_server.resolver import MissingHandlersError, missing_handlers
from taskmaster_server.settings import Settings
from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth
from tests.server.spec_copies import add_operation, spec_document, write_spec

# One operation in an existing tag (its handler module lacks the function), one in a new tag
# (no handler module at all).
ARCHIVE = ("/tasks/{task_id}/archive", "post", "archive_task", "Tasks")
WIDGETS = ("/widgets", "get", "list_widgets", "Widgets")


@pytest.fixture
def lagging_spec(tmp_path: Path) -> Path:
    document = spec_document()
    path, method, operation_id, tag = ARCHIVE
    add_operation(document, path, method, operation_id, tag)
    document["paths"][path]["parameters"] = [
        {"$ref": "#/components/parameters/TaskIdPath"},
        {"$ref": "#/components/parameters/AccountHeader"},
    ]
    add_operation(document, *WIDGETS[:3], WIDGETS[3])
    return write_spec(document, tmp_path)


def test_the_shipped_spec_has_a_handler_for_every_operation() -> None:
    assert missing_handlers(ApiSpec(spec_path())) == []


def test_missing_handlers_are_found_by_operation_id(lagging_spec: Path) -> None:
    missing = missing_handlers(ApiSpec(lagging_spec))
    assert [(m.operation_id, m.method, m.path) for m in missing] == [
        ("archive_task", "POST", "/tasks/{task_id}/archive"),
        ("list_widgets", "GET", "/widgets"),
    ]
    assert missing[1].handler == "taskmaster_server.handlers.widgets.list_widgets"


async def test_missing_operations_answer_501_and_every_other_route_works(
    lagging_spec: Path,
    server_settings: Settings,
    make_user: Callable[..., ServerUser],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    app = create_app(server_settings.with_changes(spec_path=lagging_spec))
    try:
        startup = [r for r in caplog.records if r.name == "taskmaster.startup"]
        assert len(startup) == 1, [r.getMessage() for r in startup]
        assert startup[0].levelno == logging.WARNING
        message = startup[0].getMessage()
        assert "archive_task (POST /tasks/{task_id}/archive)" in message
        assert "list_widgets (GET /widgets)" in message
        assert "501" in message

        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver/api/v1"
        ) as client:
            headers = await auth(client, make_user())
            assert (await client.get("/health")).status_code == 200
            created = await client.post("/tasks", json={"title": "t"}, headers=headers)
            assert created.status_code == 201, created.text
            task_id = created.json()["id"]
            assert (await client.get(f"/tasks/{task_id}", headers=headers)).status_code == 200
            listed = await client.get("/tasks", headers=headers)
            assert listed.status_code == 200
            assert [t["id"] for t in listed.json()["data"]] == [task_id]
            assert (await client.get("/projects", headers=headers)).status_code == 200

            caplog.clear()
            archived = await client.post(f"/tasks/{task_id}/archive", headers=headers)
            body = assert_problem(archived, 501, "not-implemented")
            assert "archive_task" in body["detail"]
            assert body["instance"] == f"/api/v1/tasks/{task_id}/archive"
            widgets = await client.get("/widgets", headers=headers)
            assert "list_widgets" in assert_problem(widgets, 501, "not-implemented")["detail"]
            # Announced once at start-up, not logged as an error per request.
            assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

            # Still the spec's operation: authentication and validation come first.
            anonymous = await client.post(f"/tasks/{task_id}/archive")
            assert_problem(anonymous, 401, "unauthorized")
            malformed = await client.post("/tasks/not-a-uuid/archive", headers=headers)
            assert malformed.status_code == 422, malformed.text
    finally:
        runtime_of(app).close()


def test_required_handlers_refuse_to_start_naming_every_missing_operation(
    lagging_spec: Path, server_settings: Settings
) -> None:
    strict = server_settings.with_changes(spec_path=lagging_spec, require_all_handlers=True)
    with pytest.raises(MissingHandlersError) as refused:
        create_app(strict)
    assert [m.operation_id for m in refused.value.missing] == ["archive_task", "list_widgets"]
    assert "archive_task (POST /tasks/{task_id}/archive)" in str(refused.value)
    assert "list_widgets (GET /widgets)" in str(refused.value)


def test_the_setting_comes_from_the_environment(lagging_spec: Path) -> None:
    settings = Settings.from_env(
        {"TASKMASTER_REQUIRE_ALL_HANDLERS": "true", "TASKMASTER_SPEC_PATH": str(lagging_spec)}
    )
    assert settings.require_all_handlers is True
    assert settings.spec_path == lagging_spec
    assert Settings.from_env({}).require_all_handlers is False


@pytest.mark.parametrize("flag", ["--strict", "--require-all-handlers"])
def test_serve_strict_refuses_before_starting_uvicorn(
    lagging_spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str
) -> None:
    monkeypatch.setenv("TASKMASTER_SPEC_PATH", str(lagging_spec))
    # Restored after the test: serve passes the choice on to its workers through it.
    monkeypatch.setenv("TASKMASTER_REQUIRE_ALL_HANDLERS", "false")
    # serve would add its JSON handler to this process's root logger for the rest of the run.
    monkeypatch.setattr(cli, "configure_logging", lambda level: None)
    result = CliRunner().invoke(
        cli.app,
        ["serve", flag, "--no-migrate", "--database-url", f"sqlite:///{tmp_path / 'x.db'}"],
    )
    assert result.exit_code == 1, result.output
    assert "archive_task (POST /tasks/{task_id}/archive)" in result.output
    assert "list_widgets (GET /widgets)" in result.output
