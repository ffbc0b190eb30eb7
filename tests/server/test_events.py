"""The event log over REST: one event per committed change, none for a rolled-back one,
paging, filters, retention (410) and stream tickets."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update

from taskmaster_server.db.models import Event
from taskmaster_server.db.types import utcnow
from taskmaster_server.events import feed
from taskmaster_server.runtime import Runtime
from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth


async def _events(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[Any]:
    response = await client.get("/events", headers=headers, params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body["has_more"]
    return list(body["data"])


async def test_every_committed_change_has_exactly_one_event_in_seq_order(
    api_client: httpx.AsyncClient, make_user: Callable[..., ServerUser]
) -> None:
    user = make_user()
    headers = await auth(api_client, user)
    post, patch = api_client.post, api_client.patch
    project = (await post("/projects", headers=headers, json={"name": "Launch"})).json()
    await patch(f"/projects/{project['id']}", headers=headers, json={"name": "Launch v2"})
    task = (
        await post("/tasks", headers=headers, json={"title": "Plan", "project_id": project["id"]})
    ).json()
    await patch(f"/tasks/{task['id']}", headers=headers, json={"priority": "high"})
    await patch(f"/tasks/{task['id']}", headers=headers, json={"priority": "high"})  # no change
    sub = (await post(f"/tasks/{task['id']}/subtasks", headers=headers, json={"title": "a"})).json()
    await patch(
        f"/tasks/{task['id']}/subtasks/{sub['id']}", headers=headers, json={"status": "done"}
    )
    await api_client.delete(f"/tasks/{task['id']}/subtasks/{sub['id']}", headers=headers)
    await patch(f"/tasks/{task['id']}", headers=headers, json={"status": "done"})
    other = (await post("/tasks", headers=headers, json={"title": "Loose"})).json()
    await api_client.delete(f"/tasks/{other['id']}", headers=headers)
    await api_client.delete(f"/projects/{project['id']}", headers=headers)

    events = await _events(api_client, headers)
    assert [e["type"] for e in events] == [
        "project.created",
        "project.updated",
        "task.created",
        "task.updated",
        "subtask.created",
        "subtask.updated",
        "subtask.deleted",
        "task.updated",
        "task.completed",
        "task.created",
        "task.deleted",
        "task.deleted",  # the project's task, deleted with it
        "project.deleted",
    ]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert {e["account_id"] for e in events} == {user.account_id}
    assert len({e["id"] for e in events}) == len(events)
    assert events[1]["data"]["changes"] == {"name": {"old": "Launch", "new": "Launch v2"}}
    assert events[3]["data"]["changes"] == {"priority": {"old": "medium", "new": "high"}}
    assert events[7]["data"]["changes"]["status"] == {"old": "pending", "new": "done"}
    assert events[8]["data"]["object"]["status"] == "done"
    assert events[10]["data"] == {"id": other["id"]}
    assert events[11]["data"] == {"id": task["id"]}
    assert events[2]["project_id"] == project["id"]


async def test_rolled_back_writes_leave_no_event_and_batches_emit_per_item(
    api_client: httpx.AsyncClient, make_user: Callable[..., ServerUser]
) -> None:
    headers = await auth(api_client, make_user())
    task = (await api_client.post("/tasks", headers=headers, json={"title": "t"})).json()
    stale = {**headers, "If-Match": 'W/"stale"'}
    response = await api_client.patch(f"/tasks/{task['id']}", headers=stale, json={"title": "u"})
    assert response.status_code == 412
    atomic = await api_client.post(
        "/tasks/batch",
        headers=headers,
        params={"atomic": "true"},
        json=[{"title": "ok"}, {"title": ""}],
    )
    assert atomic.status_code == 422, atomic.text
    assert [e["type"] for e in await _events(api_client, headers)] == ["task.created"]

    batch = await api_client.post(
        "/tasks/batch", headers=headers, json=[{"title": "b1"}, {"title": "b2"}]
    )
    assert batch.status_code == 200, batch.text
    events = await _events(api_client, headers, after=1)
    assert [(e["seq"], e["data"]["object"]["title"]) for e in events] == [(2, "b1"), (3, "b2")]


async def test_paging_and_filters(
    api_client: httpx.AsyncClient, make_user: Callable[..., ServerUser]
) -> None:
    headers = await auth(api_client, make_user())
    project = (await api_client.post("/projects", headers=headers, json={"name": "P"})).json()
    for title in ("a", "b", "c"):
        await api_client.post(
            "/tasks", headers=headers, json={"title": title, "project_id": project["id"]}
        )
    await api_client.post("/tasks", headers=headers, json={"title": "elsewhere"})
    seen, after = [], 0
    while True:
        page = (
            await api_client.get("/events", headers=headers, params={"after": after, "limit": 2})
        ).json()
        seen += [e["seq"] for e in page["data"]]
        after = page["next_after"]
        if not page["has_more"]:
            break
    assert seen == [1, 2, 3, 4, 5]
    assert after == 5
    only = await _events(
        api_client, headers, types=["task.created"], project_id=project["id"], after=0
    )
    assert [e["data"]["object"]["title"] for e in only] == ["a", "b", "c"]
    empty = (await api_client.get("/events", headers=headers, params={"after": 5})).json()
    assert empty == {"data": [], "next_after": 5, "has_more": False}


async def test_retention_answers_410_resync_required(
    api_client: httpx.AsyncClient,
    make_user: Callable[..., ServerUser],
    server_runtime: Runtime,
) -> None:
    user = make_user()
    headers = await auth(api_client, user)
    for title in ("a", "b", "c"):
        await api_client.post("/tasks", headers=headers, json={"title": title})
    # Age this account's first two events past the retention, then purge.
    with server_runtime.db.write() as session:
        session.execute(
            update(Event)
            .where(Event.account_id == uuid.UUID(user.account_id), Event.seq <= 2)
            .values(occurred_at=utcnow() - timedelta(days=8))
        )
    assert feed.purge_expired(server_runtime.db, 7 * 24 * 3600) >= 2
    response = await api_client.get("/events", headers=headers, params={"after": 0})
    problem = assert_problem(response, 410, "resync-required")
    assert (problem["latest_seq"], problem["oldest_seq"]) == (3, 3)
    head = await api_client.get("/events/head", headers=headers)
    assert head.json() == {"latest_seq": 3, "oldest_seq": 3}
    # Resuming right before the oldest kept event is fine.
    assert [e["seq"] for e in await _events(api_client, headers, after=2)] == [3]


async def test_a_cursor_beyond_the_latest_seq_answers_410(
    api_client: httpx.AsyncClient, make_user: Callable[..., ServerUser]
) -> None:
    headers = await auth(api_client, make_user())
    ahead = await api_client.get("/events", headers=headers, params={"after": 1})
    assert "seq 0 is the latest" in assert_problem(ahead, 410, "resync-required")["detail"]
    for title in ("a", "b"):
        await api_client.post("/tasks", headers=headers, json={"title": title})
    response = await api_client.get("/events", headers=headers, params={"after": 3})
    problem = assert_problem(response, 410, "resync-required")
    assert "seq 2 is the latest" in problem["detail"]
    assert (problem["latest_seq"], problem["oldest_seq"]) == (2, 1)
    latest = (await api_client.get("/events", headers=headers, params={"after": 2})).json()
    assert latest == {"data": [], "next_after": 2, "has_more": False}


async def test_event_head_reads_the_bounds_without_the_log(
    api_client: httpx.AsyncClient, make_user: Callable[..., ServerUser]
) -> None:
    headers = await auth(api_client, make_user())
    empty = await api_client.get("/events/head", headers=headers)
    assert empty.status_code == 200
    assert empty.json() == {"latest_seq": 0, "oldest_seq": 1}
    for title in ("a", "b"):
        await api_client.post("/tasks", headers=headers, json={"title": title})
    head = (await api_client.get("/events/head", headers=headers)).json()
    assert head == {"latest_seq": 2, "oldest_seq": 1}
    after = await _events(api_client, headers, after=head["latest_seq"])
    assert after == []
    unauthenticated = await api_client.get("/events/head")
    assert_problem(unauthenticated, 401, "unauthorized")


async def test_stream_ticket(
    api_client: httpx.AsyncClient, make_user: Callable[..., ServerUser]
) -> None:
    headers = await auth(api_client, make_user())
    response = await api_client.post("/events/ticket", headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["ticket"].startswith("tk_")
    assert body["url"] == f"/api/v1/events/ws?ticket={body['ticket']}"
    assert_problem(await api_client.post("/events/ticket"), 401, "unauthorized")
