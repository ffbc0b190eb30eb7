"""import (CSV, JSON Lines; failed rows to a file that re-imports) and export (round trips)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from taskmaster import TaskMasterClient
from tests.cli.conftest import Cli, ok

SOME_ROWS_FAILED = 11
KEPT = ("title", "description", "status", "priority", "tags", "due_at", "metadata", "project_id")


def _client(cli: Cli, user: Any) -> TaskMasterClient:
    return TaskMasterClient(cli.api_url, email=user.email, password=user.password)


def _comparable(tasks: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return sorted(tuple(json.dumps(task[k], sort_keys=True) for k in KEPT) for task in tasks)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_csv_import_keeps_bad_rows_in_a_file_that_reimports_once_fixed(
    logged_in: Cli, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.csv"
    source.write_text(
        "title,priority,tags,due_at,metadata\n"
        'Good one,high,"a, b",2030-01-01T00:00:00Z,"{""k"": 1}"\n'
        ",low,,,\n"  # no title
        "Bad priority,someday,,,\n"
        "Bad metadata,low,,,not json\n"
        f"{'x' * 1000},low,,,\n"  # too long: refused by the server, per item
        "Good two,,,,\n"
    )

    result = logged_in("import", str(source))

    assert result.exit_code == SOME_ROWS_FAILED, result.output
    assert "Imported 2 of 6 rows" in result.stdout
    failed_path = tmp_path / "tasks.failed.csv"
    assert str(failed_path) in result.stderr
    failed = list(csv.DictReader(failed_path.open(newline="")))
    assert [row["priority"] for row in failed] == ["low", "someday", "low", "low"]
    assert all(row["error"] for row in failed)
    assert "title" in failed[0]["error"]
    assert "someday" in failed[1]["error"] or "priority" in failed[1]["error"]
    assert "metadata" in failed[2]["error"]
    assert "/title" in failed[3]["error"]
    assert "request_id" in failed[3]["error"]

    # Fix the rows where they are, leaving the error column: import ignores it.
    fixes = {"": "No title", "Bad priority": "Bad priority", "Bad metadata": "Bad metadata"}
    for row in failed:
        row["title"] = fixes.get(row["title"], "Was too long")
        row["priority"], row["metadata"] = "low", ""
    with failed_path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(failed[0]))
        writer.writeheader()
        writer.writerows(failed)

    again = ok(logged_in("import", str(failed_path)))
    assert "Imported 4 of 4 rows" in again.stdout
    assert not (tmp_path / "tasks.failed.failed.csv").exists()
    titles = [
        json.loads(line)["title"]
        for line in ok(logged_in("tasks", "list", "--all", "--json")).stdout.splitlines()
    ]
    assert sorted(titles) == sorted(
        ["Good one", "Good two", "No title", "Bad priority", "Bad metadata", "Was too long"]
    )


def test_jsonl_import_of_several_batches_with_a_failed_rows_file_of_its_own(
    logged_in: Cli, tmp_path: Path, user: Any
) -> None:
    lines = [json.dumps({"title": f"row {i:03}", "tags": ["bulk"]}) for i in range(230)]
    lines.insert(50, "{not json")
    lines.insert(180, json.dumps({"title": "bad priority", "priority": "someday"}))
    source = tmp_path / "rows.jsonl"
    source.write_text("\n".join(lines) + "\n")
    failed_path = tmp_path / "out" / "bad.jsonl"
    failed_path.parent.mkdir()

    # --concurrency 1: batches of 100 rows, so the 232 rows take three bulk calls.
    result = logged_in("import", str(source), "--failed", str(failed_path), "--concurrency", "1")

    assert result.exit_code == SOME_ROWS_FAILED
    assert "Imported 230 of 232 rows" in result.stdout
    failed = _jsonl(failed_path)
    assert failed[0]["raw"] == "{not json"
    assert "JSON" in failed[0]["error"]
    assert failed[1]["title"] == "bad priority"
    assert "someday" in failed[1]["error"] or "priority" in failed[1]["error"]
    with _client(logged_in, user) as client:
        assert len(list(client.list_tasks(tag="bulk", limit=100))) == 230


def test_export_and_import_round_trip_in_both_formats(
    logged_in: Cli, tmp_path: Path, user: Any
) -> None:
    project = json.loads(ok(logged_in("projects", "add", "Side", "--json")).stdout)
    ok(logged_in("tasks", "add", "plain"))
    ok(logged_in("tasks", "add", "rich", "--description", "line one\nline, two", "--tag", "a",
                 "--tag", "b c", "--due", "2031-05-06T07:08:09Z", "--metadata",
                 '{"n": 1, "nested": {"x": [1, 2]}}', "--status", "in_progress",
                 "--priority", "urgent", "--project", project["id"]))  # fmt: skip
    with _client(logged_in, user) as client:
        before = [task.to_dict() for task in client.list_tasks()]
    assert len(before) == 2

    for fmt in ("jsonl", "csv"):
        path = tmp_path / f"export.{fmt}"
        exported = ok(logged_in("export", "--output", str(path)))
        assert "Exported 2 task(s)" in exported.stderr
        with _client(logged_in, user) as client:
            client.bulk_delete_tasks([task.id for task in client.list_tasks()])
            assert list(client.list_tasks()) == []

        ok(logged_in("import", str(path)))

        with _client(logged_in, user) as client:
            after = [task.to_dict() for task in client.list_tasks()]
        assert _comparable(after) == _comparable(before), fmt


def test_export_streams_to_stdout_with_filters(logged_in: Cli) -> None:
    ok(logged_in("tasks", "add", "keep", "--tag", "x"))
    ok(logged_in("tasks", "add", "skip"))

    as_csv = ok(logged_in("export", "--format", "csv", "--tag", "x")).stdout
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert [row["title"] for row in rows] == ["keep"]
    assert rows[0]["tags"] == "x"

    as_jsonl = ok(logged_in("export")).stdout
    assert sorted(json.loads(line)["title"] for line in as_jsonl.splitlines()) == ["keep", "skip"]


def test_import_needs_a_login_and_an_existing_file(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "t.jsonl"
    source.write_text('{"title": "x"}\n')
    result = cli("import", str(source))
    assert result.exit_code == 3
    assert not (tmp_path / "t.failed.jsonl").exists()
    assert cli("import", str(tmp_path / "missing.csv")).exit_code == 2
