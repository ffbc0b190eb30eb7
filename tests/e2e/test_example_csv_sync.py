"""examples/csv_sync.py, run as a user would (a subprocess, its stdout a pipe) against the live
server, on a generated tracker export of 2,000 rows: the second run writes nothing."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from taskmaster import TaskMasterClient

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "csv_sync.py"
ROWS = 2_000
HEADER = ["Ticket ID", "Summary", "Details", "State", "Priority", "Labels", "Due Date"]
STATES = ["Open", "In Progress", "Resolved", "Closed"]
PRIORITIES = ["Low", "Normal", "High", "Blocker"]


def export(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)


def tickets() -> list[list[str]]:
    return [
        [
            f"SUP-{i}",
            f"Ticket {i}",
            f"Reported by customer {i % 97}, see thread" if i % 3 else "",
            STATES[i % 4],
            PRIORITIES[i % 4],
            "hardware;office" if i % 5 == 0 else "",
            f"2030-{1 + i % 12:02}-{1 + i % 28:02}" if i % 2 else "",
        ]
        for i in range(ROWS)
    ]


def run(path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(path), "--project", "Support"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_csv_sync_twice_changes_nothing_the_second_time(
    backend: Any, live_server: Any, make_user: Any, tmp_path: Path
) -> None:
    if backend.name != "sqlite":
        pytest.skip("the example runs once, on SQLite; bulk upserts are tested on both elsewhere")
    user = make_user()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKMASTER_")}
    env.update(
        TASKMASTER_API_URL=live_server.base_url,
        TASKMASTER_EMAIL=user.email,
        TASKMASTER_PASSWORD=user.password,
    )
    source = tmp_path / "tickets.csv"
    rows = tickets()
    export(source, rows)

    first = run(source, env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"{ROWS} rows: {ROWS} created, 0 updated, 0 unchanged, 0 failed" in first.stdout
    assert f"syncing tickets.csv: {ROWS}/{ROWS}" in first.stdout  # plain progress lines

    second = run(source, env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"{ROWS} rows: 0 created, 0 updated, {ROWS} unchanged, 0 failed" in second.stdout

    rows[10][3] = "Closed"  # was Resolved: both are done, so unchanged
    rows[11][1] = "Ticket 11, reworded"
    rows[12][4] = "Blocker"  # was Low
    rows.append(["SUP-new", "Brand new", "", "Open", "High", "", ""])
    rows.append(["", "No ticket id", "", "Open", "High", "", ""])
    export(source, rows)
    third = run(source, env)
    assert third.returncode == 1
    assert f"{ROWS + 2} rows: 1 created, 2 updated, {ROWS - 2} unchanged, 1 failed" in third.stdout
    assert f"line {ROWS + 3}:" in third.stderr
    assert "external_id" in third.stderr

    with TaskMasterClient(live_server.base_url, email=user.email, password=user.password) as tm:
        tasks = list(tm.list_tasks(limit=100))
    assert len(tasks) == ROWS + 1
    by_id = {task.external_id: task for task in tasks}
    assert by_id["SUP-11"].title == "Ticket 11, reworded"
    assert str(by_id["SUP-12"].priority) == "urgent"
    assert by_id["SUP-5"].tags == ["hardware", "office"]
    assert {task.project_id for task in tasks} == {by_id["SUP-0"].project_id}
