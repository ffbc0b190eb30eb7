"""What every command shares: where the config lives, which server, and a logged-in client.

The config directory (`--config-dir`, `TASKMASTER_CONFIG_DIR`, else
`$XDG_CONFIG_HOME/taskmaster` or `~/.config/taskmaster`) holds two files, both mode 0600:

- `tokens.json`: the SDK's `FileTokenStore`, one token set per API URL, refreshed in place;
- `config.json`: `{"api_url": ...}`, the server the last `login` went to, used when neither
  `--api-url` nor `TASKMASTER_API_URL` names one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import typer

from .._base import normalize_api_url
from .._client import TaskMasterClient
from .._exceptions import AuthenticationError
from .._tokens import FileTokenStore
from .debug import LoggingTransport, debug_logging
from .errors import CliError, ExitCode, reporting

__all__ = ["CliState", "connect", "default_config_dir", "not_logged_in", "state_of"]

CONFIG_FILE = "config.json"
TOKENS_FILE = "tokens.json"


def default_config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "taskmaster"


@dataclass
class CliState:
    """The root options, handed to every command through the click context."""

    api_url: str | None
    config_dir: Path
    debug: bool

    @property
    def token_store(self) -> FileTokenStore:
        return FileTokenStore(self.config_dir / TOKENS_FILE)

    def saved_api_url(self) -> str | None:
        try:
            data = json.loads((self.config_dir / CONFIG_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        url = data.get("api_url") if isinstance(data, dict) else None
        return url if isinstance(url, str) else None

    def save_api_url(self, api_url: str) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self.config_dir / CONFIG_FILE
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"api_url": api_url}, f)

    def resolve_api_url(self, override: str | None = None) -> str:
        """The normalized API URL: an option, `TASKMASTER_API_URL`, or the last login's."""
        url = override or self.api_url or self.saved_api_url()
        if not url:
            raise CliError(
                "no API URL: pass --api-url, set TASKMASTER_API_URL, or log in with "
                "`taskmaster login --api-url URL`",
                ExitCode.USAGE,
            )
        return normalize_api_url(url)


def state_of(ctx: typer.Context) -> CliState:
    state = ctx.find_object(CliState)
    if state is None:  # a command invoked without the root callback (never from the CLI)
        raise RuntimeError("the taskmaster CLI state is missing")
    return state


# Someone is waiting at the prompt: a server that is down is reported after a few seconds of
# retrying, not after the library's 30 s budget (docs/retries-and-timeouts.md, interactive use).
CLI_RETRY_BUDGET = 5.0


def make_client(state: CliState, api_url: str, **options: Any) -> TaskMasterClient:
    transport: httpx.BaseTransport = httpx.HTTPTransport()
    if state.debug:
        transport = LoggingTransport(transport)
    options.setdefault("retry_budget", CLI_RETRY_BUDGET)
    return TaskMasterClient(api_url, token_store=state.token_store, transport=transport, **options)


@contextmanager
def session(ctx: typer.Context) -> Iterator[CliState]:
    """Debug logging and error reporting around one command, without a client."""
    state = state_of(ctx)
    with debug_logging(state.debug), reporting(state.debug):
        yield state


@contextmanager
def connect(ctx: typer.Context) -> Iterator[TaskMasterClient]:
    """A client for the chosen server with the stored tokens; errors end the command."""
    with ExitStack() as stack:
        state = stack.enter_context(session(ctx))
        url = state.resolve_api_url()
        had_session = state.token_store.load(url) is not None
        # The saved session came from `taskmaster login`, which checked its tokens against the
        # server's keys; checking them again on every command cost a JWKS request and the
        # signature check's imports (a third of `tasks list`). The server checks every request.
        client = stack.enter_context(make_client(state, url, verify_tokens=False))
        try:
            yield client
        except AuthenticationError as exc:
            raise not_logged_in(url, exc, had_session) from exc


def not_logged_in(url: str, exc: AuthenticationError, had_session: bool) -> CliError:
    """A 401 said as what to do: there is no session for this server, or it has ended."""
    why = f" (the saved session was refused: {exc.detail or exc.message})" if had_session else ""
    request = f" (request_id: {exc.request_id})" if had_session and exc.request_id else ""
    return CliError(
        f"not logged in to {url}{why}: run `taskmaster login`{request}", ExitCode.NOT_AUTHENTICATED
    )
