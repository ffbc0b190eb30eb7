"""Listing tasks: filters, search, sort, keyset and offset paging, Link, ETag."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth

MakeUser = Callable[..., ServerUser]


@pytest.fixture
async def headers(api_client: httpx.AsyncClient, make_user: MakeUser) -> dict[str, str]:
    return await auth(api_client, make_user())


async def _seed(
    client: httpx.AsyncClient, headers: dict[str, str], items: list[dict[str, Any]]
) -> list[str]:
    response = await client.post("/tasks/batch", json=items, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["failed"] == 0, response.text
    return [r["id"] for r in response.json()["results"]]


async def _titles(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[str]:
    response = await client.get("/tasks", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [t["title"] for t in response.json()["data"]]


async def test_filters_and_search(api_client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    project = (await api_client.post("/projects", json={"name": "p"}, headers=headers)).json()
    await _seed(
        api_client,
        headers,
        [
            {
                "title": "Write launch blog",
                "status": "pending",
                "priority": "high",
                "tags": ["launch"],
            },
            {
                "title": "Book venue",
                "status": "done",
                "priority": "urgent",
                "tags": ["venue", "launch"],
                "due_at": "2030-01-01T00:00:00Z",
            },
            {
                "title": "Order food",
                "description": "Vegan LAUNCH snacks",
                "priority": "low",
                "project_id": project["id"],
                "due_at": "2030-06-01T00:00:00Z",
            },
            {"title": "100% done_ish", "status": "cancelled"},
        ],
    )
    assert await _titles(api_client, headers, status=["done", "cancelled"]) == [
        "Book venue",
        "100% done_ish",
    ]
    assert await _titles(api_client, headers, priority="urgent") == ["Book venue"]
    assert await _titles(api_client, headers, tag=["venue"]) == ["Book venue"]
    assert await _titles(api_client, headers, project_id=project["id"]) == ["Order food"]
    assert await _titles(api_client, headers, search="launch") == [
        "Write launch blog",
        "Order food",
    ]
    assert await _titles(api_client, headers, search="launch blog") == ["Write launch blog"]
    assert await _titles(api_client, headers, search="100%") == ["100% done_ish"]
    assert await _titles(api_client, headers, search="o_e") == []  # _ is literal, not a wildcard
    assert await _titles(api_client, headers, due_before="2030-03-01T00:00:00Z") == ["Book venue"]
    assert await _titles(api_client, headers, due_after="2030-03-01T00:00:00Z") == ["Order food"]


async def test_sort_by_one_key_with_id_breaking_ties_the_same_way(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await _seed(
        api_client,
        headers,
        [
            {"title": "b", "priority": "low"},
            {"title": "a", "priority": "urgent"},
            {"title": "c", "priority": "low", "due_at": "2030-01-01T00:00:00Z"},
            {"title": "d", "priority": "medium"},
        ],
    )
    ascending = await _titles(api_client, headers, sort="priority")
    assert ascending[2:] == ["d", "a"]
    assert sorted(ascending[:2]) == ["b", "c"]  # equal priorities: in id order
    # Ties follow id in the key's direction, so descending is ascending reversed exactly.
    assert await _titles(api_client, headers, sort="-priority") == ascending[::-1]
    assert await _titles(api_client, headers, sort="title") == ["a", "b", "c", "d"]
    assert await _titles(api_client, headers, sort="-title") == ["d", "c", "b", "a"]
    assert (await _titles(api_client, headers, sort="due_at"))[0] == "c"  # undated last
    assert (await _titles(api_client, headers, sort="-due_at"))[-1] == "c"


@pytest.mark.parametrize("sort", ["-priority,title", "title,-title", "due_at,-created_at,title"])
async def test_a_sort_by_several_keys_is_refused_with_the_rule(
    api_client: httpx.AsyncClient, headers: dict[str, str], sort: str
) -> None:
    response = await api_client.get("/tasks", params={"sort": sort}, headers=headers)
    body = assert_problem(response, 422, "validation-error")
    [error] = body["errors"]
    assert error["pointer"] == "#/query/sort"
    assert error["code"] == "pattern"
    count = sort.count(",") + 1
    assert error["detail"].startswith(f"{sort!r} names {count} sort keys; give one. Sort by one")


@pytest.mark.parametrize("sort", ["created_at", "-priority", "due_at", "-title"])
async def test_keyset_pages_are_stable_under_inserts(
    api_client: httpx.AsyncClient, headers: dict[str, str], sort: str
) -> None:
    priorities = ["low", "medium", "high", "urgent"]
    ids = await _seed(
        api_client,
        headers,
        [
            {
                "title": f"t{i:02}",
                "priority": priorities[i % 4],
                **({"due_at": f"2030-01-{i % 5 + 1:02}T00:00:00Z"} if i % 3 else {}),
            }
            for i in range(23)
        ],
    )
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 5, "sort": sort}
    pages = 0
    while True:
        response = await api_client.get("/tasks", params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        seen += [t["id"] for t in body["data"]]
        pages += 1
        if pages == 2:  # inserts between pages must not shift or repeat anything
            await _seed(api_client, headers, [{"title": "zz-new", "priority": "urgent"}])
        if not body["has_more"]:
            assert "link" not in response.headers
            break
        assert response.headers["link"].endswith('>; rel="next"')
        assert f"cursor={body['next_cursor']}" in response.headers["link"]
        params = {"limit": 5, "sort": sort, "cursor": body["next_cursor"]}
    assert len(seen) == len(set(seen))
    assert set(ids) <= set(seen)


def _cursor(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _payload(cursor: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    )
    return decoded


async def test_a_cursor_of_an_old_multi_key_sort_is_a_422(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    """Earlier builds sorted by up to three keys; their cursors hold a value per key and id."""
    await _seed(api_client, headers, [{"title": f"t{i}", "priority": "high"} for i in range(3)])
    params = {"limit": 1, "sort": "-priority"}
    first = (await api_client.get("/tasks", params=params, headers=headers)).json()
    current = _payload(first["next_cursor"])
    priority, task_id = current["v"]
    # Minted for "-priority,title": another query's digest, one value too many.
    old = {"q": "0123456789abcdef", "v": [priority, "t0", task_id]}
    # And should its digest match, the number of values still tells it apart.
    same_digest = {"q": current["q"], "v": [priority, "t0", task_id]}
    for cursor, detail in [
        (_cursor(old), "This cursor belongs to a query with other filters or sort."),
        (_cursor(same_digest), "The cursor is not one this server issued."),
    ]:
        response = await api_client.get(
            "/tasks", params={**params, "cursor": cursor}, headers=headers
        )
        body = assert_problem(response, 422, "validation-error")
        assert body["errors"][0]["pointer"] == "#/query/cursor"
        assert body["detail"] == detail
    old_sort = await api_client.get(
        "/tasks", params={"sort": "-priority,title", "cursor": _cursor(old)}, headers=headers
    )
    assert_problem(old_sort, 422, "validation-error")


async def test_offset_paging_reports_total(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await _seed(api_client, headers, [{"title": f"t{i}"} for i in range(7)])
    response = await api_client.get("/tasks", params={"limit": 3, "offset": 3}, headers=headers)
    body = response.json()
    assert [t["title"] for t in body["data"]] == ["t3", "t4", "t5"]
    assert body["total"] == 7
    assert body["has_more"] is True
    assert body["next_cursor"] is None
    assert "offset=6" in response.headers["link"]
    both = await api_client.get("/tasks", params={"offset": 1, "cursor": "abc"}, headers=headers)
    assert_problem(both, 422, "validation-error")


async def test_foreign_or_garbled_cursors_are_422(
    api_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await _seed(api_client, headers, [{"title": f"t{i}"} for i in range(3)])
    first = (await api_client.get("/tasks", params={"limit": 1}, headers=headers)).json()
    other_sort = await api_client.get(
        "/tasks",
        params={"limit": 1, "sort": "title", "cursor": first["next_cursor"]},
        headers=headers,
    )
    body = assert_problem(other_sort, 422, "validation-error")
    assert body["errors"][0]["pointer"] == "#/query/cursor"
    garbled = await api_client.get("/tasks", params={"cursor": "!!not-base64!!"}, headers=headers)
    assert_problem(garbled, 422, "validation-error")


async def test_list_etag_and_304(api_client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    await _seed(api_client, headers, [{"title": "a"}])
    first = await api_client.get("/tasks", headers=headers)
    etag = first.headers["etag"]
    cached = await api_client.get("/tasks", headers={**headers, "If-None-Match": etag})
    assert cached.status_code == 304
    await _seed(api_client, headers, [{"title": "b"}])
    changed = await api_client.get("/tasks", headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
