"""The `taskmaster` command: root options, and where each command comes from.

    taskmaster [--api-url URL] [--config-dir DIR] [--debug] COMMAND ...

Commands only parse options and print; the work is the SDK's. Shell completion comes from typer
(`taskmaster --install-completion`, `--show-completion`).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.main import get_command_from_info, get_group_from_info
from typer.models import CommandInfo, TyperInfo

from .._version import __version__
from .context import CliState, default_config_dir
from .help import Command
from .suggest import SuggestingGroup

__all__ = ["COMMANDS", "LazyGroup", "app"]

# name -> (module, attribute): a typer app (a group) or a function (a command). A command's
# module is imported only when that command runs (or help lists it), so `taskmaster tasks list`
# never pays for the webhook, import and watch code.
COMMANDS: dict[str, tuple[str, str]] = {
    "login": ("taskmaster.cli.auth", "login"),
    "logout": ("taskmaster.cli.auth", "logout"),
    "whoami": ("taskmaster.cli.auth", "whoami"),
    "tasks": ("taskmaster.cli.tasks", "app"),
    "projects": ("taskmaster.cli.projects", "app"),
    "webhooks": ("taskmaster.cli.webhooks", "app"),
    "import": ("taskmaster.cli.transfer", "import_tasks"),
    "export": ("taskmaster.cli.transfer", "export_tasks"),
    "watch": ("taskmaster.cli.watch", "watch"),
}


class LazyGroup(SuggestingGroup):
    """The root group: commands from `COMMANDS`, each loaded the first time it is asked for."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.commands, *(name for name in COMMANDS if name not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name]
            target = getattr(importlib.import_module(module), attribute)
            if isinstance(target, typer.Typer):
                command: Any = get_group_from_info(
                    TyperInfo(target, name=cmd_name),
                    pretty_exceptions_short=True,
                    rich_markup_mode=None,
                    suggest_commands=True,
                )
            else:
                info = CommandInfo(name=cmd_name, cls=Command, callback=target)
                command = get_command_from_info(
                    info, pretty_exceptions_short=True, rich_markup_mode=None
                )
            self.commands[cmd_name] = command
        return self.commands.get(cmd_name)


app = typer.Typer(
    name="taskmaster",
    help="Task Master from the command line: tasks, projects, webhooks, import/export, events.",
    no_args_is_help=True,
    cls=LazyGroup,
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
