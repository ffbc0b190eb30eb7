"""`import --key external_id` (an idempotent sync), and a file's columns checked before any
row is sent: one error naming the unknown columns, `--ignore-unknown`, `--map column=field`."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from taskmaster import TaskMasterClient
from tests.cli.conftest import Cli, ok

USAGE = 2
SOME_ROWS_FAILED = 11


def _tasks(cli: Cli, user: Any) -> list[Any]:
    with TaskMasterClient(cli.api_url, email=user.email, password=user.password) as client:
        return list(client.list_tasks(limit=100))


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_import_by_key_twice_changes_nothing_the_second_time(
    logged_in: Cli, tmp_path: Path, user: Any
) -> None:
    rows = [[f"crm-{i}", f"Task {i}", "high" if i % 2 else "low"] for i in range(150)]
    source = _write(tmp_path / "crm.csv", ["external_id", "title", "priority"], rows)

    first = ok(logged_in("import", str(source), "--key", "external_id"))
    assert "150 created, 0 updated, 0 unchanged, 0 failed" in first.stdout
    again = ok(logged_in("import", str(source), "--key", "external_id"))
    assert "0 created, 0 updated, 150 unchanged, 0 failed" in again.stdout

    rows[3][1] = "Task 3, renamed"
    rows.append(["crm-new", "A new one", "low"])
    rows.append(["", "No key", "low"])
    _write(source, ["external_id", "title", "priority"], rows)
    third = logged_in("import", str(source), "--key", "external_id")
    assert third.exit_code == SOME_ROWS_FAILED, third.output
    assert "1 created, 1 updated, 149 unchanged, 1 failed" in third.stdout
    failed = list(csv.DictReader((tmp_path / "crm.failed.csv").open(newline="")))
    assert [row["title"] for row in failed] == ["No key"]
    assert "external_id" in failed[0]["error"]
    tasks = _tasks(logged_in, user)
    assert len(tasks) == 151
    assert {t.external_id: t.title for t in tasks}["crm-3"] == "Task 3, renamed"


def test_an_export_imports_by_key_without_changes(logged_in: Cli, tmp_path: Path) -> None:
    source = _write(tmp_path / "in.csv", ["external_id", "title"], [["a", "A"], ["b", "B"]])
    ok(logged_in("import", str(source), "--key", "external_id"))
    for fmt in ("csv", "jsonl"):
        exported = tmp_path / f"out.{fmt}"
        ok(logged_in("export", "--output", str(exported)))
        # id, created_at, version... are the server's: ignored, not unknown columns.
        again = ok(logged_in("import", str(exported), "--key", "external_id"))
        assert "0 created, 0 updated, 2 unchanged, 0 failed" in again.stdout, fmt


def test_unknown_columns_are_one_error_before_any_row_is_sent(
    logged_in: Cli, tmp_path: Path, user: Any
) -> None:
    rows = [[f"T-{i}", f"Task {i}", "Ada", "3"] for i in range(300)]
    source = _write(tmp_path / "jira.csv", ["Ticket ID", "title", "Owner", "Points"], rows)

    result = logged_in("import", str(source), "--key", "external_id")

    assert result.exit_code == USAGE, result.output
    assert result.stderr.count("error") == 1
    assert "'Ticket ID', 'Owner', 'Points'" in result.stderr
    assert "--ignore-unknown" in result.stderr
    assert "--map" in result.stderr
    assert not (tmp_path / "jira.failed.csv").exists()
    assert _tasks(logged_in, user) == []

    mapped = ok(
        logged_in(
            "import", str(source), "--key", "external_id", "--map", "Ticket ID=external_id",
            "--ignore-unknown",
        )
    )  # fmt: skip
    assert "300 created, 0 updated, 0 unchanged, 0 failed" in mapped.stdout
    tasks = _tasks(logged_in, user)
    assert sorted(t.external_id for t in tasks) == sorted(f"T-{i}" for i in range(300))
    assert all(t.metadata == {} for t in tasks)


def test_json_lines_keys_are_columns_too(logged_in: Cli, tmp_path: Path, user: Any) -> None:
    lines = [json.dumps({"title": f"row {i}"}) for i in range(120)]
    lines[70] = json.dumps({"title": "odd one", "colour": "red"})
    source = tmp_path / "rows.jsonl"
    source.write_text("\n".join(lines) + "\n")
    result = logged_in("import", str(source))
    assert result.exit_code == USAGE
    assert "'colour'" in result.stderr
    assert _tasks(logged_in, user) == []
    assert "Imported 120 of 120" in ok(logged_in("import", str(source), "--ignore-unknown")).stdout


def test_bad_map_and_key_are_refused_naming_the_choices(logged_in: Cli, tmp_path: Path) -> None:
    source = _write(tmp_path / "x.csv", ["Ref", "title"], [["1", "One"]])
    cases = {
        ("--map", "Ref=reference"): "'reference' is not a task field",
        ("--map", "Nope=external_id"): "no column 'Nope'",
        ("--map", "Ref"): "COLUMN=FIELD",
        ("--key", "title", "--map", "Ref=external_id"): "choose one of 'external_id'",
        ("--key", "external_id", "--ignore-unknown"): '--map "COLUMN=external_id"',
    }
    for args, message in cases.items():
        result = logged_in("import", str(source), *args)
        assert result.exit_code == USAGE, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
