"""The task filter options `tasks list` and `export` share, and the `list_tasks` filters they
become.

Values are checked before any request: statuses and priorities are choices taken from the
generated enums (so a new value in the spec is a new choice), and times are parsed here, so an
error names the flag (`--due-before`) rather than the SDK parameter behind it.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from taskmaster_api.models.priority import Priority
from taskmaster_api.models.task_status import TaskStatus

if TYPE_CHECKING:
    from .._params import TaskFilters
from .complete import complete_project

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
    "parse_when",
    "task_filters",
]

WHEN_HELP = "a date (2030-02-01) or a time (2030-02-01T17:00), local unless it names a zone"


def parse_when(value: str | datetime.datetime) -> datetime.datetime:
    """A date or a datetime as people type them; no zone means this machine's local time.

    `2030-02-01` is that day's local midnight; `2030-02-01T17:00` is 17:00 local time;
    `2030-02-01T17:00Z` and `...+02:00` keep their zone.
    """
    if isinstance(value, datetime.datetime):  # a default, or typer calling twice
        return value if value.tzinfo else value.astimezone()
    text = value.strip()
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        pass
    else:
        if len(text) == 10:
            return datetime.datetime(day.year, day.month, day.day).astimezone()
    try:
        moment = datetime.datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not {WHEN_HELP}") from None
    return moment if moment.tzinfo else moment.astimezone()


ProjectOpt = Annotated[
    str | None,
    typer.Option(
        "--project",
        metavar="PROJECT",
        help="Only this project's tasks (name or id).",
        autocompletion=complete_project,
    ),
]
StatusOpt = Annotated[
    list[TaskStatus] | None,
    typer.Option("--status", case_sensitive=False, help="Repeat for any of several."),
]
PriorityOpt = Annotated[
    list[Priority] | None,
    typer.Option("--priority", case_sensitive=False, help="Repeat for any of several."),
]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", help="Tasks with this tag; repeat for any of several.")
]
DueBefore = Annotated[
    datetime.datetime | None,
    typer.Option(parser=parse_when, metavar="DATE", help=f"Due before this: {WHEN_HELP}."),
]
DueAfter = Annotated[
    datetime.datetime | None,
    typer.Option(parser=parse_when, metavar="DATE", help="Due after this (as --due-before)."),
]
UpdatedSince = Annotated[
    datetime.datetime | None,
    typer.Option(parser=parse_when, metavar="DATE", help="Updated since this (as --due-before)."),
]
Search = Annotated[str | None, typer.Option(help="Text to find in titles and descriptions.")]
Sort = Annotated[
    str | None,
    typer.Option(
        metavar="KEY",
        help="One sort key, `-` for descending: created_at, updated_at, due_at, priority, "
        "status, title (e.g. -priority).",
    ),
]


def task_filters(**options: Any) -> TaskFilters:
    """The options given, as `list_tasks` filters (`project` is its `project_id`)."""
    if "project" in options:
        options["project_id"] = options.pop("project")
    given = {name: value for name, value in options.items() if value not in (None, [])}
    return cast("TaskFilters", given)
