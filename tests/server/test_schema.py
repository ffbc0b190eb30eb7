"""The migrations are the schema: models and migrated database agree; list queries use indexes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, insert, text

from taskmaster_server.db.models import Account, Base, Project, Task
from taskmaster_server.db.session import normalize_url
from taskmaster_server.runtime import Runtime
from taskmaster_server.services.actors import Actor
from taskmaster_server.services.task_queries import TaskFilters, _filtered, sort_keys
from tests.fixtures.server import Backend


def test_autogenerate_finds_no_difference(backend: Backend) -> None:
    engine = create_engine(normalize_url(backend.url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


@pytest.fixture(scope="module")
def big_account(server_runtime: Runtime, backend: Backend) -> uuid.UUID:
    """20 accounts x 1000 tasks, analysed, so the planner has a reason to pick indexes."""
    if backend.name != "postgresql":
        pytest.skip("EXPLAIN plans are checked on PostgreSQL")
    now = datetime.now(UTC)
    accounts = [uuid.uuid4() for _ in range(20)]
    with server_runtime.db.write() as session:
        session.execute(
            insert(Account), [{"id": a, "name": "bulk", "created_at": now} for a in accounts]
        )
        projects = {a: uuid.uuid4() for a in accounts}
        session.execute(
            insert(Project),
            [
                {
                    "id": p,
                    "account_id": a,
                    "name": "p",
                    "is_default": True,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for a, p in projects.items()
            ],
        )
        rows = [
            {
                "id": uuid.uuid4(),
                "account_id": a,
                "project_id": projects[a],
                "title": f"t{i}",
                "status": ("pending", "done", "in_progress", "cancelled")[i % 4],
                "priority": i % 4 + 1,
                "tags": [],
                "meta": {},
                "version": 1,
                "created_at": now + timedelta(seconds=i),
                "updated_at": now + timedelta(seconds=i),
            }
            for a in accounts
            for i in range(1000)
        ]
        session.execute(insert(Task), rows)
    with server_runtime.db.engine.connect() as connection:
        connection.execute(text("ANALYZE tasks"))
        connection.commit()
    return accounts[0]


def _plan(runtime: Runtime, account: uuid.UUID, filters: TaskFilters) -> str:
    actor = Actor(uuid.uuid4(), account, "owner")
    keys = sort_keys(filters.sort)
    query = (
        _filtered(actor, filters)
        .order_by(*(k.expression.desc() if k.descending else k.expression.asc() for k in keys))
        .limit(51)
    )
    compiled = query.compile(runtime.db.engine, compile_kwargs={"literal_binds": True})
    with runtime.db.engine.connect() as connection:
        lines = connection.execute(text(f"EXPLAIN {compiled}")).scalars().all()
    return "\n".join(lines)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("filters", "index"),
    [
        (TaskFilters(), "ix_tasks_account_id_created_at_id"),
        (TaskFilters(sort="-updated_at"), "ix_tasks_account_id_updated_at_id"),
        (TaskFilters(status=("done",)), "ix_tasks_account_id_status_created_at_id"),
    ],
)
def test_list_queries_use_the_indexes(
    server_runtime: Runtime, big_account: uuid.UUID, filters: TaskFilters, index: str
) -> None:
    plan = _plan(server_runtime, big_account, filters)
    assert index in plan, plan
    assert "Seq Scan on tasks" not in plan, plan
    assert "Sort" not in plan.split("->")[0], plan
