"""Deferred statements (db/pipeline.py): a write whose deferred statement fails leaves nothing
behind, events and seqs included, and the pooled connection goes back to ordinary
transactions afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
import sqlalchemy.exc
from sqlalchemy import func, insert, select

from taskmaster_server.db.models import Event, Project, Task
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.events.outbox import latest_seq
from taskmaster_server.runtime import Runtime
from taskmaster_server.services import tasks
from taskmaster_server.services.actors import Actor
from taskmaster_server.services.transaction import write
from tests.fixtures.server import Backend, ServerUser


def _counts(runtime: Runtime, account_id: uuid.UUID) -> tuple[int, int, int]:
    with runtime.db.read() as session:
        events = session.scalar(select(func.count()).where(Event.account_id == account_id))
        rows = session.scalar(select(func.count()).where(Task.account_id == account_id))
        return latest_seq(session, account_id), int(events or 0), int(rows or 0)


def test_a_failing_deferred_statement_rolls_the_whole_write_back(
    backend: Backend, server_runtime: Runtime, make_user: Callable[..., ServerUser]
) -> None:
    user = make_user()
    actor = Actor(uuid.UUID(user.user_id), uuid.UUID(user.account_id), "owner")
    db = server_runtime.db
    tasks.create(db, actor, {"title": "before"})
    before = _counts(server_runtime, actor.account_id)

    def failing() -> None:
        with write(db) as tx:
            tasks.create_in(tx, actor, {"title": "kept?"})
            row = tasks.new_row(actor, uuid.uuid4(), {"title": "no such project"}, utcnow())
            tx.defer(insert(Task), [row])  # fails on its foreign key, when it is sent
            tx.emit("task.created", actor.account_id, row["project_id"], {"object": {}})

    with pytest.raises(sqlalchemy.exc.IntegrityError):
        failing()

    assert _counts(server_runtime, actor.account_id) == before

    # The connection goes back to ordinary transactions: a plain write that raises after its
    # statements were sent keeps none of them. One connection, so the plain write gets the one
    # the pipelined write used.
    solo = Database(backend.url, pool_size=1)

    def rolled_back() -> None:
        with solo.write() as session:
            session.execute(
                insert(Project).values(
                    id=uuid.uuid4(),
                    account_id=actor.account_id,
                    name="never",
                    is_default=False,
                    version=1,
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
            )
            session.flush()
            raise RuntimeError("roll back")

    try:
        tasks.create(solo, actor, {"title": "pipelined"})
        with pytest.raises(RuntimeError):
            rolled_back()
    finally:
        solo.dispose()
    with db.read() as session:
        names = session.scalars(select(Project.name).where(Project.account_id == actor.account_id))
        assert "never" not in set(names)

    # And the next write goes through, with its event and the next seq.
    tasks.create(db, actor, {"title": "after"})
    seq, events, rows = _counts(server_runtime, actor.account_id)
    assert (seq, events, rows) == (before[0] + 2, before[1] + 2, before[2] + 2)
