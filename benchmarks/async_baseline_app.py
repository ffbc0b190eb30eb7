"""The async yardstick: benchmarks/baseline_app.py on SQLAlchemy asyncio and psycopg async.

The same SQL as the sync baseline (and so as the server, for the measured operations), with no
authentication, tenancy check, rate limit, validation or logging, but no handler ever blocks the
event loop: a request waiting on the database (a slow network, a locked row) holds only its own
coroutine. benchmarks/server.py runs it beside the server in the remote-database and
head-of-line scenarios to show what this machine allows an app that does not queue requests
behind each other. PostgreSQL only.

Its engine is the server's (db/session.py): a pool of 10 + 10, pre-ping at every checkout,
reads in autocommit, one transaction per write. Unlike baseline_app.py, GET task loads the
subtasks joined in its one query, as the server does since its Core GET; the round trips per
request are then the server's. ``/api/v1/ready`` pings the database as the
server's readiness probe does.

    TASKMASTER_DATABASE_URL=postgresql+psycopg://... BENCH_ACCOUNT_ID=... BENCH_PROJECT_ID=... \\
        python benchmarks/async_baseline_app.py --port 8002
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from sqlalchemy import insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import joinedload
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from taskmaster_server.db.models import Event, EventCounter, Task, TaskTag
from taskmaster_server.db.session import normalize_url
from taskmaster_server.db.types import utcnow
from taskmaster_server.services import serialize

PRIORITY = {"low": 1, "medium": 2, "high": 3, "urgent": 4}


def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(body, status_code=status, media_type="application/json")


async def _append_events(
    session: AsyncSession, account_id: uuid.UUID, events: list[tuple[str, Any]]
) -> None:
    """As baseline_app._append_events: counter upsert, multi-row insert, NOTIFY."""
    last = (
        await session.execute(
            postgresql.insert(EventCounter)
            .values(account_id=account_id, last_seq=len(events))
            .on_conflict_do_update(
                index_elements=[EventCounter.account_id],
                set_={"last_seq": EventCounter.last_seq + len(events)},
            )
            .returning(EventCounter.last_seq)
        )
    ).scalar_one()
    now = utcnow()
    await session.execute(
        insert(Event),
        [
            {
                "id": uuid.uuid4(),
                "account_id": account_id,
                "seq": last - len(events) + 1 + offset,
                "type": type_,
                "project_id": None,
                "occurred_at": now,
                "data": data,
            }
            for offset, (type_, data) in enumerate(events)
        ],
    )
    await session.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": "taskmaster_events", "payload": f"{account_id}:{last}"},
    )


def build(database_url: str, account_id: uuid.UUID, project_id: uuid.UUID) -> Starlette:
    url = normalize_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise SystemExit("the async baseline runs on PostgreSQL only")
    engine = create_async_engine(
        url,
        pool_size=10,
        max_overflow=10,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5},
    )
    reader = engine.execution_options(isolation_level="AUTOCOMMIT")
    writes = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
    reads = async_sessionmaker(reader, expire_on_commit=False, autoflush=False)

    def new_task(item: dict[str, Any]) -> Task:
        now = utcnow()
        return Task(
            id=uuid.uuid4(),
            account_id=account_id,
            project_id=project_id,
            title=item["title"],
            description=item.get("description"),
            status="pending",
            priority=PRIORITY[item.get("priority", "medium")],
            tags=list(item.get("tags", [])),
            meta={},
            version=1,
            created_at=now,
            updated_at=now,
            subtasks=[],
        )

    async def insert_tasks(
        session: AsyncSession, items: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        tasks = [new_task(item) for item in items]
        session.add_all(tasks)
        session.add_all(
            TaskTag(task_id=t.id, tag=tag, account_id=account_id) for t in tasks for tag in t.tags
        )
        await session.flush()
        out = [serialize.task(t) for t in tasks]
        await _append_events(session, account_id, [("task.created", {"object": d}) for d in out])
        return out

    async def get_task(request: Request) -> Response:
        async with reads() as session:
            # One query, the subtasks joined, as the server's GET (services/tasks.py).
            task = await session.get(
                Task,
                uuid.UUID(request.path_params["task_id"]),
                options=[joinedload(Task.subtasks)],
            )
            if task is None or task.account_id != account_id:
                return Response(status_code=404)
            return _json(serialize.task(task))

    async def list_tasks(request: Request) -> Response:
        status = request.query_params.get("status", "pending")
        query = (
            select(Task)
            .where(Task.account_id == account_id, Task.status == status)
            .order_by(Task.priority.desc(), Task.id.desc())
            .limit(int(request.query_params.get("limit", "50")) + 1)
        )
        async with reads() as session:
            rows = list(await session.scalars(query))
            return _json({"data": [serialize.task(t) for t in rows[:50]], "has_more": True})

    async def create_task(request: Request) -> Response:
        item = json.loads(await request.body())
        async with writes() as session, session.begin():
            data = (await insert_tasks(session, [item]))[0]
        return _json(data, 201)

    async def batch_create(request: Request) -> Response:
        items = json.loads(await request.body())
        async with writes() as session, session.begin():
            data = await insert_tasks(session, items)
        return _json({"results": [{"status": 201, "data": d} for d in data]})

    async def update_task(request: Request) -> Response:
        patch = json.loads(await request.body())
        async with writes() as session, session.begin():
            task = await session.scalar(
                select(Task)
                .where(Task.id == uuid.UUID(request.path_params["task_id"]))
                .with_for_update()
            )
            if task is None or task.account_id != account_id:
                return Response(status_code=404)
            task.title = patch["title"]
            task.version += 1
            task.updated_at = utcnow()
            await session.flush()
            data = serialize.task(task)
            await _append_events(session, account_id, [("task.updated", {"object": data})])
        return _json(data)

    async def health(_: Request) -> Response:
        return _json({"status": "ok"})

    async def ready(_: Request) -> Response:
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return _json({"status": "unavailable"}, 503)
        return _json({"status": "ready", "checks": {"database": "ok"}})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    return Starlette(
        routes=[
            Route("/api/v1/tasks/batch", batch_create, methods=["POST"]),
            Route("/api/v1/tasks/{task_id}", get_task, methods=["GET"]),
            Route("/api/v1/tasks/{task_id}", update_task, methods=["PATCH"]),
            Route("/api/v1/tasks", list_tasks, methods=["GET"]),
            Route("/api/v1/tasks", create_task, methods=["POST"]),
            Route("/api/v1/health", health, methods=["GET"]),
            Route("/api/v1/ready", ready, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def app_from_env() -> Starlette:
    return build(
        os.environ["TASKMASTER_DATABASE_URL"],
        uuid.UUID(os.environ["BENCH_ACCOUNT_ID"]),
        uuid.UUID(os.environ["BENCH_PROJECT_ID"]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    # The options taskmaster_server.cli.serve gives uvicorn (as baseline_app.py).
    uvicorn.run(
        "async_baseline_app:app_from_env",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
