"""Exit codes, and how a failure becomes one line on stderr.

Every command runs inside `reporting()`: an SDK exception is printed as
`error: <message> (request_id: ...)` and ends the command with the exit code of its class, so
scripts can tell "not logged in" from "no such task" from "server down" without parsing text.
With `--debug` the traceback comes first, redacted like the SDK's logs.
"""

from __future__ import annotations

import enum
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import typer

from .._exceptions import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
    RateLimitError,
    ServerError,
    TaskMasterError,
    ValidationError,
)
from .._logs import redact

__all__ = ["CliError", "ExitCode", "connection_message", "exit_code_for", "reporting"]

API_PREFIX = "/api/v1"


class ExitCode(enum.IntEnum):
    """What `taskmaster` exits with. 2 is click's usage error (a bad option or argument)."""

    OK = 0
    ERROR = 1
    USAGE = 2
    NOT_AUTHENTICATED = 3
    PERMISSION_DENIED = 4
    NOT_FOUND = 5
    CONFLICT = 6  # 409, and 412: the object changed meanwhile
    INVALID = 7  # rejected input: caught by the SDK before sending, or a 400/422
    RATE_LIMITED = 8
    SERVER_ERROR = 9
    CONNECTION = 10  # no answer: refused, reset, timed out
    SOME_ROWS_FAILED = 11  # `import`: the other rows were imported
    BROKEN_PIPE = 141  # the reader of stdout went away (`| head -1`): 128 + SIGPIPE, as Unix tools


class CliError(Exception):
    """A failure the CLI itself detects (no API URL, a bad file): printed like SDK errors."""

    def __init__(self, message: str, code: ExitCode = ExitCode.ERROR) -> None:
        super().__init__(message)
        self.code = code


# Most specific first: the first isinstance match wins.
_CODES: tuple[tuple[type[BaseException], ExitCode], ...] = (
    (AuthenticationError, ExitCode.NOT_AUTHENTICATED),
    (PermissionDeniedError, ExitCode.PERMISSION_DENIED),
    (NotFoundError, ExitCode.NOT_FOUND),
    (ConflictError, ExitCode.CONFLICT),
    (PreconditionFailedError, ExitCode.CONFLICT),
    (ValidationError, ExitCode.INVALID),
    (InvalidRequestError, ExitCode.INVALID),
    (RateLimitError, ExitCode.RATE_LIMITED),
    (ServerError, ExitCode.SERVER_ERROR),
    (APIConnectionError, ExitCode.CONNECTION),
)


def exit_code_for(exc: BaseException) -> ExitCode:
    if isinstance(exc, CliError):
        return exc.code
    for cls, code in _CODES:
        if isinstance(exc, cls):
            return code
    return ExitCode.ERROR


def start_server_hint() -> str:
    """How to start a server: `make serve` only in a source checkout, where it exists."""
    checkout = Path(__file__).resolve().parents[3]
    in_checkout = (checkout / "Makefile").is_file() and (checkout / "scripts" / "serve").is_file()
    start = (
        "`make serve` (or `taskmaster-server serve`)"
        if in_checkout
        else "`taskmaster-server serve`"
    )
    return f"Start it with {start}, or pass --api-url / set TASKMASTER_API_URL to the right server."


def _hint(exc: BaseException) -> str:
    if isinstance(exc, AuthenticationError):
        return " - log in with `taskmaster login`"
    return ""


def _api_url_of(request: httpx.Request) -> str:
    """The API's base URL in a request URL (up to `/api/v1`), else its origin."""
    path = request.url.path
    base = path[: path.index(API_PREFIX) + len(API_PREFIX)] if API_PREFIX in path else ""
    return str(request.url.copy_with(path=base or "/", query=None, fragment=None)).rstrip("/")


def connection_message(exc: APIConnectionError) -> str:
    """What failed and where (the SDK's words when it names the URL), and how to fix it."""
    if isinstance(exc, APITimeoutError):
        return exc.message
    message = exc.message
    if "://" not in message:  # an SDK that does not name the URL yet
        message = (
            f"could not connect to {_api_url_of(exc.request)} ({message})"
            if exc.request
            else message
        )
    message = message.rstrip(". ")
    stop = "" if message.endswith(("?", "!")) else "."
    return f"{message}{stop} {start_server_hint()}"


def message_of(exc: BaseException) -> str:
    if isinstance(exc, APIConnectionError):
        return connection_message(exc)
    return f"{exc}{_hint(exc)}"


@contextmanager
def reporting(debug: bool) -> Iterator[None]:
    """Turn SDK and CLI errors into `error: ...` on stderr and their exit code."""
    try:
        yield
    except BrokenPipeError:
        # Whoever reads the output stopped reading (`taskmaster tasks list | head -1`): stop
        # quietly, as Unix tools do. stdout goes to /dev/null so that Python's own flush at
        # exit does not complain about the same pipe again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(ExitCode.BROKEN_PIPE) from None
    except (TaskMasterError, CliError, OSError) as exc:
        if debug:
            typer.echo(redact(traceback.format_exc()).rstrip(), err=True)
        typer.echo(f"error: {redact(message_of(exc))}", err=True)
        raise typer.Exit(exit_code_for(exc)) from None
