"""Messages that say what to do: did-you-mean, watch's first line, the server's sort message,
JSON arrays and source row numbers in import."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from taskmaster import TaskMasterClient
from taskmaster.cli.app import app
from tests.cli.conftest import Cli, ok

SOME_ROWS_FAILED = 11


@pytest.mark.parametrize(
    ("args", "typed", "suggested"),
    [
        (["tasks", "create", "x"], "create", "'add'"),
        (["tasks", "delete", "x"], "delete", "'rm'"),
        (["tasks", "get", "x"], "get", "'show'"),
        (["tasks", "lst"], "lst", "'list'"),  # a typo, as typer finds it
        (["projects", "new", "x"], "new", "'add'"),
        (["webhooks", "remove", "x"], "remove", "'rm'"),
        (["ls"], "ls", "'tasks list'"),
        (["task", "list"], "task", "'tasks'"),
        (["me"], "me", "'whoami'"),
        (["listen"], "listen", "'watch'"),
    ],
)
def test_a_mistyped_command_gets_a_did_you_mean_at_every_level(
    args: list[str], typed: str, suggested: str
) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert f"No such command {typed!r}. Did you mean {suggested}?" in result.output


def test_an_unknown_word_gets_no_made_up_suggestion() -> None:
    result = CliRunner().invoke(app, ["tasks", "frobnicate"])
    assert result.exit_code == 2
    assert "No such command 'frobnicate'." in result.output
    assert "Did you mean" not in result.output


@pytest.mark.timeout(300)  # a Python process start and a WebSocket, on a loaded CI machine
def test_watch_says_where_it_listens_before_any_event(logged_in: Cli, user: Any) -> None:
    env = {**os.environ, **{k: v for k, v in logged_in.env.items() if v is not None}}
    for name, value in logged_in.env.items():
        if value is None:
            env.pop(name, None)
    with TaskMasterClient(logged_in.api_url, email=user.email, password=user.password) as c:
        after = str(max((event.seq for event in c.list_events()), default=0))
    # --after: the event made below arrives whether the stream connects before it or after.
    watch = ["watch", "--after", after, "--count", "1"]
    process = subprocess.Popen(
        [sys.executable, "-c", "from taskmaster.cli import main; main()", *watch],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    try:
        assert process.stderr is not None
        ready, _, _ = select.select([process.stderr], [], [], 120)
        assert ready, "watch printed nothing within 120 s"
        first = process.stderr.readline()
        assert first.startswith(f"listening on {logged_in.api_url}/api/v1 for all events")
        assert first.rstrip().endswith("(Ctrl-C to stop)")
        # The line came with no event at all; now one, so that watch ends by itself.
        with TaskMasterClient(logged_in.api_url, email=user.email, password=user.password) as c:
            c.create_task(title="now")
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    assert process.returncode == 0, err
    assert "task.created" in out


def test_a_misspelt_sort_key_gets_the_servers_suggestion(logged_in: Cli) -> None:
    result = logged_in("tasks", "list", "--sort", "-priorty")
    assert result.exit_code == 7
    assert "'-priorty' is not a sort key (did you mean '-priority'?)" in result.stderr
    assert "^-?(" not in result.stderr


def test_a_sort_by_several_keys_gets_the_servers_rule(logged_in: Cli) -> None:
    result = logged_in("tasks", "list", "--sort", "-priority,title")
    assert result.exit_code == 7
    assert "'-priority,title' names 2 sort keys; give one." in result.stderr
    assert "Sort by one key, with an optional `-` for descending" in result.stderr


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_a_json_array_imports_like_json_lines_whatever_the_file_name(
    logged_in: Cli, tmp_path: Path
) -> None:
    rows = [{"title": f"from array {i}", "tags": ["arr"]} for i in range(3)]
    for name in ("tasks.json", "tasks.txt"):
        source = tmp_path / name
        source.write_text(json.dumps(rows, indent=2))
        result = ok(logged_in("import", str(source)))
        assert "Imported 3 of 3 rows" in result.stdout
    lines = tmp_path / "lines.json"  # JSON Lines in a .json file: by content, too
    lines.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert "Imported 3 of 3 rows" in ok(logged_in("import", str(lines))).stdout
    listed = ok(logged_in("tasks", "list", "--tag", "arr", "--all", "--json")).stdout
    assert len(listed.splitlines()) == 9


def _errors(failed: Path) -> list[str]:
    return [row["error"] for row in _jsonl(failed)]


def test_failed_rows_name_the_source_row_for_client_and_server_refusals(
    logged_in: Cli, tmp_path: Path
) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_text(
        '{"title": "ok 1"}\n'  # line 1
        "\n"  # line 2: blank
        '{"title": "' + "x" * 1000 + '"}\n'  # line 3: the server refuses (too long)
        "{not json\n"  # line 4: the client refuses
        '{"title": "ok 2"}\n'  # line 5
        '{"title": "bad", "priority": "someday"}\n'  # line 6: the server refuses
        '{"priority": "low"}\n'  # line 7: the client refuses (no title)
    )
    result = logged_in("import", str(source))
    assert result.exit_code == SOME_ROWS_FAILED, result.output
    errors = _errors(tmp_path / "mixed.failed.jsonl")
    assert [e.split(":")[0] for e in errors] == ["row 3", "row 4", "row 6", "row 7"]
    assert errors[0].startswith("row 3: 422 /title: String is too long")
    assert "/2/" not in errors[0]  # no batch positions
    assert "Item" not in errors[0]
    assert errors[2].startswith("row 6: 422 /priority: Must be one of")
    assert "request_id" in errors[2]

    array = tmp_path / "array.json"
    array.write_text(json.dumps([{"title": "fine"}, {"title": "x" * 1000}, [1], {"title": ""}]))
    result = logged_in("import", str(array))
    assert result.exit_code == SOME_ROWS_FAILED, result.output
    errors = _errors(tmp_path / "array.failed.json")
    assert [e.split(":")[0] for e in errors] == ["row 2", "row 3", "row 4"]
    assert "/title" in errors[0]
    assert "/title" in errors[2]


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them(logged_in: Cli, tmp_path: Path) -> None:
    source = tmp_path / "sheet.csv"
    source.write_text(
        "title,priority,description\n"  # row 1
        "fine,low,\n"  # row 2
        'multi,low,"two\nlines"\n'  # rows 3-4
        "bad,someday,\n"  # row 5: the server refuses
        f"{'x' * 1000},low,\n"  # row 6: the server refuses
    )
    result = logged_in("import", str(source))
    assert result.exit_code == SOME_ROWS_FAILED, result.output
    errors = [line for line in (tmp_path / "sheet.failed.csv").read_text().splitlines()]
    assert "row 5: 422 /priority" in errors[1]
    assert "row 6: 422 /title" in errors[2]


def test_a_broken_json_array_keeps_the_rows_before_the_break(
    logged_in: Cli, tmp_path: Path
) -> None:
    source = tmp_path / "broken.json"
    source.write_text('[{"title": "kept 1"}, {"title": "kept 2"}, {"title": oops}, {"title": "x"}]')
    result = logged_in("import", str(source))
    assert result.exit_code == SOME_ROWS_FAILED
    assert "Imported 2 of 3 rows" in result.stdout
    (failed,) = _jsonl(tmp_path / "broken.failed.json")
    assert failed["error"].startswith("row 3: not valid JSON")
    assert "the rest of the array was not read" in failed["error"]
