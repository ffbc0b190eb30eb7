"""The CLI through typer's CliRunner, against the real server (uvicorn on 127.0.0.1).

`cli(*args)` runs `taskmaster` in-process with a config directory of the test's own and the live
server as `TASKMASTER_API_URL`; the SDK's credential variables are unset so only what the test
passes counts. `logged_in` is a fresh user (its own account) already logged in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from taskmaster.cli.app import app

CLEARED = (
    "TASKMASTER_EMAIL",
    "TASKMASTER_PASSWORD",
    "TASKMASTER_TOKEN",
    "TASKMASTER_REFRESH_TOKEN",
    "TASKMASTER_ACCOUNT_ID",
    "TASKMASTER_LOG",
    "TASKMASTER_DEBUG",
    "XDG_CONFIG_HOME",
)


@dataclass
class Cli:
    config_dir: Path
    api_url: str
    env: dict[str, str | None]

    def __call__(self, *args: str, input: str | None = None, **env: str | None) -> Result:
        runner = CliRunner()
        return runner.invoke(app, list(args), input=input, env={**self.env, **env})


@pytest.fixture
def cli(live_server: Any, tmp_path: Path) -> Cli:
    config = tmp_path / "config"
    env: dict[str, str | None] = {name: None for name in CLEARED}
    # COLUMNS: rich tables as wide as a real terminal, so cells are not folded mid-word.
    env.update(
        TASKMASTER_CONFIG_DIR=str(config), TASKMASTER_API_URL=live_server.base_url, COLUMNS="200"
    )
    return Cli(config, live_server.base_url, env)


@pytest.fixture
def user(make_user: Callable[..., Any]) -> Any:
    return make_user()


@pytest.fixture
def logged_in(cli: Cli, user: Any) -> Cli:
    result = cli("login", "--email", user.email, "--password", user.password)
    assert result.exit_code == 0, result.output
    return cli


def ok(result: Result) -> Result:
    """`result`, after checking the command succeeded (showing its output if not)."""
    assert result.exit_code == 0, f"exit {result.exit_code}\n{result.output}\n{result.exception!r}"
    return result
