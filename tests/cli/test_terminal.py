"""Tables that fit an 80x30 terminal (COLUMNS and a real pty), short ids, id prefixes, --format."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from typing import Any

import pytest

from taskmaster import TaskMasterClient
from taskmaster.cli.errors import CliError, ExitCode
from taskmaster.cli.ids import resolve
from tests.cli.conftest import Cli, ok

LONG = "Write the quarterly report for the board, with every appendix and the budget"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _seed(cli: Cli, user: Any) -> list[Any]:
    with TaskMasterClient(cli.api_url, email=user.email, password=user.password) as client:
        return [
            client.create_task(title=LONG, status="in_progress", priority="urgent",
                               tags=["finance", "board", "quarterly"], due_at="2030-01-02T03:04:00Z"),
            client.create_task(title="Short one", status="pending", priority="low"),
            client.create_task(title="Cancelled thing", status="cancelled", tags=["x"]),
        ]  # fmt: skip


def _table_rows(text: str, tasks: list[Any]) -> dict[str, str]:
    """Each task's one line in the table, found by its short id (the line's first word)."""
    lines = text.splitlines()
    found = {str(t.id): [line for line in lines if line.startswith(str(t.id)[:8])] for t in tasks}
    assert all(len(rows) == 1 for rows in found.values()), text  # one line per task
    return {task_id: rows[0] for task_id, rows in found.items()}


def _assert_fits(text: str, width: int, tasks: list[Any]) -> dict[str, str]:
    assert text.strip(), "no output"
    assert max(len(line) for line in text.splitlines()) <= width, text
    rows = _table_rows(text, tasks)
    # A table line per task and nothing else but the title, the header and its rule: no cell
    # spilled onto a line of its own.
    assert len([line for line in text.splitlines() if line.strip()]) == len(tasks) + 3, text
    for task in tasks:
        assert str(task.id) not in text  # short ids only
    return rows


def test_tasks_list_fits_80_columns_with_whole_words_and_short_ids(
    logged_in: Cli, user: Any
) -> None:
    tasks = _seed(logged_in, user)

    result = ok(logged_in("tasks", "list", COLUMNS="80", LINES="30"))

    rows = _assert_fits(result.stdout, 80, tasks)
    long_row = rows[str(tasks[0].id)]
    assert "in_progress" in long_row  # never "in_prog" + "ress" on the next line
    assert "urgent" in long_row
    assert "…" in long_row  # the long title is cut, not wrapped
    assert "pending" in rows[str(tasks[1].id)]
    assert "cancelled" in rows[str(tasks[2].id)]
    header = result.stdout.splitlines()[1]
    assert header.split()[:2] == ["id", "title"]


def test_narrow_terminals_drop_columns_and_wide_ones_show_them_all(
    logged_in: Cli, user: Any
) -> None:
    tasks = _seed(logged_in, user)

    wide = ok(logged_in("tasks", "list", COLUMNS="200")).stdout
    header = wide.splitlines()[1].split()
    assert header == ["id", "title", "project", "status", "priority", "due", "tags"]
    with TaskMasterClient(logged_in.api_url, email=user.email, password=user.password) as client:
        project_name = client.get_project(tasks[0].project_id).name
    assert project_name in wide  # the project's name, not its id
    assert LONG in wide
    assert "finance,board,quarterly" in wide

    middle = ok(logged_in("tasks", "list", COLUMNS="50")).stdout
    _assert_fits(middle, 50, tasks)
    assert middle.splitlines()[1].split() == ["id", "title", "status", "priority"]

    narrow = ok(logged_in("tasks", "list", COLUMNS="45")).stdout
    _assert_fits(narrow, 45, tasks)
    assert narrow.splitlines()[1].split() == ["id", "title", "status"]


def test_format_option_gives_json_lines_and_csv_like_the_flags(logged_in: Cli, user: Any) -> None:
    tasks = _seed(logged_in, user)

    as_json = ok(logged_in("tasks", "list", "--format", "json")).stdout
    assert as_json == ok(logged_in("tasks", "list", "--json")).stdout
    assert [json.loads(line)["id"] for line in as_json.splitlines()] == [str(t.id) for t in tasks]

    as_csv = ok(logged_in("tasks", "list", "--format", "csv", COLUMNS="80")).stdout
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert [row["id"] for row in rows] == [str(t.id) for t in tasks]  # whole ids for scripts
    assert rows[0]["title"] == LONG

    projects = ok(logged_in("projects", "list", "--format", "json")).stdout
    assert json.loads(projects.splitlines()[0])["is_default"] is True
    clash = logged_in("tasks", "list", "--json", "--format", "csv")
    assert clash.exit_code == 2
    assert "exclude each other" in clash.stderr


def test_every_id_argument_takes_a_unique_prefix(logged_in: Cli, user: Any) -> None:
    tasks = _seed(logged_in, user)
    first = str(tasks[1].id)

    shown = json.loads(ok(logged_in("tasks", "show", first[:8], "--json")).stdout)
    assert shown["id"] == first
    updated = ok(logged_in("tasks", "update", first[:6].upper(), "--title", "Renamed", "--json"))
    assert json.loads(updated.stdout)["title"] == "Renamed"
    assert f"({first})" in ok(logged_in("tasks", "done", first[:8])).stdout

    project = json.loads(ok(logged_in("projects", "add", "Side", "--json")).stdout)
    assert "Side" in ok(logged_in("projects", "show", project["id"][:8])).stdout
    moved = logged_in("tasks", "update", first[:8], "--project", project["id"][:8], "--json")
    assert json.loads(ok(moved).stdout)["project_id"] == project["id"]
    in_side = ok(logged_in("tasks", "list", "--project", project["id"][:8], "--json")).stdout
    assert [json.loads(line)["id"] for line in in_side.splitlines()] == [first]

    hook = ok(logged_in("webhooks", "add", "https://hooks.example.com/x", "--event",
                        "task.created", "--json"))  # fmt: skip
    hook_id = json.loads(hook.stdout)["id"]
    assert "hooks.example.com" in ok(logged_in("webhooks", "show", hook_id[:8])).stdout
    assert hook_id in ok(logged_in("webhooks", "rm", hook_id[:8], "--yes")).stdout

    assert first in ok(logged_in("tasks", "rm", first[:8], "--yes")).stdout
    gone = logged_in("tasks", "show", first[:8])
    assert gone.exit_code == ExitCode.NOT_FOUND
    assert f"no task id starts with '{first[:8]}' in this account" in gone.stderr


@pytest.mark.parametrize("value", ["xyz-not-hex", "ab", ""])
def test_what_is_not_an_id_prefix_says_what_an_id_looks_like(logged_in: Cli, value: str) -> None:
    result = logged_in("tasks", "show", value)
    assert result.exit_code == ExitCode.INVALID
    assert "is not a task id: give the UUID or its first characters" in result.stderr


class _Obj:
    def __init__(self, id: str, title: str) -> None:
        self.id = id
        self.title = title


def test_an_ambiguous_prefix_names_the_candidates() -> None:
    # The server gives random UUIDs: two sharing 4 hex digits cannot be made on demand.
    objects = [
        _Obj("e6c96929-0000-4000-8000-000000000001", "one"),
        _Obj("e6c9ab12-0000-4000-8000-000000000002", "two"),
        _Obj("0badf00d-0000-4000-8000-000000000003", "three"),
    ]
    with pytest.raises(CliError) as caught:
        resolve("task", "e6c9", lambda: objects, lambda o: o.title)
    message = str(caught.value)
    assert message.startswith("task id prefix 'e6c9' is ambiguous: ")
    assert "e6c96929-0000-4000-8000-000000000001 (one)" in message
    assert "e6c9ab12-0000-4000-8000-000000000002 (two)" in message
    assert caught.value.code is ExitCode.INVALID
    assert resolve("task", "e6c96", lambda: objects) == objects[0].id


def _run_in_pty(args: list[str], env: dict[str, str], columns: int, lines: int) -> str:
    """The CLI's output in a real terminal of `columns` x `lines` (no COLUMNS variable)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    code = "from taskmaster.cli import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True,
    )  # fmt: skip
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    process.wait(timeout=30)
    os.close(leader)
    assert process.returncode == 0, b"".join(chunks).decode(errors="replace")
    return ANSI.sub("", b"".join(chunks).decode()).replace("\r\n", "\n")


def test_tasks_list_in_a_real_80x30_terminal(logged_in: Cli, user: Any) -> None:
    tasks = _seed(logged_in, user)
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update({k: v for k, v in logged_in.env.items() if v is not None and k != "COLUMNS"})
    env["TERM"] = "xterm-256color"

    text = _run_in_pty(["tasks", "list"], env, columns=80, lines=30)

    rows = _assert_fits(text, 80, tasks)
    assert "in_progress" in rows[str(tasks[0].id)]
    assert "pending" in rows[str(tasks[1].id)]
