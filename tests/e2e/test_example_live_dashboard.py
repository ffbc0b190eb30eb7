"""examples/live_dashboard.py, run as a user would, against the live server.

The dashboard runs as a subprocess (plain lines: its stdout is a pipe); the test changes tasks
through the SDK while it watches, and reads the counts it prints after each event.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from taskmaster import TaskMasterClient
from tests.e2e.test_events_resume import Cuttable
from tests.fixtures.process_output import Output

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "live_dashboard.py"


def _env(live_server: Any, user: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKMASTER_")}
    env.update(
        TASKMASTER_API_URL=live_server.base_url,
        TASKMASTER_EMAIL=user.email,
        TASKMASTER_PASSWORD=user.password,
    )
    return env


def counts(pending: int, in_progress: int, done: int, cancelled: int = 0) -> str:
    total = pending + in_progress + done + cancelled
    return (
        f"pending {pending}, in_progress {in_progress}, done {done}, cancelled {cancelled}"
        f" (total {total})"
    )


@pytest.mark.slow
def test_live_dashboard_keeps_the_counts_live(
    backend: Any, live_server: Any, make_user: Any
) -> None:
    if backend.name != "sqlite":
        pytest.skip("the example runs once, on SQLite; the stream is tested on both elsewhere")
    user = make_user()
    with TaskMasterClient(live_server.base_url, email=user.email, password=user.password) as tm:
        project = tm.create_project(name="Dashboard")
        first = tm.create_task(title="Write the agenda", project_id=project.id)
        second = tm.create_task(title="Book the room", project_id=project.id)
        tm.update_task(second, status="done")

        process = subprocess.Popen(
            [sys.executable, str(SCRIPT), "--events", "5", "--duration", "25"],
            env=_env(live_server, user),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            out = Output(process)
            assert out.wait_for("tasks: ") == f"tasks: {counts(1, 0, 1)}"
            watching = out.wait_for("watching for changes after seq ")
            head = tm.get_event_head().latest_seq
            assert watching == f"watching for changes after seq {head}"
            assert out.wait_for("connection: ") == f"connection: connected, after seq {head}"

            third = tm.create_task(title="Send the invites", project_id=project.id)
            tm.update_task(third, status="in_progress")
            tm.update_task(first, status="done")  # task.updated, then task.completed
            tm.delete_task(second)
            assert process.wait(timeout=25) == 0
            assert process.stderr is not None
            assert process.stderr.read() == ""  # no traceback, no warning
            lines = out.rest()
            seqs = [e.seq for e in tm.list_events(after=head)]
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()

    # The last events before it started (task events only, oldest first).
    assert [line for line in lines if line.startswith("recent: ")] == [
        f"recent: #{head - 3} task.created 'Write the agenda' (pending)",
        f"recent: #{head - 2} task.created 'Book the room' (pending)",
        f"recent: #{head - 1} task.updated 'Book the room' (done)",
        f"recent: #{head} task.completed 'Book the room' (done)",
    ]
    events = [line for line in lines if line.startswith("#")]
    assert events == [
        f"#{seqs[0]} task.created 'Send the invites' (pending) -> {counts(2, 0, 1)}",
        f"#{seqs[1]} task.updated 'Send the invites' (in_progress) -> {counts(1, 1, 1)}",
        f"#{seqs[2]} task.updated 'Write the agenda' (done) -> {counts(0, 1, 2)}",
        f"#{seqs[3]} task.completed 'Write the agenda' (done) -> {counts(0, 1, 2)}",
        f"#{seqs[4]} task.deleted {second.id} -> {counts(0, 1, 1)}",
    ]
    assert lines[-1] == f"stopped (5 events) after 5 events; tasks: {counts(0, 1, 1)}"


@pytest.mark.slow
def test_live_dashboard_shows_a_reconnection_and_misses_nothing(
    backend: Any, live_server: Any, make_user: Any
) -> None:
    if backend.name != "sqlite":
        pytest.skip("the example runs once, on SQLite; the stream is tested on both elsewhere")
    user = make_user()
    proxy = Cuttable(live_server.base_url)  # the dashboard reaches the server through it
    env = {**_env(live_server, user), "TASKMASTER_API_URL": proxy.url}
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--events", "1", "--duration", "25"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out = Output(process)
        assert out.wait_for("connection: ") == "connection: connected, after seq 0"
        proxy.cut()
        dropped = out.wait_for("connection: ")
        assert dropped.startswith("connection: reconnecting (connection lost")
        assert dropped.endswith("), after seq 0")
        with TaskMasterClient(live_server.base_url, email=user.email, password=user.password) as tm:
            task = tm.create_task(title="Written while it was away")
        proxy.restore()
        assert out.wait_for("connection: ") == "connection: reconnected, after seq 0"
        assert process.wait(timeout=25) == 0
        lines = out.rest()
    finally:
        proxy.close()
        if process.poll() is None:
            process.kill()
            process.wait()
    assert f"#1 task.created {task.title!r} (pending) -> {counts(1, 0, 0)}" in lines
    assert lines[-1] == f"stopped (1 event) after 1 event; tasks: {counts(1, 0, 0)}"


@pytest.mark.slow
def test_live_dashboard_draws_with_rich_in_a_terminal(
    backend: Any, live_server: Any, make_user: Any
) -> None:
    if backend.name != "sqlite":
        pytest.skip("the example runs once, on SQLite")
    user = make_user()
    with TaskMasterClient(live_server.base_url, email=user.email, password=user.password) as tm:
        tm.create_task(title="Already there")
        primary, secondary = pty.openpty()
        env = {**_env(live_server, user), "TERM": "xterm-256color", "COLUMNS": "100"}
        process = subprocess.Popen(
            [sys.executable, str(SCRIPT), "--events", "1", "--duration", "25"],
            env=env,
            stdout=secondary,
            stderr=subprocess.PIPE,
        )
        os.close(secondary)
        screen = b""
        try:
            deadline = time.monotonic() + 20
            # Wait until it drew the board connected, then make the change it waits for.
            while b"connected, after seq" not in screen and time.monotonic() < deadline:
                screen += _read(primary)
            tm.create_task(title="Drawn live")
            while process.poll() is None and time.monotonic() < deadline:
                screen += _read(primary)
            screen += _read(primary)
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            os.close(primary)
    text = screen.decode(errors="replace")
    assert "\x1b[" in text  # drawn, not printed
    for shown in ("Tasks by status", "Recent events", "'Already there' (pending)"):
        assert shown in text
    assert "'Drawn live' (pending)" in text
    assert "stopped (1 event) after 1 event" in text


def _read(fd: int) -> bytes:
    ready, _, _ = select.select([fd], [], [], 0.1)
    if not ready:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the child closed the terminal
        return b""
