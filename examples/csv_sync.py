"""Sync tasks from another system's CSV export, by that system's own ids: run it again, and
only what changed at the source is written.

    TASKMASTER_API_URL=http://127.0.0.1:8000 TASKMASTER_EMAIL=demo@example.com \\
    TASKMASTER_PASSWORD=demo-password python examples/csv_sync.py tickets.csv --project Support

The CSV is a ticket tracker's export, with its own column names and values:

    Ticket ID,Summary,Details,State,Priority,Labels,Due Date
    SUP-1042,Printer on 3rd floor jams,"Since Monday, tray 2",In Progress,High,hardware;office,2030-02-01

Each row becomes a task whose `external_id` is the ticket id (`COLUMNS` and `STATES` map the
rest), and `bulk_upsert_tasks` sends them 100 per request, several requests at a time: a ticket
seen for the first time is created, a changed one updated, an unchanged one left alone (nothing
written, no event). In a terminal a rich progress bar shows the work (`pip install
"taskmaster-sdk[cli]"`); piped, it prints a line every 10%. Rows that fail are listed with
their line in the CSV, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from taskmaster import BulkUpsertResult, TaskMasterClient, TaskUpsertParams

# The tracker's column -> the task field it fills.
COLUMNS = {
    "Ticket ID": "external_id",
    "Summary": "title",
    "Details": "description",
    "State": "status",
    "Priority": "priority",
    "Labels": "tags",
    "Due Date": "due_at",
}
STATES = {"open": "pending", "in progress": "in_progress", "resolved": "done", "closed": "done"}
PRIORITIES = {"low": "low", "normal": "medium", "high": "high", "blocker": "urgent"}


def task_of(row: dict[str, str], project_id: Any) -> TaskUpsertParams:
    """One CSV row as a task upsert. An empty cell is left out, so the task keeps its value."""
    task: TaskUpsertParams = {"project_id": project_id, "external_id": "", "title": ""}
    for column, field in COLUMNS.items():
        value = (row.get(column) or "").strip()
        if not value:
            continue
        if field == "status":
            task["status"] = STATES.get(value.lower(), value)  # unknown: the server says why
        elif field == "priority":
            task["priority"] = PRIORITIES.get(value.lower(), value)
        elif field == "tags":
            task["tags"] = sorted({tag.strip() for tag in value.split(";") if tag.strip()})
        elif field == "due_at":
            # A date alone is the end of that day, UTC; a full timestamp is taken as it is.
            due = datetime.datetime.fromisoformat(value)
            if len(value) == 10:
                due = due.replace(hour=23, minute=59, second=59)
            task["due_at"] = due if due.tzinfo else due.replace(tzinfo=datetime.UTC)
        else:
            task[field] = value  # type: ignore[literal-required]
    return task


def project_named(client: TaskMasterClient, name: str) -> Any:
    for project in client.list_projects():
        if project.name == name:
            return project
    return client.create_project(name=name)


@contextmanager
def progress_display(label: str) -> Iterator[Callable[[int, int | None], None]]:
    """A `progress(done, total)` callback: a rich bar in a terminal, else a line every 10%."""
    if sys.stdout.isatty():
        from rich.progress import Progress

        with Progress(transient=False) as bar:
            task = bar.add_task(label, total=None)

            def draw(done: int, total: int | None) -> None:
                bar.update(task, completed=done, total=total)

            yield draw
        return
    shown = [0]

    def line(done: int, total: int | None) -> None:
        step = max((total or 1000) // 10, 1)
        if done // step > shown[0] or done == total:
            shown[0] = done // step
            print(f"{label}: {done}/{total if total is not None else '?'}", flush=True)

    yield line


def sync(client: TaskMasterClient, path: str, project_name: str) -> BulkUpsertResult:
    project = project_named(client, project_name)
    with open(path, newline="", encoding="utf-8-sig") as f:
        tasks = [task_of(row, project.id) for row in csv.DictReader(f)]
    with progress_display(f"syncing {os.path.basename(path)}") as progress:
        return client.bulk_upsert_tasks(tasks, key="external_id", progress=progress)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv_file", help="the tracker's CSV export")
    parser.add_argument("--project", default="Support tickets", help="the project to sync into")
    args = parser.parse_args()

    api_url = os.environ.get("TASKMASTER_API_URL", "http://127.0.0.1:8000")
    email = os.environ.get("TASKMASTER_EMAIL", "demo@example.com")
    password = os.environ.get("TASKMASTER_PASSWORD", "demo-password")
    with TaskMasterClient(api_url, email=email, password=password) as client:
        result = sync(client, args.csv_file, args.project)

    print(
        f"{len(result)} rows: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.failed_count} failed"
    )
    for item in result.failed[:10]:
        # Item n is the CSV's line n + 2 (the header is line 1).
        print(f"  line {item.index + 2}: {item.error}", file=sys.stderr)
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
