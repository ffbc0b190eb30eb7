"""`taskmaster tasks ...`: list, show, add, update, done, rm."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from taskmaster_api.models.priority import Priority as TaskPriority
from taskmaster_api.models.task_status import TaskStatus

if TYPE_CHECKING:
    from .._models import Task
    from .._params import TaskCreateParams, TaskUpdateParams

from . import ids
from .complete import complete_project, complete_task_id
from .context import connect
from .filters import (
    WHEN_HELP,
    DueAfter,
    DueBefore,
    PriorityOpt,
    ProjectOpt,
    Search,
    Sort,
    StatusOpt,
    TagOpt,
    UpdatedSince,
    parse_when,
    task_filters,
)
from .help import Command
from .layout import Col
from .output import (
    AsCsv,
    AsJson,
    Format,
    FormatOpt,
    chosen_format,
    print_detail,
    print_json,
    print_rows,
    short_time,
)
from .records import CSV_COLUMNS, csv_row
from .suggest import SuggestingGroup

__all__ = ["app"]

app = typer.Typer(
    help="Tasks: list, show, add, update, done, rm.", no_args_is_help=True, cls=SuggestingGroup
)

# Narrow terminals drop tags first, then project, due, priority and status; id and title stay.
TASK_COLUMNS = (
    Col("id", lambda t: t.id, width=36, short_id=True),
    Col("title", lambda t: t.title),
    Col("status", lambda t: t.status, width=11, drop=5),
    Col("priority", lambda t: t.priority, width=8, drop=4),
    Col("due", lambda t: short_time(t.due_at), width=16, drop=3),
    Col("tags", lambda t: t.tags, width=24, drop=1),
)


def table_columns(names: Mapping[str, str]) -> tuple[Col, ...]:
    """`TASK_COLUMNS` with the project's name after the title (CSV and JSON keep the id)."""

    def project(task: Any) -> str:
        ident = str(task.project_id)
        return names.get(ident, ident[:8])

    return (*TASK_COLUMNS[:2], Col("project", project, width=20, drop=2), *TASK_COLUMNS[2:])


TaskId = Annotated[
    str,
    typer.Argument(help="The task's id, or its first characters.", autocompletion=complete_task_id),
]
Title = Annotated[str | None, typer.Option(help="The title.")]
Description = Annotated[str | None, typer.Option(help="The description.")]
Project = Annotated[
    str | None,
    typer.Option(
        "--project",
        metavar="PROJECT",
        help="The project's name or id.",
        autocompletion=complete_project,
    ),
]
Status = Annotated[TaskStatus | None, typer.Option(case_sensitive=False, help="The status.")]
Priority = Annotated[TaskPriority | None, typer.Option(case_sensitive=False, help="The priority.")]
Tags = Annotated[
    list[str] | None, typer.Option("--tag", help="A tag; repeat for several (replaces the tags).")
]
Due = Annotated[
    datetime.datetime | None,
    typer.Option("--due", parser=parse_when, metavar="DATE", help=f"When it is due: {WHEN_HELP}."),
]
Metadata = Annotated[str | None, typer.Option(help='Metadata, a JSON object: \'{"k": "v"}\'.')]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


@app.command("list", cls=Command)
def list_tasks(
    ctx: typer.Context,
    project: ProjectOpt = None,
    status: StatusOpt = None,
    priority: PriorityOpt = None,
    tag: TagOpt = None,
    due_before: DueBefore = None,
    due_after: DueAfter = None,
    updated_since: UpdatedSince = None,
    search: Search = None,
    sort: Sort = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Tasks per page.")] = 50,
    all_pages: Annotated[
        bool, typer.Option("--all", help="Every matching task: fetches page after page.")
    ] = False,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    output_format: FormatOpt = None,
) -> None:
    """List tasks, oldest first unless --sort says otherwise (one page unless --all)."""
    fmt = chosen_format(as_json, as_csv, output_format)
    with connect(ctx) as client:
        filters = task_filters(
            project=ids.project_id(client, project), status=status, priority=priority, tag=tag,
            due_before=due_before, due_after=due_after, updated_since=updated_since,
            search=search, sort=sort,
        )  # fmt: skip
        pager = client.list_tasks(filters, limit=limit)
        pages = (page.data for page in pager.iter_pages()) if all_pages else [pager.data]
        columns = table_columns(ids.project_names(client)) if fmt is Format.TABLE else TASK_COLUMNS
        print_rows(pages, fmt, columns, csv_row=csv_row, csv_columns=CSV_COLUMNS, title="Tasks")
    if fmt is Format.TABLE and not all_pages and pager.has_more:
        typer.echo("(more tasks: add --all, or narrow the filters)", err=True)


def show_task(task: Task, as_json: bool) -> None:
    if as_json:
        print_json(task)
        return
    subtasks = [f"[{s.status}] {s.title} ({s.id})" for s in task.subtasks]
    print_detail(
        task.title,
        [
            ("id", task.id),
            ("status", task.status),
            ("priority", task.priority),
            ("project", task.project_id),
            ("tags", task.tags),
            ("due", short_time(task.due_at)),
            ("description", task.description),
            ("metadata", json.dumps(task.metadata.to_dict()) if task.metadata else ""),
            ("created", short_time(task.created_at)),
            ("updated", short_time(task.updated_at)),
            ("completed", short_time(task.completed_at)),
            ("version", task.version),
            ("subtasks", "\n".join(subtasks)),
        ],
    )


@app.command("show", cls=Command)
def show(ctx: typer.Context, task_id: TaskId, as_json: AsJson = False) -> None:
    """Show one task with its subtasks."""
    with connect(ctx) as client:
        task = client.get_task(ids.task_id(client, task_id))
    show_task(task, as_json)


def task_fields(**options: Any) -> dict[str, Any]:
    """Options given on the command line as task fields (`--tag` becomes `tags`)."""
    fields = {name: value for name, value in options.items() if value is not None}
    if "metadata" in fields:
        try:
            fields["metadata"] = json.loads(fields["metadata"])
        except ValueError as exc:
            raise typer.BadParameter(f"not JSON: {exc}", param_hint="--metadata") from None
    return fields


@app.command("add", cls=Command)
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The new task's title.")],
    description: Description = None,
    project: Project = None,
    status: Status = None,
    priority: Priority = None,
    tags: Tags = None,
    due: Due = None,
    metadata: Metadata = None,
    as_json: AsJson = False,
) -> None:
    """Create a task (in the default project unless --project)."""
    fields = task_fields(
        title=title, description=description, project_id=project, status=status,
        priority=priority, tags=tags, due_at=due, metadata=metadata,
    )  # fmt: skip
    with connect(ctx) as client:
        if "project_id" in fields:
            fields["project_id"] = ids.project_id(client, fields["project_id"])
        task = client.create_task(cast("TaskCreateParams", fields))
    if as_json:
        print_json(task)
    else:
        typer.echo(f"Created task {task.id}: {task.title}")


@app.command("update", cls=Command)
def update(
    ctx: typer.Context,
    task_id: TaskId,
    title: Title = None,
    description: Description = None,
    project: Project = None,
    status: Status = None,
    priority: Priority = None,
    tags: Tags = None,
    due: Due = None,
    metadata: Metadata = None,
    as_json: AsJson = False,
) -> None:
    """Change the fields given; the others stay as they are."""
    fields = task_fields(
        title=title, description=description, project_id=project, status=status,
        priority=priority, tags=tags, due_at=due, metadata=metadata,
    )  # fmt: skip
    if not fields:
        raise typer.BadParameter("give at least one field to change, e.g. --status done")
    with connect(ctx) as client:
        if "project_id" in fields:
            fields["project_id"] = ids.project_id(client, fields["project_id"])
        task = client.update_task(ids.task_id(client, task_id), cast("TaskUpdateParams", fields))
    if as_json:
        print_json(task)
    else:
        typer.echo(f"Updated task {task.id} (version {task.version}).")


@app.command("done", cls=Command)
def done(
    ctx: typer.Context,
    task_ids: Annotated[
        list[str],
        typer.Argument(
            help="Task ids, or their first characters.", autocompletion=complete_task_id
        ),
    ],
) -> None:
    """Mark tasks as done."""
    with connect(ctx) as client:
        for task_id in task_ids:
            task = client.update_task(ids.task_id(client, task_id), status="done")
            typer.echo(f"Done: {task.title} ({task.id})")


@app.command("rm", cls=Command)
def rm(
    ctx: typer.Context,
    task_ids: Annotated[
        list[str],
        typer.Argument(
            help="Task ids, or their first characters.", autocompletion=complete_task_id
        ),
    ],
    yes: Yes = False,
) -> None:
    """Delete tasks and their subtasks."""
    if not yes:
        typer.confirm(f"Delete {len(task_ids)} task(s)?", abort=True)
    with connect(ctx) as client:
        for task_id in task_ids:
            whole = ids.task_id(client, task_id)
            client.delete_task(whole)
            typer.echo(f"Deleted task {whole}.")
