"""Tenancy: everything is scoped to the acting account; viewers read only."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth

MakeUser = Callable[..., ServerUser]


async def test_other_accounts_objects_are_404(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    alice, mallory = make_user(), make_user()
    a, m = await auth(api_client, alice), await auth(api_client, mallory)
    task = (await api_client.post("/tasks", json={"title": "private"}, headers=a)).json()
    project = (await api_client.post("/projects", json={"name": "p"}, headers=a)).json()
    hook = (
        await api_client.post(
            "/webhooks",
            json={"url": "https://hooks.example.com/x", "events": ["task.created"]},
            headers=a,
        )
    ).json()
    probes = [
        api_client.get(f"/tasks/{task['id']}", headers=m),
        api_client.patch(f"/tasks/{task['id']}", json={"title": "pwned"}, headers=m),
        api_client.delete(f"/tasks/{task['id']}", headers=m),
        api_client.get(f"/tasks/{task['id']}/subtasks", headers=m),
        api_client.post(f"/tasks/{task['id']}/subtasks", json={"title": "x"}, headers=m),
        api_client.get(f"/projects/{project['id']}", headers=m),
        api_client.patch(f"/projects/{project['id']}", json={"name": "x"}, headers=m),
        api_client.delete(f"/projects/{project['id']}", headers=m),
        api_client.post("/tasks", json={"title": "x", "project_id": project["id"]}, headers=m),
        api_client.get(f"/webhooks/{hook['id']}", headers=m),
        api_client.delete(f"/webhooks/{hook['id']}", headers=m),
        api_client.get(f"/accounts/{alice.account_id}", headers=m),
    ]
    for probe in probes:
        assert_problem(await probe, 404, "not-found")
    batch = await api_client.patch(
        "/tasks/batch", json=[{"id": task["id"], "title": "x"}], headers=m
    )
    assert batch.json()["results"][0]["status"] == 404
    listed = await api_client.get("/tasks", headers=m)
    assert listed.json()["data"] == []
    # Untouched.
    again = await api_client.get(f"/tasks/{task['id']}", headers=a)
    assert again.json()["title"] == "private"


async def test_account_header_needs_membership(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    owner, stranger = make_user(), make_user()
    member = make_user(role="member", account_id=owner.account_id)
    o, s, mem = [await auth(api_client, u) for u in (owner, stranger, member)]
    task = (await api_client.post("/tasks", json={"title": "shared"}, headers=o)).json()
    refused = await api_client.get(
        f"/tasks/{task['id']}", headers={**s, "X-Account-ID": owner.account_id}
    )
    assert_problem(refused, 403, "forbidden")
    seen = await api_client.get(
        f"/tasks/{task['id']}", headers={**mem, "X-Account-ID": owner.account_id}
    )
    assert seen.status_code == 200
    me = await api_client.get("/me", headers={**mem, "X-Account-ID": owner.account_id})
    assert me.json()["account_id"] == owner.account_id
    assert me.json()["role"] == "member"
    accounts = await api_client.get("/accounts", headers=mem)
    assert {a["account"]["id"] for a in accounts.json()["data"]} == {owner.account_id}
    one = await api_client.get(f"/accounts/{owner.account_id}", headers=mem)
    assert one.json()["role"] == "member"


async def test_viewers_cannot_write(api_client: httpx.AsyncClient, make_user: MakeUser) -> None:
    owner = make_user()
    viewer = make_user(role="viewer", account_id=owner.account_id)
    o, v = await auth(api_client, owner), await auth(api_client, viewer)
    task = (await api_client.post("/tasks", json={"title": "t"}, headers=o)).json()
    assert (await api_client.get(f"/tasks/{task['id']}", headers=v)).status_code == 200
    assert (await api_client.get("/tasks", headers=v)).status_code == 200
    writes = [
        api_client.post("/tasks", json={"title": "x"}, headers=v),
        api_client.patch(f"/tasks/{task['id']}", json={"title": "x"}, headers=v),
        api_client.delete(f"/tasks/{task['id']}", headers=v),
        api_client.post("/tasks/batch", json=[{"title": "x"}], headers=v),
        api_client.post(f"/tasks/{task['id']}/subtasks", json={"title": "x"}, headers=v),
        api_client.post("/projects", json={"name": "x"}, headers=v),
        api_client.post(
            "/webhooks",
            json={"url": "https://hooks.example.com/", "events": ["task.created"]},
            headers=v,
        ),
    ]
    for write in writes:
        assert_problem(await write, 403, "forbidden")
    unchanged = await api_client.get(f"/tasks/{task['id']}", headers=o)
    assert unchanged.json()["version"] == 1
