"""A live dashboard of your tasks by status, on the async client and the event stream.

    TASKMASTER_API_URL=http://127.0.0.1:8000 TASKMASTER_EMAIL=demo@example.com \\
    TASKMASTER_PASSWORD=demo-password python examples/live_dashboard.py --duration 60

It counts the account's tasks by status and shows the last few events, then subscribes to the
event stream and keeps the counts live as tasks are created, updated, completed and deleted,
with the connection's state (connected, or reconnecting after a drop, with the seq it resumes
after). In a terminal it draws with rich (`pip install "taskmaster-sdk[cli]"`); piped, it prints
one line per change. `--duration SECONDS` and `--events N` make it stop by itself; without
them it runs until Ctrl-C.

Nothing is missed between the first count and the subscription: it reads the log's head
*before* counting, then subscribes after that seq, so a change made while it was counting is
replayed. Applying an event sets a task's status (or removes it), so one seen twice is harmless.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections import Counter, deque
from typing import Any, Protocol

from taskmaster import (
    AsyncTaskMasterClient,
    ConnectionChange,
    Event,
    ResyncRequiredError,
    TaskMasterError,
    TaskStatus,
)

TASK_EVENTS = ["task.created", "task.updated", "task.completed", "task.deleted"]
# In workflow order (the enum lists them alphabetically).
STATUSES = [TaskStatus.PENDING, TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED]
RECENT = 5  # events kept on screen


class Board:
    """What the dashboard knows: each task's status, the last events, the connection."""

    def __init__(self) -> None:
        self.status_of: dict[str, str] = {}
        self.recent: deque[str] = deque(maxlen=RECENT)
        self.connection = "connecting"
        self.events_seen = 0

    def counts(self) -> dict[str, int]:
        counted = Counter(self.status_of.values())
        # Statuses added to the API after this script was written are shown too.
        return {status: counted[status] for status in [*map(str, STATUSES), *sorted(counted)]}

    def summary(self) -> str:
        parts = ", ".join(f"{status} {n}" for status, n in self.counts().items())
        return f"{parts} (total {len(self.status_of)})"

    def apply(self, event: Event) -> None:
        """Update the counts from a task event; applying one twice changes nothing."""
        if event.type_ == "task.deleted":
            self.status_of.pop(str(event.data["id"]), None)
        elif "object" in event.data:
            task = event.data["object"]
            self.status_of[str(task["id"])] = str(task["status"])

    def remember(self, event: Event) -> str:
        line = describe(event)
        self.recent.append(line)
        return line


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def describe(event: Event) -> str:
    if "object" in event.data:
        task: dict[str, Any] = event.data["object"]
        what = f"{task['title']!r} ({task['status']})"
    else:
        what = str(event.data["id"])
    return f"#{event.seq} {event.type_} {what}"


class View(Protocol):
    def started(self, board: Board, last_seq: int) -> None: ...
    def connection(self, board: Board) -> None: ...
    def event(self, board: Board, line: str) -> None: ...
    def stopped(self, board: Board, why: str) -> None: ...


class Lines:
    """Plain output, one line per change: for pipes, logs and tests."""

    def started(self, board: Board, last_seq: int) -> None:
        print(f"tasks: {board.summary()}")
        for line in board.recent:
            print(f"recent: {line}")
        print(f"watching for changes after seq {last_seq}", flush=True)

    def connection(self, board: Board) -> None:
        print(f"connection: {board.connection}", flush=True)

    def event(self, board: Board, line: str) -> None:
        print(f"{line} -> {board.summary()}", flush=True)

    def stopped(self, board: Board, why: str) -> None:
        seen = plural(board.events_seen, "event")
        print(f"stopped ({why}) after {seen}; tasks: {board.summary()}")


class Screen:
    """A rich Live display, redrawn on every change."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.live import Live

        self.console = Console()
        self.live = Live(console=self.console, refresh_per_second=8, transient=False)

    def render(self, board: Board) -> Any:
        from rich.console import Group
        from rich.panel import Panel
        from rich.table import Table
        from rich.text import Text

        counts = Table(title="Tasks by status", expand=True)
        counts.add_column("status")
        counts.add_column("tasks", justify="right")
        for status, n in board.counts().items():
            counts.add_row(Text(status), str(n))
        counts.add_row("[bold]total", f"[bold]{len(board.status_of)}")
        # Text, not markup: a task titled "[red]" is shown as written.
        recent = Text("\n".join(board.recent) or "(none yet)")
        waiting = board.connection.startswith(("connecting", "reconnecting"))
        footer = Text.assemble(
            (board.connection, "yellow" if waiting else "green"),
            f"  ·  {plural(board.events_seen, 'event')}  ·  Ctrl-C to quit",
        )
        return Group(counts, Panel(recent, title="Recent events"), footer)

    def started(self, board: Board, last_seq: int) -> None:
        self.live.start()
        self.live.update(self.render(board))

    def connection(self, board: Board) -> None:
        self.live.update(self.render(board))

    def event(self, board: Board, line: str) -> None:
        self.live.update(self.render(board))

    def stopped(self, board: Board, why: str) -> None:
        self.live.update(self.render(board))
        self.live.stop()
        seen = plural(board.events_seen, "event")
        self.console.print(f"stopped ({why}) after {seen}", highlight=False)


async def load(client: AsyncTaskMasterClient, board: Board) -> int:
    """Count the tasks and read the last events; returns the seq to watch after."""
    head = await client.get_event_head()  # first: nothing committed after it is missed
    async for task in client.list_tasks(limit=100):
        board.status_of[str(task.id)] = str(task.status)
    after = max(head.latest_seq - RECENT, head.oldest_seq - 1, 0)
    async for event in client.list_events(after=after, types=TASK_EVENTS):
        if event.seq > head.latest_seq:
            break
        board.remember(event)
    return head.latest_seq


async def watch(
    client: AsyncTaskMasterClient, board: Board, view: View, after: int, stop_after: int | None
) -> None:
    def on_change(change: ConnectionChange) -> None:
        if change.state == "disconnected":
            board.connection = f"reconnecting ({change.reason}), after seq {change.last_seq}"
        else:
            board.connection = f"{change.state}, after seq {change.last_seq}"
        view.connection(board)

    async with client.events.subscribe(
        types=TASK_EVENTS, last_seq=after, on_connection_change=on_change
    ) as events:
        async for event in events:
            board.apply(event)
            board.events_seen += 1
            view.event(board, board.remember(event))
            if stop_after is not None and board.events_seen >= stop_after:
                return


async def run(args: argparse.Namespace) -> int:
    api_url = os.environ.get("TASKMASTER_API_URL", "http://127.0.0.1:8000")
    email = os.environ.get("TASKMASTER_EMAIL", "demo@example.com")
    password = os.environ.get("TASKMASTER_PASSWORD", "demo-password")
    board = Board()
    view: View = Screen() if sys.stdout.isatty() and not args.plain else Lines()

    async with AsyncTaskMasterClient(api_url, email=email, password=password) as client:
        after = await load(client, board)
        view.started(board, after)
        why = "interrupted"
        try:
            async with asyncio.timeout(args.duration):
                while True:
                    try:
                        await watch(client, board, view, after, args.events)
                        why = plural(args.events, "event") if args.events else "stream closed"
                        break
                    except ResyncRequiredError:
                        # Away longer than the log is kept: count again from the current state.
                        board.status_of.clear()
                        after = await load(client, board)
                        board.connection = "resynchronised"
                        view.connection(board)
        except TimeoutError:
            why = f"{args.duration:g} s"
        finally:
            view.stopped(board, why)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, help="stop after this many seconds")
    parser.add_argument("--events", type=int, help="stop after this many events")
    parser.add_argument("--plain", action="store_true", help="plain lines even in a terminal")
    args = parser.parse_args()
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    try:
        sys.exit(main())
    except TaskMasterError as error:
        print(f"live_dashboard failed: {error}", file=sys.stderr)
        sys.exit(1)
