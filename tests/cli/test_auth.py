"""login, logout, whoami; the token file; the root options; errors; the missing-extra message."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from taskmaster.cli.app import app
from tests.cli.conftest import Cli, ok


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_login_stores_tokens_per_api_url_readable_by_the_owner_only(cli: Cli, user: Any) -> None:
    result = ok(cli("login", "--email", user.email, "--password", user.password))

    assert f"as {user.email}" in result.stdout
    tokens_file = cli.config_dir / "tokens.json"
    assert _mode(tokens_file) == 0o600
    assert _mode(cli.config_dir) == 0o700
    stored = json.loads(tokens_file.read_text())
    assert list(stored) == [f"{cli.api_url}/api/v1"]
    entry = stored[f"{cli.api_url}/api/v1"]
    assert entry["access_token"]
    assert entry["refresh_token"]
    assert entry["account_id"] == user.account_id
    assert user.password not in tokens_file.read_text()
    assert _mode(cli.config_dir / "config.json") == 0o600


def test_login_prompts_for_what_is_missing_and_later_commands_reuse_the_server(
    cli: Cli, user: Any
) -> None:
    result = ok(cli("login", input=f"{user.email}\n{user.password}\n"))
    assert "Email:" in result.output
    assert "Password:" in result.output
    assert user.password not in result.output  # hidden input

    # No --api-url and no TASKMASTER_API_URL: the last login's server is used.
    me = json.loads(ok(cli("whoami", "--json", TASKMASTER_API_URL=None)).stdout)
    assert me["user"]["email"] == user.email
    assert me["account_id"] == user.account_id


def test_login_takes_credentials_from_the_environment(cli: Cli, user: Any) -> None:
    ok(cli("login", TASKMASTER_EMAIL=user.email, TASKMASTER_PASSWORD=user.password))
    assert user.email in ok(cli("whoami")).stdout


def test_a_wrong_password_is_one_line_with_the_request_id_and_exit_3(cli: Cli, user: Any) -> None:
    result = cli("login", "--email", user.email, "--password", "not the password")

    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    # Not "log in with `taskmaster login`": that is what the user was doing.
    assert lines[0].startswith(f"error: wrong email or password for {cli.api_url}/api/v1 ")
    assert "(request_id: " in lines[0]
    assert "taskmaster login" not in lines[0]
    assert "Traceback" not in result.output
    assert not (cli.config_dir / "tokens.json").exists()


def test_logout_revokes_the_session_and_forgets_the_tokens(logged_in: Cli) -> None:
    stored = json.loads((logged_in.config_dir / "tokens.json").read_text())
    refresh_token = next(iter(stored.values()))["refresh_token"]

    result = ok(logged_in("logout"))

    assert "Logged out" in result.stdout
    assert json.loads((logged_in.config_dir / "tokens.json").read_text()) == {}
    after = logged_in("whoami")
    assert after.exit_code == 3
    assert (
        after.stderr
        == f"error: not logged in to {logged_in.api_url}/api/v1: run `taskmaster login`\n"
    )
    assert "401" not in after.stderr
    # The server revoked the refresh token: logging in with it again is refused.
    reuse = logged_in("whoami", TASKMASTER_REFRESH_TOKEN=refresh_token)
    assert reuse.exit_code == 3
    assert "Not logged in" in ok(logged_in("logout")).stdout


def test_not_logged_in_exits_3(cli: Cli) -> None:
    result = cli("tasks", "list")
    assert result.exit_code == 3
    assert result.stderr.startswith(
        f"error: not logged in to {cli.api_url}/api/v1: run `taskmaster login`"
    )


def test_no_api_url_anywhere_is_a_usage_error(cli: Cli) -> None:
    result = cli("whoami", TASKMASTER_API_URL=None)
    assert result.exit_code == 2
    assert "no API URL" in result.stderr


def test_an_unreachable_server_is_a_connection_error(cli: Cli, user: Any) -> None:
    result = cli(
        "--api-url", "http://127.0.0.1:9", "login", "--email", user.email, "--password", "x"
    )
    assert result.exit_code == 10
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: could not connect to http://127.0.0.1:9/api/v1")
    assert "connection refused" in line.lower()
    assert "`make serve`" in line
    assert "--api-url" in line
    assert "TASKMASTER_API_URL" in line
    assert "Errno" not in line


def test_version_and_shell_completion() -> None:
    from taskmaster import __version__

    runner = CliRunner()
    assert ok(runner.invoke(app, ["--version"])).stdout.strip() == f"taskmaster {__version__}"
    script = ok(runner.invoke(app, ["--show-completion", "bash"])).stdout
    assert "_TASKMASTER_COMPLETE" in script
    assert "--install-completion" in ok(runner.invoke(app, ["--help"])).stdout


def test_without_the_cli_extra_main_prints_what_to_install() -> None:
    code = "import sys; sys.modules['typer'] = None; from taskmaster.cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1
    assert "pip install 'taskmaster-sdk[cli]'" in result.stderr
    assert "Traceback" not in result.stderr
