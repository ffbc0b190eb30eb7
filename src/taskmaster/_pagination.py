"""Lazy, auto-paginating results of list calls.

    page = client.list_tasks(status="pending")    # one request: the first page
    page.data, page.has_more, page.total          # the first page, directly
    for task in page: ...                          # every task, next pages fetched as needed
    for p in page.iter_pages(): ...                # page by page

    pager = await aclient.list_tasks()            # async: await for the first page ...
    async for task in aclient.list_tasks(): ...   # ... or iterate straight away

A pager never fetches a page before it is needed, and never holds more than one page of items
besides the first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ._exceptions import APIError

__all__ = ["AsyncPager", "Page", "SyncPager", "next_page_request"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list call.

    `next_cursor` is what to pass as `cursor` for the next page (None on the last one). Event
    pages carry `next_after` instead: the `seq` to resume from, also when `has_more` is false.
    `total` is the count of matching tasks, only when paging with `offset`.
    """

    data: list[T]
    has_more: bool
    next_cursor: str | None = None
    total: int | None = None
    next_after: int | None = None
    # How the page was asked for, so the next one can be asked for the same way.
    request: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __iter__(self) -> Iterator[T]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


def next_page_request(page: Page[Any]) -> dict[str, Any] | None:
    """The parameters that ask for the page after `page`, or None if it is the last."""
    if not page.has_more:
        return None
    if page.next_after is not None:
        return {**page.request, "after": page.next_after}
    if page.next_cursor is not None:
        params = {k: v for k, v in page.request.items() if k != "offset"}
        return {**params, "cursor": page.next_cursor}
    if isinstance(page.request.get("offset"), int) and page.data:
        return {**page.request, "offset": page.request["offset"] + len(page.data)}
    return None


def _check_progress(params: dict[str, Any], seen: set[str]) -> None:
    key = repr(sorted(params.items(), key=lambda item: item[0]))
    if key in seen:
        raise APIError(
            f"The server sent the same next-page marker twice ({params}); stopping", request=None
        )
    seen.add(key)


class SyncPager(Generic[T]):
    """The first page of a list call, iterable over every item of every page."""

    def __init__(self, first: Page[T], fetch: Callable[[dict[str, Any]], Page[T]]) -> None:
        self.first_page = first
        self._fetch = fetch

    @property
    def data(self) -> list[T]:
        return self.first_page.data

    @property
    def has_more(self) -> bool:
        return self.first_page.has_more

    @property
    def next_cursor(self) -> str | None:
        return self.first_page.next_cursor

    @property
    def total(self) -> int | None:
        return self.first_page.total

    def iter_pages(self) -> Iterator[Page[T]]:
        page = self.first_page
        yield page
        seen: set[str] = set()
        while (params := next_page_request(page)) is not None:
            _check_progress(params, seen)
            page = self._fetch(params)
            yield page

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data

    def __repr__(self) -> str:
        return f"<SyncPager first_page={len(self.data)} items has_more={self.has_more}>"


class AsyncPager(Generic[T]):
    """An async list call: `await` it for the first page, or `async for` over every item."""

    def __init__(
        self,
        fetch_first: Callable[[], Awaitable[Page[T]]],
        fetch: Callable[[dict[str, Any]], Awaitable[Page[T]]],
    ) -> None:
        self._fetch_first = fetch_first
        self._fetch = fetch
        self._first: Page[T] | None = None

    async def _load(self) -> AsyncPager[T]:
        if self._first is None:
            self._first = await self._fetch_first()
        return self

    def __await__(self) -> Generator[Any, None, AsyncPager[T]]:
        return self._load().__await__()

    @property
    def first_page(self) -> Page[T]:
        if self._first is None:
            raise RuntimeError("await the pager (or iterate it) before reading its first page")
        return self._first

    @property
    def data(self) -> list[T]:
        return self.first_page.data

    @property
    def has_more(self) -> bool:
        return self.first_page.has_more

    @property
    def next_cursor(self) -> str | None:
        return self.first_page.next_cursor

    @property
    def total(self) -> int | None:
        return self.first_page.total

    async def iter_pages(self) -> AsyncIterator[Page[T]]:
        await self._load()
        page = self.first_page
        yield page
        seen: set[str] = set()
        while (params := next_page_request(page)) is not None:
            _check_progress(params, seen)
            page = await self._fetch(params)
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item

    def __repr__(self) -> str:
        if self._first is None:
            return "<AsyncPager (not awaited)>"
        return f"<AsyncPager first_page={len(self.data)} items has_more={self.has_more}>"
