"""An account's event seqs under concurrent writers: a reader that follows the log by cursor
never sees a gap that is filled later, and every committed change has its events.

On PostgreSQL the seqs are taken at the very end of each write, in the round trip that commits
it (events/outbox.py, db/pipeline.py); this is the test that such late allocation still hands a
reader the seqs in commit order. Writers run in threads against the service layer (the HTTP
layer adds nothing here); some of their writes roll back.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable

import sqlalchemy.exc
from sqlalchemy import select

from taskmaster_server.db.models import Event, Task
from taskmaster_server.events.feed import EventFilter, read_window
from taskmaster_server.problems import Problem
from taskmaster_server.runtime import Runtime
from taskmaster_server.services import projects, tasks
from taskmaster_server.services.actors import Actor
from tests.fixtures.server import ServerUser

WRITERS = 4
WRITES = 20


def test_a_following_reader_sees_every_seq_once_in_order(
    server_runtime: Runtime, make_user: Callable[..., ServerUser]
) -> None:
    user = make_user()
    db = server_runtime.db
    actor = Actor(uuid.UUID(user.user_id), uuid.UUID(user.account_id), "owner")
    doomed, _ = projects.create(db, actor, {"name": "doomed"})
    done = threading.Event()
    errors: list[BaseException] = []
    rolled_back = 0
    counted = threading.Lock()

    def writer(number: int) -> None:
        nonlocal rolled_back
        try:
            for i in range(WRITES):
                if number == 0 and i == WRITES // 2:
                    projects.delete(db, actor, uuid.UUID(doomed["id"]), None)
                body: dict[str, object] = {"title": f"w{number}-{i}"}
                if number == 0:
                    body["project_id"] = doomed["id"]  # gone halfway: those writes roll back
                try:
                    task = tasks.create(db, actor, body)
                except (Problem, sqlalchemy.exc.IntegrityError):
                    with counted:
                        rolled_back += 1
                    continue
                if i % 3 == 0:  # two events in one transaction
                    # Problem: its project, and the task with it, went meanwhile.
                    with contextlib.suppress(Problem):
                        tasks.update(db, actor, task.id, {"status": "done"}, None)
        except BaseException as error:  # surfaced by the main thread
            errors.append(error)

    seen: list[int] = []

    def reader() -> None:
        cursor = 0
        try:
            while True:
                finished = done.is_set()  # read before the window: nothing is left after it
                window = read_window(db, actor.account_id, cursor, EventFilter(), 50)
                seqs = [event["seq"] for event in window.events]
                # No gap: the window continues exactly where the last one stopped.
                assert seqs == list(range(cursor + 1, cursor + 1 + len(seqs))), (cursor, seqs)
                seen.extend(seqs)
                cursor = window.cursor
                if finished and len(seqs) < 50:
                    return
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    follower = threading.Thread(target=reader)
    follower.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    done.set()
    follower.join(60)
    assert not errors, errors

    with db.read() as session:
        rows = session.execute(
            select(Event.seq, Event.type, Event.data).where(Event.account_id == actor.account_id)
        ).all()
        alive = set(session.scalars(select(Task.id).where(Task.account_id == actor.account_id)))
    logged = sorted(seq for seq, _, _ in rows)
    assert seen == logged == list(range(1, len(logged) + 1))
    assert rolled_back > 0
    # Every committed change has its event: each task still there was created, and announced.
    announced = {
        uuid.UUID(data["object"]["id"]) for _, type_, data in rows if type_ == "task.created"
    }
    assert alive
    assert alive <= announced
