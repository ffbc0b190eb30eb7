"""watch: events from the WebSocket stream, one line (or JSON object) each."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from taskmaster import TaskMasterClient
from tests.cli.conftest import Cli, ok


def _client(cli: Cli, user: Any) -> TaskMasterClient:
    return TaskMasterClient(cli.api_url, email=user.email, password=user.password)


@pytest.mark.timeout(60)
def test_watch_replays_after_a_seq_and_filters_by_type(logged_in: Cli, user: Any) -> None:
    with _client(logged_in, user) as client:
        first = client.create_task(title="first")
        client.create_task(title="second")
        client.update_task(first, status="done")

    replay = ok(logged_in("watch", "--after", "0", "--count", "3", "--json"))
    events = [json.loads(line) for line in replay.stdout.splitlines()]
    assert [e["type"] for e in events[:2]] == ["task.created", "task.created"]
    assert [e["data"]["object"]["title"] for e in events[:2]] == ["first", "second"]
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)

    completed = ok(logged_in("watch", "--after", "0", "--type", "task.completed", "--count", "1"))
    (line,) = completed.stdout.splitlines()
    assert "task.completed" in line
    assert str(first.id) in line
    assert "first" in line


@pytest.mark.timeout(60)
def test_watch_prints_live_events_as_they_happen(logged_in: Cli, user: Any) -> None:
    with _client(logged_in, user) as client:
        client.create_task(title="before")
        last_seq = max(event.seq for event in client.list_events())

        def later() -> None:
            time.sleep(0.5)
            client.create_task(title="while watching")

        thread = threading.Thread(target=later)
        thread.start()
        try:
            result = ok(logged_in("watch", "--after", str(last_seq), "--count", "1"))
        finally:
            thread.join(10)

    (line,) = result.stdout.splitlines()
    assert "task.created" in line
    assert "while watching" in line
    assert "before" not in result.stdout


def test_watch_needs_a_login(cli: Cli) -> None:
    result = cli("watch", "--count", "1")
    assert result.exit_code == 3
    assert result.stderr.startswith("error: not logged in to ")  # and no "listening on" first


@pytest.mark.timeout(60)
def test_watch_resumes_after_the_connection_drops(
    logged_in: Cli, user: Any, live_server: Any
) -> None:
    """A proxy that closes idle tunnels after 1 s drops the stream between two events: the second
    still arrives, once, over a new connection."""
    from tests.faults.proxy import FaultProxy, Timeouts

    with (
        _client(logged_in, user) as client,
        FaultProxy(live_server.base_url, timeouts=Timeouts(idle=1.0)) as proxy,
    ):
        client.create_task(title="before")
        last_seq = max(event.seq for event in client.list_events())
        # Tokens are kept per API URL: the proxy is another server to the CLI.
        ok(
            logged_in(
                "--api-url", proxy.url, "login", "--email", user.email, "--password", user.password
            )
        )
        proxy.reset_stats()

        def later() -> None:
            time.sleep(0.3)
            client.create_task(title="one")
            time.sleep(2.5)  # the tunnel goes idle and the proxy closes it
            client.create_task(title="two")

        thread = threading.Thread(target=later)
        thread.start()
        try:
            result = logged_in(
                "--api-url", proxy.url, "watch", "--after", str(last_seq), "--count", "2"
            )
        finally:
            thread.join(10)
        requests = proxy.stats().requests

    ok(result)
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert "one" in lines[0]
    assert "two" in lines[1]
    # The JWKS check, the first stream's upgrade, and at least one more after the drop.
    assert requests >= 3
