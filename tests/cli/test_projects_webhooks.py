"""projects list/add/show/update/rm and webhooks list/add/show/rm/deliveries/redeliver."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from tests.cli.conftest import Cli, ok

MISSING = "00000000-0000-0000-0000-000000000000"


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_projects_lifecycle(logged_in: Cli) -> None:
    created = json.loads(
        ok(logged_in("projects", "add", "Launch", "--description", "Q3", "--json")).stdout
    )
    project_id = created["id"]
    assert created["name"] == "Launch"

    listed = _lines(ok(logged_in("projects", "list", "--json")).stdout)
    assert {p["name"] for p in listed} >= {"Launch"}
    assert sum(p["is_default"] for p in listed) == 1
    as_csv = list(csv.DictReader(io.StringIO(ok(logged_in("projects", "list", "--csv")).stdout)))
    assert "Launch" in [row["name"] for row in as_csv]
    assert "Launch" in ok(logged_in("projects", "list")).stdout

    ok(logged_in("projects", "update", project_id, "--name", "Launch v2"))
    shown = ok(logged_in("projects", "show", project_id)).stdout
    assert "Launch v2" in shown
    assert (
        json.loads(ok(logged_in("projects", "show", project_id, "--json")).stdout)["description"]
        == "Q3"
    )

    task = json.loads(
        ok(logged_in("tasks", "add", "in launch", "--project", project_id, "--json")).stdout
    )
    in_project = _lines(ok(logged_in("tasks", "list", "--project", project_id, "--json")).stdout)
    assert [t["id"] for t in in_project] == [task["id"]]

    ok(logged_in("projects", "rm", project_id, "-y"))
    assert logged_in("projects", "show", project_id).exit_code == 5
    assert logged_in("tasks", "show", task["id"]).exit_code == 5


def test_the_default_project_cannot_be_deleted(logged_in: Cli) -> None:
    default = next(
        p for p in _lines(ok(logged_in("projects", "list", "--json")).stdout) if p["is_default"]
    )
    result = logged_in("projects", "rm", default["id"], "--yes")
    assert result.exit_code == 6
    assert "(request_id: " in result.stderr


def test_webhooks_lifecycle_prints_the_secret_once(logged_in: Cli) -> None:
    added = ok(
        logged_in(
            "webhooks",
            "add",
            "https://hooks.example.com/taskmaster",
            "--event",
            "task.created",
            "--event",
            "task.completed",
            "--description",
            "CRM sync",
            "--disabled",
        )
    )
    assert "whsec_" in added.stdout
    webhook = _lines(ok(logged_in("webhooks", "list", "--json")).stdout)[0]
    webhook_id = webhook["id"]
    assert webhook["events"] == ["task.created", "task.completed"]
    assert webhook["enabled"] is False
    assert "secret" not in webhook
    assert webhook_id in added.stdout

    shown = ok(logged_in("webhooks", "show", webhook_id))
    assert "hooks.example.com" in shown.stdout
    assert "whsec_" not in shown.stdout
    assert "hooks.example.com" in ok(logged_in("webhooks", "list")).stdout

    deliveries = ok(logged_in("webhooks", "deliveries", webhook_id, "--all", "--json"))
    assert _lines(deliveries.stdout) == []
    missing = logged_in("webhooks", "redeliver", webhook_id, MISSING)
    assert missing.exit_code == 5
    assert "(request_id: " in missing.stderr

    ok(logged_in("webhooks", "rm", webhook_id, "--yes"))
    assert logged_in("webhooks", "show", webhook_id).exit_code == 5


def test_webhook_add_validates_events(logged_in: Cli) -> None:
    result = logged_in("webhooks", "add", "https://hooks.example.com/x", "--event", "nope")
    assert result.exit_code == 7
    assert result.stderr.startswith("error: ")
