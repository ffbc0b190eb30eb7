"""Projects, webhook management and the event feed against the real server."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from taskmaster import (
    ConflictError,
    EventType,
    NotFoundError,
    Project,
    ValidationError,
    Webhook,
    WebhookWithSecret,
)
from tests.e2e.conftest import collect, pages


async def test_projects(tm: Any) -> None:
    default = [p for p in await collect(await tm.list_projects()) if p.is_default]
    assert len(default) == 1
    made = [await tm.create_project(name=f"P{i}", description="d") for i in range(3)]
    assert all(isinstance(p, Project) for p in made)
    listed = await tm.list_projects(limit=2)
    assert len(listed.data) == 2
    assert listed.has_more
    assert len(await pages(listed)) == 2
    assert {p.name for p in await collect(listed)} >= {"P0", "P1", "P2"}
    assert (await tm.get_project(made[0].id)).name == "P0"
    renamed = await tm.update_project(made[0], {"name": "Renamed"}, description=None)
    assert (renamed.name, renamed.description) == ("Renamed", None)
    task = await tm.create_task(title="inside", project_id=made[1].id)
    await tm.delete_project(made[1].id)
    with pytest.raises(NotFoundError):
        await tm.get_task(task.id)
    with pytest.raises(ConflictError):
        await tm.delete_project(default[0].id)  # the default project stays


async def test_webhook_management(tm: Any) -> None:
    created = await tm.create_webhook(
        url="https://hooks.example.com/taskmaster",
        events=[EventType.TASK_CREATED, "task.completed"],
        description="CRM sync",
    )
    assert isinstance(created, WebhookWithSecret)
    assert created.secret.startswith("whsec_")
    assert created.enabled is True
    assert created.disabled_reason is None
    fetched = await tm.get_webhook(created.id)
    assert isinstance(fetched, Webhook)
    assert fetched.events == [EventType.TASK_CREATED, EventType.TASK_COMPLETED]
    assert [w.id for w in await collect(await tm.list_webhooks(limit=1))] == [created.id]
    updated = await tm.update_webhook(created.id, enabled=False, events=["task.deleted"])
    assert (updated.enabled, updated.events) == (False, [EventType.TASK_DELETED])
    rotated = await tm.rotate_webhook_secret(created.id)
    assert rotated.secret != created.secret
    assert rotated.previous_secret_expires_at.utcoffset() is not None
    deliveries = await tm.list_webhook_deliveries(created.id, status="failed", limit=5)
    assert deliveries.data == []
    assert deliveries.has_more is False
    with pytest.raises(NotFoundError):
        await tm.redeliver_webhook_delivery(created.id, uuid.uuid4())
    with pytest.raises(ValidationError) as refused:
        await tm.create_webhook(url="http://127.0.0.1/hook", events=["task.created"])
    assert any(e.pointer == "/url" for e in refused.value.errors)
    await tm.delete_webhook(created.id)
    with pytest.raises(NotFoundError):
        await tm.get_webhook(created.id)


async def test_event_feed(tm: Any) -> None:
    task = await tm.create_task(title="evented")
    await tm.update_task(task.id, status="done")
    feed = await tm.list_events(after=0, types=["task.created", "task.completed"], limit=1)
    events = await collect(feed)
    assert [e.type_ for e in events] == [EventType.TASK_CREATED, EventType.TASK_COMPLETED]
    assert [e.seq for e in events] == [1, 3]  # seq 2 is the task.updated left out by `types`
    assert all(e.occurred_at.utcoffset() is not None for e in events)
    assert events[0].data["object"]["id"] == str(task.id)
    last = (await pages(await tm.list_events(after=events[-1].seq)))[-1]
    assert last.data == []
    assert last.next_after == events[-1].seq
    ticket = await tm.create_event_stream_ticket()
    assert ticket.ticket.startswith("tk_")
    assert ticket.url == f"/api/v1/events/ws?ticket={ticket.ticket}"
