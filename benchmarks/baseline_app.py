"""The yardstick for benchmarks/server.py: a bare Starlette + SQLAlchemy app.

It does the database work the reference server does for each measured operation, with the same
models, and nothing else: no authentication, tenancy check, rate limit, validation, problem
documents or logging. Reads run in one session; each write is one transaction that inserts the
task and its tag rows and appends the events (counter upsert, event rows, and on PostgreSQL the
NOTIFY that wakes stream listeners), as the server does.

    TASKMASTER_DATABASE_URL=... BENCH_ACCOUNT_ID=... BENCH_PROJECT_ID=... \\
        python benchmarks/baseline_app.py --port 8001 [--workers 2]

Served by uvicorn with the options ``taskmaster-server serve`` uses.
"""

from __future__ import annotations

import argparse
import json
import os
import uuid
from typing import Any

import uvicorn
from sqlalchemy import insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from taskmaster_server.db.models import Event, EventCounter, Task, TaskTag
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.services import serialize

PRIORITY = {"low": 1, "medium": 2, "high": 3, "urgent": 4}


def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(body, status_code=status, media_type="application/json")


def _append_events(session: Session, account_id: uuid.UUID, events: list[tuple[str, Any]]) -> None:
    """One counter upsert reserving the seqs, then one multi-row insert (as events/outbox.py)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    last = session.execute(
        dialect.insert(EventCounter)
        .values(account_id=account_id, last_seq=len(events))
        .on_conflict_do_update(
            index_elements=[EventCounter.account_id],
            set_={"last_seq": EventCounter.last_seq + len(events)},
        )
        .returning(EventCounter.last_seq)
    ).scalar_one()
    now = utcnow()
    session.execute(
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
    if session.get_bind().dialect.name == "postgresql":
        # The server wakes stream listeners in the same transaction (events/outbox.py).
        session.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": "taskmaster_events", "payload": f"{account_id}:{last}"},
        )


def build(database_url: str, account_id: uuid.UUID, project_id: uuid.UUID) -> Starlette:
    db = Database(database_url)

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

    def insert_tasks(session: Session, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        tasks = [new_task(item) for item in items]
        session.add_all(tasks)
        session.add_all(
            TaskTag(task_id=t.id, tag=tag, account_id=account_id) for t in tasks for tag in t.tags
        )
        session.flush()
        out = [serialize.task(t) for t in tasks]
        _append_events(session, account_id, [("task.created", {"object": d}) for d in out])
        return out

    async def get_task(request: Request) -> Response:
        with db.read() as session:
            task = session.get(Task, uuid.UUID(request.path_params["task_id"]))
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
        with db.read() as session:
            rows = list(session.scalars(query))
            return _json({"data": [serialize.task(t) for t in rows[:50]], "has_more": True})

    async def create_task(request: Request) -> Response:
        item = json.loads(await request.body())
        with db.write() as session:
            data = insert_tasks(session, [item])[0]
        return _json(data, 201)

    async def batch_create(request: Request) -> Response:
        items = json.loads(await request.body())
        with db.write() as session:
            data = insert_tasks(session, items)
        return _json({"results": [{"status": 201, "data": d} for d in data]})

    async def update_task(request: Request) -> Response:
        patch = json.loads(await request.body())
        with db.write() as session:
            task = session.scalar(
                select(Task)
                .where(Task.id == uuid.UUID(request.path_params["task_id"]))
                .with_for_update()
            )
            if task is None or task.account_id != account_id:
                return Response(status_code=404)
            task.title = patch["title"]
            task.version += 1
            task.updated_at = utcnow()
            session.flush()
            data = serialize.task(task)
            _append_events(session, account_id, [("task.updated", {"object": data})])
        return _json(data)

    return Starlette(
        routes=[
            Route("/api/v1/tasks/batch", batch_create, methods=["POST"]),
            Route("/api/v1/tasks/{task_id}", get_task, methods=["GET"]),
            Route("/api/v1/tasks/{task_id}", update_task, methods=["PATCH"]),
            Route("/api/v1/tasks", list_tasks, methods=["GET"]),
            Route("/api/v1/tasks", create_task, methods=["POST"]),
            Route("/api/v1/health", lambda _: _json({"status": "ok"}), methods=["GET"]),
        ]
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
    # The options taskmaster_server.cli.serve gives uvicorn.
    uvicorn.run(
        "baseline_app:app_from_env",
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
