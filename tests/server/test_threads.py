"""Handler threads (threads.py): at most TASKMASTER_THREADS sync handlers run at once per pool,
reads, writes and logins have pools of their own, and liveness needs no thread at all."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.handlers import tasks as task_handlers
from taskmaster_server.settings import Settings
from taskmaster_server.threads import HandlerThreads, pool_for
from tests.fixtures.server import ServerUser
from tests.server.helpers import auth

HOLD = 0.3


class _Gate:
    """Counts the handlers inside a slowed-down GET task at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inside = 0
        self.most = 0
        self.entered = threading.Event()

    def hold(self, real: Any, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        self.entered.set()
        try:
            time.sleep(HOLD)
            return real(*args, **kwargs)
        finally:
            with self.lock:
                self.inside -= 1


@pytest.fixture
async def one_thread(
    server_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, _Gate]]:
    app = create_app(server_settings.with_changes(threads=1))
    gate = _Gate()
    real = task_handlers.tasks.read
    monkeypatch.setattr(task_handlers.tasks, "read", lambda *a, **k: gate.hold(real, *a, **k))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # type: ignore[arg-type]
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1") as client:
            yield client, gate
    finally:
        runtime_of(app).close()


async def _task(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    created = await client.post("/tasks", json={"title": "held"}, headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def test_handlers_beyond_the_limit_wait_their_turn(
    one_thread: tuple[httpx.AsyncClient, _Gate], make_user: Any
) -> None:
    client, gate = one_thread
    headers = await auth(client, make_user())
    task_id = await _task(client, headers)
    started = time.monotonic()
    answers = await asyncio.gather(
        *(client.get(f"/tasks/{task_id}", headers=headers) for _ in range(3))
    )
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert gate.most == 1
    assert time.monotonic() - started >= 3 * HOLD * 0.9


async def test_login_and_liveness_do_not_wait_for_busy_handler_threads(
    one_thread: tuple[httpx.AsyncClient, _Gate], make_user: Any
) -> None:
    client, gate = one_thread
    user: ServerUser = make_user()
    headers = await auth(client, user)
    task_id = await _task(client, headers)
    held = asyncio.ensure_future(client.get(f"/tasks/{task_id}", headers=headers))
    assert await asyncio.to_thread(gate.entered.wait, 10)
    # The only handler thread is taken: a login (its own pool) and the liveness check (the
    # event loop) still answer while it is.
    login = await client.post("/auth/login", json={"email": user.email, "password": user.password})
    health = await client.get("/health")
    assert gate.inside == 1
    assert login.status_code == 200, login.text
    assert health.status_code == 200
    assert (await held).status_code == 200


def test_pool_sizes_follow_the_settings() -> None:
    settings = Settings(
        read_threads=3, write_threads=5, password_hash_workers=2, password_hash_queue=5
    )
    pools = HandlerThreads(settings)

    async def sizes() -> tuple[float, ...]:
        return tuple(
            pools.limiter(pool_for(op, method)).total_tokens
            for op, method in (("get_task", "get"), ("update_task", "patch"), ("login", "post"))
        )

    assert asyncio.run(sizes()) == (3, 5, 2 + 5 + 1)
    assert HandlerThreads(settings.with_changes(threads=2)).size("writes") == 2
    assert HandlerThreads(settings.with_changes(threads=2)).size("reads") == 2
    assert pool_for("list_tasks", "get") == "reads"
    assert pool_for("delete_task", "delete") == "writes"


def test_default_pool_sizes_follow_the_database() -> None:
    # PostgreSQL: threads hide round trips; SQLite: a local file, where threads only contend.
    postgres = HandlerThreads(Settings(database_url="postgresql+psycopg://u@h/db"))
    sqlite = HandlerThreads(Settings(database_url="sqlite:///./x.db"))
    assert (postgres.size("reads"), postgres.size("writes")) == (4, 8)
    assert (sqlite.size("reads"), sqlite.size("writes")) == (1, 2)
    explicit = Settings(database_url="sqlite:///./x.db", read_threads=3)
    assert HandlerThreads(explicit).size("reads") == 3


def test_each_event_loop_gets_its_own_limiters() -> None:
    pools = HandlerThreads(Settings())

    async def limiter() -> object:
        return pools.limiter("reads")

    loops = [asyncio.new_event_loop() for _ in range(2)]
    try:
        first, again, other = (
            loops[0].run_until_complete(limiter()),
            loops[0].run_until_complete(limiter()),
            loops[1].run_until_complete(limiter()),
        )
    finally:
        for loop in loops:
            loop.close()
    assert first is again
    assert first is not other


async def test_reads_do_not_wait_for_busy_write_threads(
    server_settings: Settings, monkeypatch: pytest.MonkeyPatch, make_user: Any
) -> None:
    app = create_app(server_settings.with_changes(read_threads=1, write_threads=1))
    gate = _Gate()
    real = task_handlers.tasks.update
    monkeypatch.setattr(task_handlers.tasks, "update", lambda *a, **k: gate.hold(real, *a, **k))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # type: ignore[arg-type]
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1") as client:
            headers = await auth(client, make_user())
            task_id = await _task(client, headers)
            held = [
                asyncio.ensure_future(
                    client.patch(f"/tasks/{task_id}", json={"title": f"w{i}"}, headers=headers)
                )
                for i in range(2)
            ]
            assert await asyncio.to_thread(gate.entered.wait, 10)
            # The only write thread is held and another write queues for it: reads still
            # answer at once, on their own pool.
            started = time.monotonic()
            read = await client.get(f"/tasks/{task_id}", headers=headers)
            took = time.monotonic() - started
            assert read.status_code == 200
            assert gate.inside == 1
            assert took < HOLD
            assert [(await h).status_code for h in held] == [200, 200]
            assert gate.most == 1
    finally:
        runtime_of(app).close()


async def test_a_request_queued_past_its_deadline_leaves_the_queue_with_503(
    server_settings: Settings, monkeypatch: pytest.MonkeyPatch, make_user: Any
) -> None:
    app = create_app(server_settings.with_changes(write_threads=1, request_timeout=0.5))
    real = task_handlers.tasks.update

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(1.5)  # not a statement: nothing to cancel, the thread stays busy
        return real(*args, **kwargs)

    monkeypatch.setattr(task_handlers.tasks, "update", slow)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # type: ignore[arg-type]
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1") as client:
            headers = await auth(client, make_user())
            task_id = await _task(client, headers)

            async def patch() -> tuple[int, float, str]:
                started = time.monotonic()
                answer = await client.patch(
                    f"/tasks/{task_id}", json={"title": "late"}, headers=headers
                )
                return answer.status_code, time.monotonic() - started, answer.text

            first = asyncio.ensure_future(patch())
            await asyncio.sleep(0.1)
            status, took, text = await patch()
            # Queued behind the busy thread, it answers at its deadline, not after the thread.
            assert status == 503, text
            assert "longer than 0.5 s" in text
            assert took < 1.2, took
            status, took, text = await first
            assert status == 503, text  # it ran past its deadline: its work is not kept
            assert took >= 1.4
    finally:
        runtime_of(app).close()
