"""--debug: the HTTP exchange and the traceback on stderr, with every secret redacted."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.cli.conftest import Cli, ok


def _secrets(cli: Cli) -> list[str]:
    stored = json.loads((cli.config_dir / "tokens.json").read_text())
    (tokens,) = stored.values()
    return [tokens["access_token"], tokens["refresh_token"]]


def test_debug_shows_the_exchange_without_tokens_or_the_password(cli: Cli, user: Any) -> None:
    login = ok(cli("--debug", "login", "--email", user.email, "--password", user.password))
    listing = ok(cli("--debug", "tasks", "list", "--json"))

    secrets = [*_secrets(cli), user.password]
    for result in (login, listing):
        for secret in secrets:
            assert secret not in result.stderr
            assert secret not in result.stdout
    assert "> POST " in login.stderr
    assert "/auth/login" in login.stderr
    assert "< 200 OK" in login.stderr
    assert re.search(r'"password": "?\[redacted\]', login.stderr)
    assert re.search(r'"access_token": "?\[redacted\]', login.stderr)
    assert "battery staple" not in login.stderr  # no tail of a password with spaces
    assert "> GET " in listing.stderr
    assert "authorization: [redacted]" in listing.stderr.lower()
    assert "x-request-id: " in listing.stderr.lower()
    assert listing.stdout == ""  # no tasks: nothing on stdout, the debug output is on stderr


def test_debug_errors_show_the_traceback_then_the_one_line_error(logged_in: Cli) -> None:
    secrets = _secrets(logged_in)
    result = logged_in("--debug", "tasks", "show", "00000000-0000-0000-0000-000000000000")

    assert result.exit_code == 5
    assert "Traceback (most recent call last)" in result.stderr
    assert "NotFoundError" in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: 404")
    assert "(request_id: " in last
    for secret in secrets:
        assert secret not in result.stderr


def test_without_debug_there_is_no_traceback_and_no_exchange(logged_in: Cli) -> None:
    result = logged_in("tasks", "show", "00000000-0000-0000-0000-000000000000")
    assert result.exit_code == 5
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert "> GET" not in result.stderr
