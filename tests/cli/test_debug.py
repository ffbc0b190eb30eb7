"""--debug: the HTTP exchange and the traceback on stderr, with every secret redacted."""

from __future__ import annotations

import json
import logging
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


def test_a_debug_session_logs_no_secret_on_any_logger(cli: Cli, user: Any, caplog: Any) -> None:
    """Every command of a session with `--debug`, and the root logger at DEBUG besides (as
    `logging.basicConfig(level=logging.DEBUG)` sets it): neither stderr nor any record of any
    logger (the SDK's, httpx, httpcore, websockets, asyncio, and the in-process server's)
    holds a token, a password or the webhook secret."""
    caplog.set_level(logging.DEBUG)  # the root logger: every logger's records
    wrong = "incorrect mule battery clip"
    refused = cli("--debug", "login", "--email", user.email, "--password", wrong)
    assert refused.exit_code != 0
    outputs = [refused.stderr]
    outputs.append(
        ok(cli("--debug", "login", "--email", user.email, "--password", user.password)).stderr
    )
    secrets = {wrong, user.password, *_secrets(cli)}
    outputs.append(ok(cli("--debug", "tasks", "list", "--json")).stderr)
    outputs.append(ok(cli("--debug", "tasks", "add", "seen by watch")).stderr)
    hook = ok(
        cli("--debug", "webhooks", "add", "https://hooks.example.com/tm", "--event", "task.created")
    )
    outputs.append(hook.stderr)
    (secret,) = re.findall(r"whsec_\S+", hook.stdout)  # printed once, on stdout, by design
    watched = ok(cli("--debug", "watch", "--type", "task.created", "--after", "0", "--count", "1"))
    assert "seen by watch" in watched.stdout
    outputs.append(watched.stderr)
    # An access token past its expiry: the next command renews it first.
    stored = json.loads((cli.config_dir / "tokens.json").read_text())
    for tokens in stored.values():
        tokens["expires_at"] = 1.0
    (cli.config_dir / "tokens.json").write_text(json.dumps(stored))
    outputs.append(ok(cli("--debug", "tasks", "list", "--json")).stderr)
    secrets |= {secret, *_secrets(cli)}
    assert len(secrets) == 7  # two passwords, two token pairs, the webhook secret

    names = {record.name.split(".")[0] for record in caplog.records}
    assert {"taskmaster", "httpx", "httpcore", "websockets"} <= names, names
    texts = outputs + [
        f"{logging.Formatter().format(r)} {r.msg} {r.args!r} {r.__dict__}" for r in caplog.records
    ]
    leaks = [(s[:12], t[:200]) for t in texts for s in secrets if s in t]
    assert leaks == []
    # The one-use stream ticket is spent by the time it is logged, and the client side still
    # hides it; the in-process server's uvicorn and websockets loggers print the request line
    # raw, which `taskmaster-server serve` redacts in its formatter (tests/e2e/test_secrets_in_logs).
    client_side = outputs + [
        f"{logging.Formatter().format(r)} {r.args!r}"
        for r in caplog.records
        if not r.name.startswith(("uvicorn", "websockets.server"))
    ]
    assert not [t for t in client_side if re.search(r"tk_(?!\[redacted\])[\w-]{8,}", t)]
