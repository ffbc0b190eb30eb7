"""tasks list/show/add/update/done/rm, and the output formats scripts parse."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from taskmaster import TaskMasterClient
from tests.cli.conftest import Cli, ok


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _add(cli: Cli, *args: str) -> dict[str, Any]:
    return dict(json.loads(ok(cli("tasks", "add", *args, "--json")).stdout))


def test_add_show_update_done_rm(logged_in: Cli) -> None:
    created = _add(
        logged_in, "Write the report", "--priority", "high", "--tag", "q3", "--tag", "docs",
        "--due", "2030-01-02T03:04:00Z", "--description", "Ten pages", "--metadata", '{"n": 1}',
    )  # fmt: skip
    assert created["title"] == "Write the report"
    assert created["priority"] == "high"
    assert created["tags"] == ["q3", "docs"]
    assert created["metadata"] == {"n": 1}
    task_id = created["id"]

    shown = ok(logged_in("tasks", "show", task_id)).stdout
    assert "Write the report" in shown
    assert "Ten pages" in shown
    assert json.loads(ok(logged_in("tasks", "show", task_id, "--json")).stdout) == created

    updated = json.loads(
        ok(logged_in("tasks", "update", task_id, "--title", "Write it", "--json")).stdout
    )
    assert updated["title"] == "Write it"
    assert updated["priority"] == "high"  # untouched
    assert updated["version"] == created["version"] + 1

    assert "Done: Write it" in ok(logged_in("tasks", "done", task_id)).stdout
    assert json.loads(ok(logged_in("tasks", "show", task_id, "--json")).stdout)["status"] == "done"

    assert "Deleted" in ok(logged_in("tasks", "rm", task_id, "--yes")).stdout
    gone = logged_in("tasks", "show", task_id)
    assert gone.exit_code == 5
    assert gone.stderr.startswith("error: 404")
    assert "(request_id: " in gone.stderr


def test_rm_asks_first_and_keeps_the_task_when_refused(logged_in: Cli) -> None:
    task_id = _add(logged_in, "Keep me")["id"]
    refused = logged_in("tasks", "rm", task_id, input="n\n")
    assert refused.exit_code == 1
    assert ok(logged_in("tasks", "show", task_id, "--json"))


def test_list_filters_sorts_and_prints_json_lines_and_csv(logged_in: Cli) -> None:
    _add(logged_in, "alpha", "--priority", "low", "--tag", "x")
    _add(logged_in, "beta", "--priority", "urgent", "--tag", "x")
    _add(logged_in, "gamma", "--priority", "medium", "--status", "done")

    rows = _lines(ok(logged_in("tasks", "list", "--json", "--sort", "title")).stdout)
    assert [r["title"] for r in rows] == ["alpha", "beta", "gamma"]

    tagged = _lines(
        ok(logged_in("tasks", "list", "--tag", "x", "--sort", "-title", "--json")).stdout
    )
    assert [r["title"] for r in tagged] == ["beta", "alpha"]

    pending = ok(logged_in("tasks", "list", "--status", "pending", "--priority", "urgent", "--csv"))
    table = list(csv.DictReader(io.StringIO(pending.stdout)))
    assert [r["title"] for r in table] == ["beta"]
    assert table[0]["priority"] == "urgent"
    assert table[0]["tags"] == "x"
    assert json.loads(table[0]["metadata"]) == {}

    human = ok(logged_in("tasks", "list", "--search", "gamma")).stdout
    assert "gamma" in human
    assert "alpha" not in human


def test_list_all_walks_every_page(logged_in: Cli, user: Any) -> None:
    with TaskMasterClient(logged_in.api_url, email=user.email, password=user.password) as client:
        client.bulk_create_tasks([{"title": f"task {i:02}"} for i in range(7)])

    one_page = logged_in("tasks", "list", "--limit", "3", "--json")
    assert len(_lines(ok(one_page).stdout)) == 3
    table = ok(logged_in("tasks", "list", "--limit", "3"))
    assert "--all" in table.stderr

    every = _lines(ok(logged_in("tasks", "list", "--all", "--limit", "3", "--json")).stdout)
    assert sorted(r["title"] for r in every) == [f"task {i:02}" for i in range(7)]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        # Checked before any request: a usage error (2) that names the flag and the choices.
        (("tasks", "add", "x", "--priority", "someday"), 2, "'--priority': 'someday' is not one"),
        (("tasks", "list", "--status", "finished"), 2, "'cancelled', 'done', 'in_progress'"),
        (("tasks", "list", "--due-before", "tomorrow"), 2, "'--due-before': 'tomorrow' is not"),
        (("tasks", "show", "not-a-uuid"), 7, "UUID"),
        (("tasks", "update", "00000000-0000-0000-0000-000000000000", "--title", "t"), 5, "404"),
        (("tasks", "list", "--json", "--csv"), 2, "exclude"),
        (("tasks", "update", "00000000-0000-0000-0000-000000000000"), 2, "at least one"),
    ],
)
def test_bad_input_exits_with_the_code_of_its_class(
    logged_in: Cli, args: tuple[str, ...], code: int, message: str
) -> None:
    result = logged_in(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr


def test_a_server_side_validation_error_names_the_field_and_the_request(logged_in: Cli) -> None:
    result = logged_in("tasks", "add", "x" * 1000)
    assert result.exit_code == 7
    assert result.stderr.startswith("error: 4")
    assert "/title" in result.stderr
    assert "(request_id: " in result.stderr


def test_a_reader_that_closes_the_pipe_early_ends_the_command_quietly(logged_in: Any) -> None:
    # `taskmaster tasks list --json | head -1`: once the reader has gone, the next write fails
    # with EPIPE. A real pipe, closed before the command writes anything, makes that certain.
    ok(logged_in("tasks", "add", "Read by nobody"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TASKMASTER_", "XDG_"))}
    env.update({k: v for k, v in logged_in.env.items() if v is not None})
    command = [str(Path(sys.executable).parent / "taskmaster"), "tasks", "list", "--json"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()
    errors = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert errors == ""
