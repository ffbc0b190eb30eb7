"""``search`` on the full-text indexes: what it matches, index upkeep, cursors under search."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from taskmaster_server.services import task_queries
from tests.fixtures.server import ServerUser
from tests.server.helpers import auth

MakeUser = Callable[..., ServerUser]


@pytest.fixture
async def headers(api_client: httpx.AsyncClient, make_user: MakeUser) -> dict[str, str]:
    return await auth(api_client, make_user())


async def _create(client: httpx.AsyncClient, headers: dict[str, str], **task: Any) -> str:
    response = await client.post("/tasks", json=task, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _found(client: httpx.AsyncClient, headers: dict[str, str], search: str) -> list[str]:
    response = await client.get("/tasks", params={"search": search}, headers=headers)
    assert response.status_code == 200, response.text
    return sorted(t["title"] for t in response.json()["data"])


async def test_search_matches_whole_words_case_insensitively_accents_kept(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await _create(api_client, headers, title="Deploy the Café site", description="On FRIDAY")
    await _create(api_client, headers, title="deployment notes")
    await _create(api_client, headers, title="cafe-menu.pdf")
    assert await _found(api_client, headers, "deploy") == ["Deploy the Café site"]
    assert await _found(api_client, headers, "DEPLOYMENT") == ["deployment notes"]
    assert await _found(api_client, headers, "depl") == []  # no prefixes
    assert await _found(api_client, headers, "café") == ["Deploy the Café site"]
    assert await _found(api_client, headers, "cafe") == ["cafe-menu.pdf"]
    assert await _found(api_client, headers, "menu") == ["cafe-menu.pdf"]  # - separates
    assert await _found(api_client, headers, "friday deploy") == ["Deploy the Café site"]
    assert await _found(api_client, headers, "friday notes") == []  # every word
    # Query-language syntax of either database is just separators here.
    assert await _found(api_client, headers, '"deploy" OR -notes*') == []  # OR is a word
    assert await _found(api_client, headers, "deploy NOT notes") == []
    assert await _found(api_client, headers, '-"deploy"*') == ["Deploy the Café site"]
    assert await _found(api_client, headers, "!!!") == []


async def test_the_index_follows_updates_and_deletes(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    task_id = await _create(api_client, headers, title="alpha", description="beta")
    assert await _found(api_client, headers, "beta") == ["alpha"]
    patched = await api_client.patch(
        f"/tasks/{task_id}", json={"title": "gamma", "description": None}, headers=headers
    )
    assert patched.status_code == 200, patched.text
    assert await _found(api_client, headers, "alpha") == []
    assert await _found(api_client, headers, "beta") == []
    assert await _found(api_client, headers, "gamma") == ["gamma"]
    status_only = await api_client.patch(
        f"/tasks/{task_id}", json={"status": "done"}, headers=headers
    )
    assert status_only.status_code == 200, status_only.text
    assert await _found(api_client, headers, "gamma") == ["gamma"]
    deleted = await api_client.delete(f"/tasks/{task_id}", headers=headers)
    assert deleted.status_code == 204, deleted.text
    assert await _found(api_client, headers, "gamma") == []


async def test_search_stays_in_the_account(
    api_client: httpx.AsyncClient, make_user: MakeUser, headers: dict[str, str]
) -> None:
    other = await auth(api_client, make_user())
    await _create(api_client, other, title="zebra crossing")
    await _create(api_client, headers, title="zebra mine")
    assert await _found(api_client, headers, "zebra") == ["zebra mine"]


async def test_cursor_pages_under_search_are_stable(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    for i in range(7):
        await _create(api_client, headers, title=f"needle {i}", priority="high")
        await _create(api_client, headers, title=f"hay {i}")
    params: dict[str, Any] = {"search": "needle", "limit": 3, "sort": "title"}
    seen: list[str] = []
    cursor = None
    cursors: list[str] = []
    for page in range(4):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await api_client.get("/tasks", params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        seen += [t["title"] for t in body["data"]]
        if page == 0:
            # Inserted ahead of the cursor: later pages neither repeat nor skip a row.
            await _create(api_client, headers, title="needle 0a", priority="high")
        cursor = body["next_cursor"]
        if cursor is None:
            break
        cursors.append(cursor)
    assert seen == [f"needle {i}" for i in range(7)]
    # A cursor belongs to its search: another search refuses it.
    changed = await api_client.get(
        "/tasks", params={**params, "search": "hay", "cursor": cursors[0]}, headers=headers
    )
    assert changed.status_code == 422, changed.text


async def test_offset_total_is_counted_up_to_the_bound(
    api_client: httpx.AsyncClient, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(5):
        await _create(api_client, headers, title=f"counted {i}")
    monkeypatch.setattr(task_queries, "TOTAL_LIMIT", 3)
    response = await api_client.get("/tasks", params={"offset": 0, "limit": 2}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 3  # "3 or more"
    monkeypatch.setattr(task_queries, "TOTAL_LIMIT", 10_000)
    response = await api_client.get("/tasks", params={"offset": 4, "limit": 2}, headers=headers)
    assert response.json()["total"] == 5
    assert [t["title"] for t in response.json()["data"]] == ["counted 4"]
