"""The `taskmaster` command: root options, and where each command comes from.

    taskmaster [--api-url URL] [--config-dir DIR] [--debug] COMMAND ...

Commands only parse options and print; the work is the SDK's. Shell completion comes from typer
(`taskmaster --install-completion`, `--show-completion`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .._version import __version__
from . import projects, tasks, webhooks
from .auth import login, logout, whoami
from .context import CliState, default_config_dir
from .suggest import SuggestingGroup
from .transfer import export_tasks, import_tasks
from .watch import watch

__all__ = ["app"]

app = typer.Typer(
    name="taskmaster",
    help="Task Master from the command line: tasks, projects, webhooks, import/export, events.",
    no_args_is_help=True,
    cls=SuggestingGroup,
    # Errors are one line (see errors.py); a rich traceback would hide the request id.
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"taskmaster {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            help="The server, e.g. http://127.0.0.1:8000 (default: the last login's).",
            envvar="TASKMASTER_API_URL",
            show_envvar=True,
        ),
    ] = None,
    config_dir: Annotated[
        Path | None,
        typer.Option(
            "--config-dir",
            file_okay=False,
            help="Where tokens and settings live (default: $XDG_CONFIG_HOME/taskmaster, "
            "~/.config/taskmaster).",
            envvar="TASKMASTER_CONFIG_DIR",
            show_envvar=True,
        ),
    ] = None,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="Show tracebacks and every HTTP exchange (tokens redacted) on stderr.",
            envvar="TASKMASTER_DEBUG",
        ),
    ] = False,
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = None,
) -> None:
    """Task Master from the command line."""
    ctx.obj = CliState(api_url=api_url, config_dir=config_dir or default_config_dir(), debug=debug)


app.command()(login)
app.command()(logout)
app.command()(whoami)
app.add_typer(tasks.app, name="tasks")
app.add_typer(projects.app, name="projects")
app.add_typer(webhooks.app, name="webhooks")
app.command("import")(import_tasks)
app.command("export")(export_tasks)
app.command()(watch)
