"""What a working session with the CLI needs, as gh and stripe offer it: projects by name,
dates as people write them, deletes that say what they delete, values checked before any
request, completion of values and ids, prompts on stderr."""

from __future__ import annotations

import datetime
import json
from typing import Any

from typer.testing import CliRunner

from taskmaster import TaskMasterClient
from taskmaster.cli.app import app
from tests.cli.conftest import Cli, ok


def _client(cli: Cli, user: Any) -> TaskMasterClient:
    return TaskMasterClient(cli.api_url, email=user.email, password=user.password)


def _ids(result: Any) -> list[str]:
    return [json.loads(line)["id"] for line in ok(result).stdout.splitlines()]


def test_project_by_name_as_well_as_id(logged_in: Cli, user: Any) -> None:
    with _client(logged_in, user) as client:
        erp = client.create_project(name="ERP import")
        client.create_project(name="Other")
    added = json.loads(
        ok(logged_in("tasks", "add", "x", "--project", "ERP import", "--json")).stdout
    )
    assert added["project_id"] == str(erp.id)

    for spelling in ("ERP import", "erp IMPORT", str(erp.id), str(erp.id)[:8]):
        assert _ids(logged_in("tasks", "list", "--project", spelling, "--json")) == [added["id"]]

    missing = logged_in("tasks", "list", "--project", "ERP export")
    assert missing.exit_code == 5
    assert "no project is named 'ERP export'" in missing.stderr

    with _client(logged_in, user) as client:
        client.create_project(name="erp import")  # same name ignoring case; exact still wins
        assert _ids(logged_in("tasks", "list", "--project", "ERP import", "--json")) == [
            added["id"]
        ]
        client.create_project(name="ERP import")
    twice = logged_in("tasks", "list", "--project", "ERP import")
    assert twice.exit_code == 7
    assert "2 projects are named 'ERP import'" in twice.stderr


def test_task_tables_show_the_projects_name(logged_in: Cli, user: Any) -> None:
    with _client(logged_in, user) as client:
        project = client.create_project(name="Quarterly close")
        client.create_task(title="reconcile", project_id=project.id)
    table = ok(logged_in("tasks", "list", COLUMNS="160")).stdout
    row = next(line for line in table.splitlines() if "reconcile" in line)
    assert "Quarterly close" in row
    assert str(project.id) not in table


def test_dates_without_a_zone_are_local_time(logged_in: Cli, user: Any) -> None:
    midnight = datetime.datetime(2030, 2, 1).astimezone()  # local midnight, as the flag means
    minute = datetime.timedelta(minutes=1)
    with _client(logged_in, user) as client:
        before = client.create_task(title="before", due_at=midnight - minute)
        client.create_task(title="after", due_at=midnight + minute)
        noon = client.create_task(title="noon", due_at=midnight + datetime.timedelta(hours=12))

    assert _ids(logged_in("tasks", "list", "--due-before", "2030-02-01", "--json")) == [
        str(before.id)
    ]
    after_noonish = logged_in("tasks", "list", "--due-after", "2030-02-01T11:59", "--json")
    assert _ids(after_noonish) == [str(noon.id)]

    added = logged_in("tasks", "add", "dated", "--due", "2030-03-04", "--json")
    due = datetime.datetime.fromisoformat(json.loads(ok(added).stdout)["due_at"])
    assert due == datetime.datetime(2030, 3, 4).astimezone()

    bad = logged_in("tasks", "list", "--updated-since", "last week")
    assert bad.exit_code == 2
    assert "'--updated-since': 'last week' is not a date (2030-02-01)" in bad.stderr
    assert "updated_since" not in bad.stderr


def test_projects_rm_names_the_project_and_its_task_count(logged_in: Cli, user: Any) -> None:
    with _client(logged_in, user) as client:
        project = client.create_project(name="Old launch")
        client.bulk_create_tasks([{"title": f"t{n}", "project_id": project.id} for n in range(3)])

    refused = logged_in("projects", "rm", "Old launch", input="n\n")
    assert refused.exit_code == 1
    assert f"Delete project 'Old launch' ({project.id}) and its 3 tasks?" in refused.output
    with _client(logged_in, user) as client:
        assert client.get_project(project.id).name == "Old launch"

    done = ok(logged_in("projects", "rm", "Old launch", input="y\n"))
    assert f"Deleted project 'Old launch' ({project.id})." in done.stdout


def test_enum_values_are_checked_before_any_request(logged_in: Cli) -> None:
    # The API URL points nowhere: a request would fail with a connection error, not this.
    for args, flag, choices in (
        (("tasks", "add", "x", "--status", "finished"), "--status", "'pending'"),
        (("tasks", "list", "--priority", "p1"), "--priority", "'urgent'"),
        (("watch", "--type", "task.moved"), "--type", "'task.created'"),
    ):
        result = logged_in(*args, TASKMASTER_API_URL="http://127.0.0.1:9")
        assert result.exit_code == 2, result.output
        assert f"Invalid value for '{flag}'" in result.stderr
        assert choices in result.stderr
    help_text = ok(logged_in("tasks", "list", "--help", COLUMNS="200")).stdout
    assert "--status cancelled|done|in_progress|pending" in help_text


def _complete(cli: Cli, words: str) -> list[str]:
    env = {**cli.env, "_TASKMASTER_COMPLETE": "complete_bash", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    result = CliRunner().invoke(app, [], env=env, prog_name="taskmaster")
    return result.stdout.split()


def test_completion_offers_values_and_ids(logged_in: Cli, user: Any) -> None:
    with _client(logged_in, user) as client:
        task = client.create_task(title="complete me")
        project = client.create_project(name="Zebra")
    assert _complete(logged_in, "taskmaster tasks list --status in") == ["in_progress"]
    assert str(task.id) in _complete(logged_in, "taskmaster tasks show ")
    assert _complete(logged_in, f"taskmaster tasks show {str(task.id)[:6]}") == [str(task.id)]
    assert _complete(logged_in, "taskmaster tasks list --project Zeb") == ["Zebra"]
    assert _complete(logged_in, f"taskmaster projects rm {str(project.id)[:6]}") == [
        str(project.id)
    ]


def test_completion_without_a_session_offers_nothing(cli: Cli) -> None:
    assert _complete(cli, "taskmaster tasks show ") == []


def test_help_reads_as_text(logged_in: Cli) -> None:
    for args in (("--help",), ("tasks", "--help"), ("tasks", "done", "--help"),
                 ("webhooks", "--help"), ("webhooks", "redeliver", "--help"),
                 ("import", "--help"), ("watch", "--help")):  # fmt: skip
        text = ok(logged_in(*args, COLUMNS="80")).stdout
        for unwanted in ("<list[", "<str>", "{task", "{webhook", "{file", "…"):
            assert unwanted not in text, (args, unwanted, text)
        listed = text.split("Commands:", 1)[1] if "Commands:" in text else ""
        assert not [line for line in listed.splitlines() if line.endswith("...")], text
    usage = ok(logged_in("tasks", "done", "--help")).stdout.splitlines()[0]
    assert usage == "Usage: taskmaster tasks done [OPTIONS] TASK_IDS..."
    root = ok(logged_in("--help", COLUMNS="80")).stdout
    assert "Revoke this session's refresh token on the server and forget the" in root


def test_the_password_prompt_goes_to_stderr(cli: Cli, user: Any) -> None:
    result = cli("login", "--email", user.email, input=f"{user.password}\n")
    ok(result)
    assert "Password" in result.stderr
    assert "Password" not in result.stdout
    assert result.stdout.strip().startswith("Logged in to "), repr(result.stdout)
