"""The task filter options `tasks list` and `export` share, and the `list_tasks` filters they
become (checked by the SDK, which names a bad value before anything is sent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

if TYPE_CHECKING:
    from .._params import TaskFilters

__all__ = [
    "DueAfter",
    "DueBefore",
    "PriorityOpt",
    "ProjectOpt",
    "Search",
    "Sort",
    "StatusOpt",
    "TagOpt",
    "UpdatedSince",
    "task_filters",
]

ProjectOpt = Annotated[
    str | None, typer.Option("--project", help="Only this project's tasks (id).")
]
StatusOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--status", help="pending, in_progress, done or cancelled; repeat for any of several."
    ),
]
PriorityOpt = Annotated[
    list[str] | None,
    typer.Option("--priority", help="low, medium, high or urgent; repeat for any of several."),
]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", help="Tasks with this tag; repeat for any of several.")
]
DueBefore = Annotated[
    str | None, typer.Option(help="Due before this ISO 8601 time (with a zone, e.g. ...Z).")
]
DueAfter = Annotated[str | None, typer.Option(help="Due after this ISO 8601 time.")]
UpdatedSince = Annotated[str | None, typer.Option(help="Updated since this ISO 8601 time.")]
Search = Annotated[str | None, typer.Option(help="Text to find in titles and descriptions.")]
Sort = Annotated[
    str | None,
    typer.Option(
        help="One sort key, `-` for descending: created_at, updated_at, due_at, priority, "
        "status, title (e.g. -priority)."
    ),
]


def task_filters(**options: Any) -> TaskFilters:
    """The options given, as `list_tasks` filters (`project` is its `project_id`)."""
    if "project" in options:
        options["project_id"] = options.pop("project")
    given = {name: value for name, value in options.items() if value not in (None, [])}
    return cast("TaskFilters", given)
