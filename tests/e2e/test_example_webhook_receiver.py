"""examples/webhook_receiver.py, run as a user would: `register`, then `serve`, as subprocesses.

The server here is a live one of its own (a fresh SQLite database, the delivery worker on, and
``127.0.0.1/32`` allowed as a webhook destination, as in test_webhooks_e2e.py); the shared test
servers never send webhooks.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from taskmaster import Event, TaskMasterClient, webhooks
from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.services import accounts
from taskmaster_server.testing import LiveServer
from tests.e2e.test_webhooks_e2e import PASSWORD, delivery_settings
from tests.fixtures.process_output import Output
from tests.fixtures.webhooks import fresh_database

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "webhook_receiver.py"
TASK_EVENTS = ["task.created", "task.updated", "task.completed", "task.deleted"]


@dataclass(frozen=True)
class HookServer:
    live: LiveServer
    email: str

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TASKMASTER_")}
        env.update(
            TASKMASTER_API_URL=self.live.base_url,
            TASKMASTER_EMAIL=self.email,
            TASKMASTER_PASSWORD=PASSWORD,
            **extra,
        )
        return env

    def client(self) -> TaskMasterClient:
        return TaskMasterClient(self.live.base_url, email=self.email, password=PASSWORD)


@pytest.fixture
def hook_server(tmp_path: Path) -> Iterator[HookServer]:
    for url in fresh_database("sqlite", tmp_path):
        app = create_app(delivery_settings(url, tmp_path))
        live = LiveServer(app).start()
        runtime = runtime_of(app)
        try:
            email = f"receiver-{secrets.token_hex(4)}@example.com"
            accounts.create_user(runtime.db, runtime.passwords, email=email, password=PASSWORD)
            yield HookServer(live, email)
        finally:
            live.stop()
            runtime.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def expected_line(event: Event) -> str:
    if event.type_ == "task.deleted":
        what = str(event.data["id"])
    else:
        task = event.data["object"]
        what = f"{task['title']!r} ({task['status']})"
    return f"event #{event.seq} {event.type_} {what} [webhook-id {event.id}]"


def settled(client: TaskMasterClient, hook: Any) -> list[Any]:
    for _ in range(200):
        log = list(client.list_webhook_deliveries(hook))
        if all(d.status == "succeeded" for d in log):
            return log
        time.sleep(0.05)
    raise AssertionError("deliveries not all succeeded")


@pytest.mark.slow
def test_webhook_receiver_verifies_deduplicates_and_refuses_forgeries(
    hook_server: HookServer,
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/taskmaster"
    registered = subprocess.run(
        [sys.executable, str(SCRIPT), "register", url],
        env=hook_server.env(),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert registered.returncode == 0, registered.stdout + registered.stderr
    assert f"sends {', '.join(TASK_EVENTS)} to {url}" in registered.stdout
    match = re.search(r"^TASKMASTER_WEBHOOK_SECRET=(whsec_\S+)$", registered.stdout, re.M)
    assert match, registered.stdout
    secret = match.group(1)

    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "serve", "--port", str(port)],
        env=hook_server.env(TASKMASTER_WEBHOOK_SECRET=secret),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out = Output(process)
        assert out.wait_for("listening on ") == f"listening on http://127.0.0.1:{port}/"
        with hook_server.client() as client:
            (hook,) = list(client.list_webhooks())
            # One change at a time: deliveries are sent concurrently, so only changes made
            # after the previous one arrived arrive in order.
            task = client.create_task(title="Plan the offsite")
            out.wait_for("event #")
            client.update_task(task, priority="high")
            out.wait_for("event #")
            client.update_task(task, title="Plan the retreat")
            out.wait_for("event #")
            client.delete_task(task)
            out.wait_for("event #")
            events = list(client.list_events(types=TASK_EVENTS))
            assert len(events) == 4

            # A redelivery of an event already handled: acknowledged, not handled again.
            log = settled(client, hook)
            first = next(d for d in log if d.event_id == events[0].id)
            client.redeliver_webhook_delivery(hook, first)
            duplicate = out.wait_for("duplicate ")
            assert duplicate == f"duplicate webhook-id {events[0].id}: already handled"
            assert [d.status for d in settled(client, hook)] == ["succeeded"] * 5

        # Forgeries: refused with 400, before anything is handled.
        body = json.dumps(events[0].to_dict()).encode()
        other_secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        forged = {
            "another secret": (body, webhooks.sign(body, other_secret, msg_id="msg_forged")),
            "a stale timestamp": (
                body,
                webhooks.sign(body, secret, msg_id="msg_old", timestamp=int(time.time()) - 600),
            ),
            "a changed body": (
                body.replace(b"Plan the offsite", b"Pay the invoice"),
                webhooks.sign(body, secret, msg_id="msg_changed"),
            ),
            "no signature": (
                body,
                {"webhook-id": "msg_bare", "webhook-timestamp": str(int(time.time()))},
            ),
        }
        for name, (payload, headers) in forged.items():
            answer = httpx.post(url, content=payload, headers=headers, timeout=5)
            assert answer.status_code == 400, name
            out.wait_for("refused a delivery: ")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            returncode = process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
    assert returncode == 0
    lines = out.rest()
    assert process.stderr is not None
    assert process.stderr.read() == ""
    assert lines[-1] == "stopped"
    # Every event handled once, in order, verified; the redelivery and forgeries were not.
    assert [line for line in lines if line.startswith("event #")] == [
        expected_line(event) for event in events
    ]
    assert [line for line in lines if line.startswith("refused")] == [
        "refused a delivery: no webhook-signature matches this secret",
        "refused a delivery: webhook-timestamp is too old",
        "refused a delivery: no webhook-signature matches this secret",
        "refused a delivery: missing webhook-signature header",
    ]


@pytest.mark.slow
def test_registering_a_loopback_url_names_the_server_setting(
    backend: Any, live_server: Any, make_user: Any
) -> None:
    if backend.name != "sqlite":
        pytest.skip("the example runs once, on SQLite")
    user = make_user()  # the shared live server allows no private destination
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKMASTER_")}
    env.update(
        TASKMASTER_API_URL=live_server.base_url,
        TASKMASTER_EMAIL=user.email,
        TASKMASTER_PASSWORD=user.password,
    )
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "register", "http://127.0.0.1:8080/"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""  # no webhook, no secret
    assert "the server refused http://127.0.0.1:8080/: " in result.stderr
    assert "not allowed" in result.stderr
    assert "TASKMASTER_WEBHOOK_ALLOWED_NETWORKS=127.0.0.1/32" in result.stderr
