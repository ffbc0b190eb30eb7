"""`taskmaster projects ...`: list, add, show, update, rm."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .context import connect
from .output import chosen_format, print_detail, print_json, print_rows, short_time

__all__ = ["app"]

app = typer.Typer(help="Projects: list, add, show, update, rm.", no_args_is_help=True)

PROJECT_COLUMNS = (
    ("id", lambda p: p.id),
    ("name", lambda p: p.name),
    ("default", lambda p: "yes" if p.is_default else ""),
    ("description", lambda p: p.description),
    ("created", lambda p: short_time(p.created_at)),
)

ProjectId = Annotated[str, typer.Argument(help="The project's id.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (JSON Lines for lists).")]
Description = Annotated[str | None, typer.Option(help="The description.")]


def show_project(project: Any, as_json: bool) -> None:
    if as_json:
        print_json(project)
        return
    print_detail(project.name, [(name, get(project)) for name, get in PROJECT_COLUMNS])


@app.command("list")
def list_projects(
    ctx: typer.Context,
    as_json: AsJson = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """List every project of the account, oldest first."""
    fmt = chosen_format(as_json, as_csv)
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
        project = client.get_project(project_id)
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
    changes = {k: v for k, v in {"name": name, "description": description}.items() if v is not None}
    if not changes:
        raise typer.BadParameter("give --name or --description")
    with connect(ctx) as client:
        project = client.update_project(project_id, changes)
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
        client.delete_project(project_id)
    typer.echo(f"Deleted project {project_id}.")
