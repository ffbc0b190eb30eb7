"""`taskmaster`: the command line (install extra `cli`: typer and rich).

    taskmaster login --api-url http://127.0.0.1:8000
    taskmaster tasks list --status pending --json

`main()` is the console script. It checks for typer and rich first, so an install without the
`cli` extra gets one line saying what to install instead of an ImportError traceback.
"""

from __future__ import annotations

import sys
import types

__all__ = ["main"]

MISSING_EXTRA = (
    "taskmaster: the command line needs the `cli` extra ({name} is not installed).\n"
    "Install it with:  pip install 'taskmaster-sdk[cli]'\n"
)


def _without_httpx_command_line() -> None:
    # httpx imports its own command line (httpx._main) whenever click, rich and pygments are
    # installed, as they are beside this CLI: a second click, pygments' lexers, rich's syntax
    # and progress modules, about a third of `taskmaster tasks list`'s start-up. Nothing here
    # calls `httpx.main`, so a stand-in that says so takes its place in this process only.
    if "httpx" in sys.modules:
        return
    stand_in = types.ModuleType("httpx._main")

    def unavailable(*args: object, **kwargs: object) -> None:
        raise SystemExit("httpx's command line is not loaded inside `taskmaster`; run `httpx`")

    stand_in.main = unavailable  # type: ignore[attr-defined]
    sys.modules.setdefault("httpx._main", stand_in)


def main() -> None:
    """Run the `taskmaster` command line."""
    if sys.argv[1:] == ["--version"]:
        # Answered before typer and the SDK load (gh and stripe answer in milliseconds).
        from .._version import __version__

        sys.stdout.write(f"taskmaster {__version__}\n")
        return
    _without_httpx_command_line()
    try:
        import rich  # noqa: F401
        import typer  # noqa: F401
    except ImportError as exc:
        sys.stderr.write(MISSING_EXTRA.format(name=exc.name or "typer or rich"))
        raise SystemExit(1) from None
    from .app import app

    app(prog_name="taskmaster")
