"""No token, password or webhook secret reaches any log: the SDK's, its libraries' or the server's.

The root logger is set to DEBUG, as `logging.basicConfig(level=logging.DEBUG)` does, so every
record of every logger the SDK's traffic reaches (`taskmaster`, `httpx`, `httpcore`,
`websockets`, `asyncio`) is captured during a whole session against a real `serve` process:
a wrong password, a login, a list, a create, a webhook, an event received on the stream, a
token refresh. Each record's formatted message, its raw `msg` and its `args` are searched for
every secret of the session; so is the server's own log (its stderr, at DEBUG as well).
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from taskmaster import AsyncTaskMasterClient, AuthenticationError, TaskMasterClient
from taskmaster_server.auth.passwords import Passwords
from taskmaster_server.db.session import Database
from taskmaster_server.services import accounts
from tests.fixtures.serve_process import ServerProcess, free_port, serve_env

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

PASSWORD = "correct horse battery staple"
WRONG = "incorrect mule battery clip"
# A stream ticket that was not redacted (`tk_` then its random part); `tk_[redacted]` is fine.
TICKET = re.compile(r"tk_(?!\[redacted\])[\w-]{8,}")


@dataclass
class Server:
    process: ServerProcess
    log: Path
    database_url: str
    users: int = 0

    @property
    def api_url(self) -> str:
        return self.process.url + "/api/v1"

    def make_user(self) -> str:
        self.users += 1
        email = f"logs-{self.users}@example.com"
        db = Database(self.database_url)
        try:
            accounts.create_user(
                db, Passwords(time_cost=1, memory_kib=1024), email=email, password=PASSWORD
            )
        finally:
            db.dispose()
        return email


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("logs")
    env = serve_env(tmp, "first@example.com", PASSWORD, TASKMASTER_LOG_LEVEL="DEBUG")
    log = tmp / "server.log"
    process = ServerProcess(env, free_port(), log=log)
    process.start()
    yield Server(process, log, env["TASKMASTER_DATABASE_URL"])
    process.stop()


@dataclass
class Secrets:
    values: set[str] = field(default_factory=lambda: {PASSWORD, WRONG})

    def tokens_of(self, client: Any) -> None:
        tokens = client._auth.tokens
        self.values |= {t for t in (tokens.access_token, tokens.refresh_token) if t}

    def leaks(self, texts: list[tuple[str, str]]) -> list[str]:
        found = []
        for where, text in texts:
            found += [f"{where}: {secret[:12]}..." for secret in self.values if secret in text]
            found += [f"{where}: a stream ticket" for _ in TICKET.finditer(text)]
        return found


def record_texts(records: list[logging.LogRecord]) -> list[tuple[str, str]]:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    texts = []
    for record in records:
        where = f"{record.name} {str(record.msg)[:60]!r}"
        texts += [(where, formatter.format(record)), (where, str(record.msg))]
        texts += [(where, repr(record.args)), (where, str(record.__dict__))]
    return texts


@pytest.fixture
def root_at_debug() -> Iterator[list[logging.LogRecord]]:
    """Every record of every logger, as with `logging.basicConfig(level=logging.DEBUG)`."""
    records: list[logging.LogRecord] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    root = logging.getLogger()
    handler, previous = Capture(logging.DEBUG), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


async def _first(events: Any) -> Any:
    async for event in events:
        yield event
        return


def check(server: Server, records: list[logging.LogRecord], secrets: Secrets) -> None:
    names = {r.name.split(".")[0] for r in records}
    assert {"taskmaster", "httpx", "httpcore", "websockets"} <= names, names
    assert secrets.leaks(record_texts(records)) == []
    server_log = server.log.read_text()
    assert '"logger":"taskmaster.access"' in server_log.replace(" ", "")
    assert secrets.leaks([("server log", server_log)]) == []


def test_a_sync_session_logs_no_secret(
    server: Server, root_at_debug: list[logging.LogRecord]
) -> None:
    email, secrets = server.make_user(), Secrets()
    with (
        pytest.raises(AuthenticationError),
        TaskMasterClient(server.api_url, email=email, password=WRONG) as wrong,
    ):
        wrong.list_tasks()
    with TaskMasterClient(server.api_url, email=email, password=PASSWORD) as client:
        client.list_tasks()
        secrets.tokens_of(client)
        hook = client.create_webhook(url="https://hooks.example.com/tm", events=["task.created"])
        secrets.values.add(hook.secret)
        received: list[Any] = []
        with client.events.subscribe(types=["task.created"], idle_timeout=30) as events:
            consumer = threading.Thread(target=lambda: received.append(next(iter(events))))
            consumer.start()
            client.create_task(title="logged")
            consumer.join(30)
        assert [e.data["object"]["title"] for e in received] == ["logged"]
        client.refresh()
        client.list_tasks()
        secrets.tokens_of(client)
    assert len(secrets.values) == 7  # the passwords, two token pairs, the webhook secret
    check(server, root_at_debug, secrets)


async def test_an_async_session_logs_no_secret(
    server: Server, root_at_debug: list[logging.LogRecord]
) -> None:
    email, secrets = server.make_user(), Secrets()
    async with AsyncTaskMasterClient(server.api_url, email=email, password=WRONG) as wrong:
        with pytest.raises(AuthenticationError):
            await wrong.list_tasks()
    async with AsyncTaskMasterClient(server.api_url, email=email, password=PASSWORD) as client:
        await client.list_tasks()
        secrets.tokens_of(client)
        hook = await client.create_webhook(
            url="https://hooks.example.com/tm", events=["task.created"]
        )
        secrets.values.add(hook.secret)
        async with client.events.subscribe(types=["task.created"], idle_timeout=30) as events:
            await client.create_task(title="logged")
            async with asyncio.timeout(30):
                received = [event async for event in _first(events)]
        assert [e.data["object"]["title"] for e in received] == ["logged"]
        await client.refresh()
        await client.list_tasks()
        secrets.tokens_of(client)
    assert len(secrets.values) == 7
    check(server, root_at_debug, secrets)
