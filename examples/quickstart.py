"""A first tour of the Task Master SDK: run it against a server (`make demo` does it for you).

    TASKMASTER_API_URL=http://127.0.0.1:8000 TASKMASTER_EMAIL=demo@example.com \\
    TASKMASTER_PASSWORD=demo-password python examples/quickstart.py

It logs in, creates a project, tasks and subtasks, bulk-creates more, lists with filters and
pagination, updates with If-Match (and shows what a stale ETag does), handles a NotFoundError,
and deletes what it made, printing each step.
"""

from __future__ import annotations

import datetime
import os
import sys
import uuid

from taskmaster import (
    NotFoundError,
    PreconditionFailedError,
    Priority,
    TaskMasterClient,
    TaskMasterError,
    TaskStatus,
)


def step(text: str) -> None:
    print(f"\n== {text}")


def main() -> int:
    api_url = os.environ.get("TASKMASTER_API_URL", "http://127.0.0.1:8000")
    email = os.environ.get("TASKMASTER_EMAIL", "demo@example.com")
    password = os.environ.get("TASKMASTER_PASSWORD", "demo-password")

    with TaskMasterClient(api_url) as client:
        step(f"Log in to {client.api_url} as {email}")
        tokens = client.authenticate({"email": email, "password": password})
        me = client.get_me()
        print(f"signed in as {me.user.email}, {me.role} of account {me.account_id}")
        print(f"access token valid until {tokens.expires_at:%H:%M:%S %Z}")

        step("Create a project")
        project = client.create_project(name=f"Quickstart {uuid.uuid4().hex[:6]}")
        print(f"project {project.name!r} ({project.id})")

        step("Create tasks (a dict, or keyword arguments) and subtasks")
        due = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)
        launch = client.create_task(
            {"title": "Announce the launch", "project_id": project.id, "tags": ["launch"]},
            priority=Priority.HIGH,
            due_at=due,
        )
        docs = client.create_task(title="Write the docs", project_id=project.id, priority="medium")
        for title in ("Draft the post", "Review it", "Publish"):
            client.create_subtask(launch.id, title=title)
        launch = client.get_task(launch.id)
        print(f"{launch.title!r}: {launch.priority}, due {launch.due_at:%Y-%m-%d}")
        for subtask in launch.subtasks:
            print(f"  [{subtask.position}] {subtask.title} ({subtask.status})")

        step("Bulk-create 120 tasks (sent as batches of 100)")
        result = client.bulk_create_tasks(
            [
                {"title": f"Backlog item {n:03}", "project_id": project.id, "tags": ["backlog"]}
                for n in range(120)
            ]
        )
        print(f"{len(result.succeeded)} created, {len(result.failed)} failed")

        step("List with filters and pagination")
        page = client.list_tasks(project_id=project.id, tag="backlog", limit=50, sort="title")
        print(f"first page: {len(page.data)} tasks, more: {page.has_more}")
        sizes = [len(p.data) for p in page.iter_pages()]
        print(f"pages of {sizes} -> {sum(sizes)} backlog tasks")
        urgent = list(client.list_tasks(project_id=project.id, priority=["high", "urgent"]))
        print(f"high or urgent: {[t.title for t in urgent]}")

        step("Update with If-Match")
        done = client.update_task(launch.id, {"status": TaskStatus.DONE}, if_match=launch)
        print(f"{done.title!r} is {done.status} (version {done.version})")
        try:
            client.update_task(launch.id, {"title": "A stale edit"}, if_match=launch)
        except PreconditionFailedError as error:
            print(
                f"a stale ETag is refused and nothing is written: {error.status_code} {error.title}"
            )

        step("Handle a NotFoundError")
        try:
            client.get_task(uuid.uuid4())
        except NotFoundError as error:
            print(f"not found, as expected (request id {error.request_id})")

        step("Delete what we made")
        client.delete_task(docs.id)
        removed = client.bulk_delete_tasks([t.id for t in result.tasks])
        client.delete_project(project.id)
        print(f"deleted {docs.title!r}, {len(removed.succeeded)} backlog tasks and the project")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except TaskMasterError as error:
        print(f"quickstart failed: {error}", file=sys.stderr)
        sys.exit(1)
