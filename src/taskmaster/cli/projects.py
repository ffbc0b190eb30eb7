"""`taskmaster projects ...`: list, add, show, update, rm."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import ids
from .context import connect
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

ProjectId = Annotated[str, typer.Argument(help="The project's id, or its first characters.")]
Description = Annotated[str | None, typer.Option(help="The description.")]


def show_project(project: Any, as_json: bool) -> None:
    if as_json:
        print_json(project)
        return
    print_detail(project.name, [(c.name, c.get(project)) for c in PROJECT_COLUMNS])


@app.command("list")
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


@app.command("add")
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


@app.command("show")
def show(ctx: typer.Context, project_id: ProjectId, as_json: AsJson = False) -> None:
    """Show one project."""
    with connect(ctx) as client:
        project = client.get_project(ids.resolve_project(client, project_id))
    show_project(project, as_json)


@app.command("update")
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


@app.command("rm")
def rm(
    ctx: typer.Context,
    project_id: ProjectId,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a project and every task in it."""
    if not yes:
        typer.confirm("Delete the project and all its tasks?", abort=True)
    with connect(ctx) as client:
        whole = ids.resolve_project(client, project_id)
        client.delete_project(whole)
    typer.echo(f"Deleted project {whole}.")
