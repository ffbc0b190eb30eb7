"""`taskmaster projects ...`: list, add, show, update, rm."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import ids
from .complete import complete_project
from .context import connect
from .help import Command
from .layout import Col
from .output import (
    AsCsv,
    AsJson,
    FormatOpt,
    chosen_format,
    print_detail,
    print_json,
    print_rows,
    short_time,
)
from .suggest import SuggestingGroup

if TYPE_CHECKING:
    from .._generated._params import ProjectUpdateParams

__all__ = ["app"]

app = typer.Typer(
    help="Projects: list, add, show, update, rm.", no_args_is_help=True, cls=SuggestingGroup
)

PROJECT_COLUMNS = (
    Col("id", lambda p: p.id, width=36, short_id=True),
    Col("name", lambda p: p.name),
    Col("default", lambda p: "yes" if p.is_default else "", width=7, drop=3),
    Col("description", lambda p: p.description, drop=1),
    Col("created", lambda p: short_time(p.created_at), width=16, drop=2),
)

ProjectId = Annotated[
    str,
    typer.Argument(
        help="The project's name, its id, or the id's first characters.",
        autocompletion=complete_project,
    ),
]
Description = Annotated[str | None, typer.Option(help="The description.")]


def show_project(project: Any, as_json: bool) -> None:
    if as_json:
        print_json(project)
        return
    print_detail(project.name, [(c.name, c.get(project)) for c in PROJECT_COLUMNS])


@app.command("list", cls=Command)
def list_projects(
    ctx: typer.Context,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
    output_format: FormatOpt = None,
) -> None:
    """List every project of the account, oldest first."""
    fmt = chosen_format(as_json, as_csv, output_format)
    with connect(ctx) as client:
        pages = (page.data for page in client.list_projects(limit=100).iter_pages())
        print_rows(pages, fmt, PROJECT_COLUMNS, title="Projects")


@app.command("add", cls=Command)
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The new project's name.")],
    description: Description = None,
    as_json: AsJson = False,
) -> None:
    """Create a project."""
    with connect(ctx) as client:
        project = client.create_project(name=name, description=description)
    if as_json:
        print_json(project)
    else:
        typer.echo(f"Created project {project.id}: {project.name}")


@app.command("show", cls=Command)
def show(ctx: typer.Context, project_id: ProjectId, as_json: AsJson = False) -> None:
    """Show one project."""
    with connect(ctx) as client:
        project = client.get_project(ids.resolve_project(client, project_id))
    show_project(project, as_json)


@app.command("update", cls=Command)
def update(
    ctx: typer.Context,
    project_id: ProjectId,
    name: Annotated[str | None, typer.Option(help="The new name.")] = None,
    description: Description = None,
    as_json: AsJson = False,
) -> None:
    """Rename a project or change its description."""
    changes: ProjectUpdateParams = {}
    if name is not None:
        changes["name"] = name
    if description is not None:
        changes["description"] = description
    if not changes:
        raise typer.BadParameter("give --name or --description")
    with connect(ctx) as client:
        project = client.update_project(ids.resolve_project(client, project_id), changes)
    if as_json:
        print_json(project)
    else:
        typer.echo(f"Updated project {project.id}: {project.name}")


@app.command("rm", cls=Command)
def rm(
    ctx: typer.Context,
    project_id: ProjectId,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a project and every task in it."""
    with connect(ctx) as client:
        project = client.get_project(ids.resolve_project(client, project_id))
        if not yes:
            # `total` is counted up to 10,000 ("10,000 or more"), only with offset paging.
            total = client.list_tasks(project_id=project.id, offset=0, limit=1).total or 0
            tasks = f"{total:,}{'+' if total >= 10_000 else ''} task{'' if total == 1 else 's'}"
            typer.confirm(
                f"Delete project {project.name!r} ({project.id}) and its {tasks}?", abort=True
            )
        client.delete_project(project.id)
    typer.echo(f"Deleted project {project.name!r} ({project.id}).")
