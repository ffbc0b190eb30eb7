"""`taskmaster`: the command line (install extra `cli`: typer and rich).

    taskmaster login --api-url http://127.0.0.1:8000
    taskmaster tasks list --status pending --json

`main()` is the console script. It checks for typer and rich first, so an install without the
`cli` extra gets one line saying what to install instead of an ImportError traceback.
"""

from __future__ import annotations

import sys

__all__ = ["main"]

MISSING_EXTRA = (
    "taskmaster: the command line needs the `cli` extra ({name} is not installed).\n"
    "Install it with:  pip install 'taskmaster-sdk[cli]'\n"
)


def main() -> None:
    """Run the `taskmaster` command line."""
    try:
        import rich  # noqa: F401
        import typer  # noqa: F401
    except ImportError as exc:
        sys.stderr.write(MISSING_EXTRA.format(name=exc.name or "typer or rich"))
        raise SystemExit(1) from None
    from .app import app

    app(prog_name="taskmaster")
