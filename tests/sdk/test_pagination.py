"""Pagination: the first page now, the rest lazily, cursor / offset / event `after` paging."""

from __future__ import annotations

import httpx
import pytest
import respx

from taskmaster import APIError, AsyncPager, InvalidRequestError, Page, PaginationError, SyncPager
from taskmaster._pagination import next_page_request
from tests.sdk.conftest import task_json


def _pages(router: respx.Router, count: int, per_page: int = 2) -> respx.Route:
    """`count` pages of tasks chained by cursor `c1`, `c2`..."""

    def answer(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        n = int(cursor[1:]) if cursor else 0
        more = n + 1 < count
        return httpx.Response(
            200,
            json={
                "data": [task_json(title=f"p{n}-{i}") for i in range(per_page)],
                "next_cursor": f"c{n + 1}" if more else None,
                "has_more": more,
            },
        )

    return router.get("/tasks").mock(side_effect=answer)


def test_first_page_is_fetched_now_and_the_rest_lazily(router, client_factory) -> None:
    route = _pages(router, 3)
    client = client_factory(token="t", verify_tokens=False)
    pager = client.list_tasks(status=["pending", "in_progress"], limit=2)
    assert isinstance(pager, SyncPager)
    assert route.call_count == 1
    assert [t.title for t in pager.data] == ["p0-0", "p0-1"]
    assert pager.has_more
    assert pager.next_cursor == "c1"
    items = iter(pager)
    assert [next(items).title for _ in range(3)] == ["p0-0", "p0-1", "p1-0"]
    assert route.call_count == 2  # page 3 not fetched yet
    assert [t.title for t in items] == ["p1-1", "p2-0", "p2-1"]
    assert route.call_count == 3
    params = route.calls.last.request.url.params
    assert params.get_list("status") == ["pending", "in_progress"]
    assert params["cursor"] == "c2"
    assert params["limit"] == "2"


def test_iter_pages_yields_pages(router, client_factory) -> None:
    _pages(router, 2, per_page=3)
    client = client_factory(token="t", verify_tokens=False)
    pages = list(client.list_tasks().iter_pages())
    assert [len(p) for p in pages] == [3, 3]
    assert all(isinstance(p, Page) for p in pages)
    assert pages[-1].has_more is False


async def test_async_pager_awaits_or_iterates(router, async_client_factory) -> None:
    route = _pages(router, 3)
    client = async_client_factory(token="t", verify_tokens=False)
    pager = await client.list_tasks({"priority": "high"})
    assert isinstance(pager, AsyncPager)
    assert len(pager.data) == 2
    assert route.call_count == 1
    titles = [task.title async for task in pager]
    assert len(titles) == 6
    assert route.call_count == 3  # the first page is reused, then two more
    direct = [task async for task in client.list_tasks()]  # no await needed
    assert len(direct) == 6
    pages = [page async for page in client.list_tasks().iter_pages()]
    assert len(pages) == 3


async def test_async_pager_first_page_needs_await(async_client_factory) -> None:
    client = async_client_factory(token="t", verify_tokens=False)
    pager = client.list_tasks()
    assert "not awaited" in repr(pager)
    with pytest.raises(RuntimeError, match="await"):
        _ = pager.data


def test_offset_paging_continues_by_offset(router, client_factory) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        data = [task_json() for _ in range(2)] if offset < 4 else [task_json()]
        return httpx.Response(
            200,
            json={"data": data, "next_cursor": None, "has_more": offset < 4, "total": 5},
        )

    route = router.get("/tasks").mock(side_effect=answer)
    client = client_factory(token="t", verify_tokens=False)
    pager = client.list_tasks(offset=0, limit=2)
    assert pager.total == 5
    assert len(list(pager)) == 5
    assert [c.request.url.params["offset"] for c in route.calls] == ["0", "2", "4"]


def test_events_page_by_next_after(router, client_factory) -> None:
    event = {
        "id": "8f1b4d3c-5e6a-4b8c-8d0e-2f3a4b5c6d7e",
        "seq": 1,
        "type": "task.created",
        "account_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "project_id": None,
        "occurred_at": "2026-11-04T16:20:00+00:00",
        "data": {"object": {"id": "x"}},
    }

    def answer(request: httpx.Request) -> httpx.Response:
        after = int(request.url.params["after"])
        more = after < 2
        return httpx.Response(
            200,
            json={"data": [{**event, "seq": after + 1}], "next_after": after + 1, "has_more": more},
        )

    router.get("/events").mock(side_effect=answer)
    client = client_factory(token="t", verify_tokens=False)
    pager = client.list_events(after=0, types="task.created")
    assert [e.seq for e in pager] == [1, 2, 3]
    last = list(pager.iter_pages())[-1]
    assert last.next_after == 3
    assert last.has_more is False


def test_a_server_repeating_its_cursor_is_stopped(router, client_factory) -> None:
    router.get("/tasks").mock(
        return_value=httpx.Response(
            200, json={"data": [task_json()], "next_cursor": "same", "has_more": True}
        )
    )
    client = client_factory(token="t", verify_tokens=False)
    with pytest.raises(APIError, match="same next-page marker"):
        list(client.list_tasks())


def test_next_page_request_is_pure() -> None:
    assert next_page_request(Page([], has_more=False, next_cursor="x")) is None
    page = Page([1], has_more=True, next_cursor="c9", request={"limit": 5, "offset": 0})
    assert next_page_request(page) == {"limit": 5, "cursor": "c9"}
    assert next_page_request(Page([1, 2], True, request={"offset": 4})) == {"offset": 6}
    assert next_page_request(Page([], True, request={"offset": 4})) is None
    assert next_page_request(Page([1], True, next_after=9, request={"after": 1})) == {"after": 9}


def _endless(router: respx.Router, *, fresh_items: bool) -> respx.Route:
    """A server that always has another page, under a new cursor each time."""
    same = [task_json(title="again")]

    def answer(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params.get("cursor", "c0")[1:])
        data = [task_json(title=f"p{n}")] if fresh_items else same
        return httpx.Response(
            200, json={"data": data, "next_cursor": f"c{n + 1}", "has_more": True}
        )

    return router.get("/tasks").mock(side_effect=answer)


def test_new_cursors_over_the_same_items_are_stopped(router, client_factory) -> None:
    route = _endless(router, fresh_items=False)
    client = client_factory(token="t", verify_tokens=False)
    with pytest.raises(PaginationError, match="again on page") as caught:
        list(client.list_tasks())
    assert isinstance(caught.value, APIError)
    assert route.call_count == 2


async def test_new_cursors_over_the_same_items_are_stopped_async(
    router, async_client_factory
) -> None:
    route = _endless(router, fresh_items=False)
    client = async_client_factory(token="t", verify_tokens=False)
    with pytest.raises(PaginationError):
        [task async for task in client.list_tasks()]
    assert route.call_count == 2


def test_limit_and_max_pages_bound_an_endless_server(router, client_factory) -> None:
    route = _endless(router, fresh_items=True)
    client = client_factory(token="t", verify_tokens=False)
    pager = client.list_tasks()
    assert [t.title for t in pager.iter_items(limit=3)] == ["p0", "p1", "p2"]
    assert route.call_count == 3  # the page after the limit is never fetched
    assert len(list(pager.iter_pages(max_pages=4))) == 4
    assert [t.title for t in pager.iter_items(max_pages=2)] == ["p0", "p1"]
    with pytest.raises(InvalidRequestError, match="limit"):
        list(pager.iter_items(limit=0))


async def test_limit_and_max_pages_bound_an_endless_server_async(
    router, async_client_factory
) -> None:
    route = _endless(router, fresh_items=True)
    client = async_client_factory(token="t", verify_tokens=False)
    pager = client.list_tasks()
    assert [t.title async for t in pager.iter_items(limit=2, max_pages=5)] == ["p0", "p1"]
    assert len([p async for p in pager.iter_pages(max_pages=3)]) == 3
    assert route.call_count == 4  # the first page once, then pages 2 and 3 of the second walk


def test_offset_paging_may_repeat_an_item(router, client_factory) -> None:
    """A row inserted before the offset shifts the next page by one: not a server fault."""
    shifted = task_json(title="shifted")
    router.get("/tasks").mock(
        side_effect=[
            httpx.Response(200, json={"data": [shifted], "next_cursor": None, "has_more": True,
                                      "total": 2}),
            httpx.Response(200, json={"data": [shifted], "next_cursor": None, "has_more": False,
                                      "total": 2}),
        ]
    )  # fmt: skip
    client = client_factory(token="t", verify_tokens=False)
    assert [t.title for t in client.list_tasks(offset=0, limit=1)] == ["shifted", "shifted"]


async def test_a_sync_loop_over_an_async_pager_says_use_async_for(async_client_factory) -> None:
    client = async_client_factory(token="t", verify_tokens=False)
    with pytest.raises(TypeError, match="async for"):
        for _ in client.list_tasks():  # type: ignore[attr-defined]
            pass
