"""Lazy, auto-paginating results of list calls.

    page = client.list_tasks(status="pending")    # one request: the first page
    page.data, page.has_more, page.total          # the first page, directly
    for task in page: ...                          # every task, next pages fetched as needed
    for p in page.iter_pages(): ...                # page by page
    for task in page.iter_items(limit=500): ...    # at most 500 tasks (or `max_pages=`)
    if page.has_next_page():                       # by hand, one page at a time
        page = page.get_next_page()                # (async: `await page.get_next_page()`)

    pager = await aclient.list_tasks()            # async: await for the first page ...
    async for task in aclient.list_tasks(): ...   # ... or iterate straight away

A pager never fetches a page before it is needed, and never holds more than one page of items
besides the first.

A server that never stops paging is stopped: the same next-page marker twice, or (when paging by
cursor or by `after`) an item already yielded coming back, raises `PaginationError`. A
server that keeps sending new items forever is bounded only by `limit` / `max_pages`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ._exceptions import APIError, InvalidRequestError

__all__ = ["AsyncPager", "Page", "PaginationError", "SyncPager", "next_page_request"]

T = TypeVar("T")
# Ids remembered to spot an item coming back; past this many only the last page's are kept.
_MAX_REMEMBERED = 100_000


class PaginationError(APIError):
    """The server's pages make no progress (a repeated cursor, an item yielded twice)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, request=None)


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
    # The response's X-Request-ID (set by the client, see `_request_ids.py`).
    _request_id: str | None = field(default=None, init=False, repr=False, compare=False)

    def __iter__(self) -> Iterator[T]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def has_next_page(self) -> bool:
        """Whether a page follows this one."""
        return next_page_request(self) is not None


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


def _next_or_raise(page: Page[Any]) -> dict[str, Any]:
    params = next_page_request(page)
    if params is None:
        raise PaginationError("this is the last page: there is no next page to get")
    return params


class _Progress:
    """What a walk through the pages has seen, to stop one that goes round in circles."""

    def __init__(self, max_pages: int | None, limit: int | None) -> None:
        for name, value in (("max_pages", max_pages), ("limit", limit)):
            if value is not None and (not isinstance(value, int) or value < 1):
                raise InvalidRequestError(f"{name} must be a positive integer")
        self.max_pages = max_pages
        self.limit = limit
        self.pages = 0
        self.items = 0
        self._markers: set[str] = set()
        self._ids: set[Any] = set()

    def next_request(self, page: Page[Any]) -> dict[str, Any] | None:
        """The next page's parameters, or None when the walk is over (raises when stuck)."""
        self.pages += 1
        params = next_page_request(page)
        if params is not None:
            key = repr(sorted(params.items(), key=lambda item: item[0]))
            if key in self._markers:
                raise PaginationError(
                    f"The server sent the same next-page marker twice ({params}); stopping"
                )
            self._markers.add(key)
        self._check_items(page)
        if self.max_pages is not None and self.pages >= self.max_pages:
            return None
        if self.limit is not None and self.items >= self.limit:
            return None
        return params

    def take(self, page: Page[T]) -> list[T]:
        """The items of `page` still within `limit`."""
        if self.limit is None:
            return page.data
        room = max(0, self.limit - self.items)
        self.items += min(room, len(page.data))
        return page.data[:room]

    def _check_items(self, page: Page[Any]) -> None:
        # Offset paging can legitimately repeat an item (a row inserted before the offset
        # shifts the rest); cursors and `after` seqs cannot.
        if "offset" in page.request or (not page.has_more and not self._ids):
            return
        ids = {ident for item in page.data if (ident := _identity(item)) is not None}
        repeated = ids & self._ids
        if repeated:
            raise PaginationError(
                f"The server sent item {next(iter(repeated))} again on page {self.pages} "
                "although the pages moved on: it is not making progress; stopping"
            )
        if len(self._ids) + len(ids) > _MAX_REMEMBERED:
            self._ids.clear()
        self._ids |= ids


def _identity(item: Any) -> Any:
    """An item's id (tasks, projects, webhooks...) or seq (events)."""
    seq = getattr(item, "seq", None)
    if isinstance(seq, int):
        return seq
    return getattr(item, "id", None)


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

    @property
    def _request_id(self) -> str | None:
        """The X-Request-ID of this page's response."""
        return self.first_page._request_id

    def has_next_page(self) -> bool:
        """Whether a page follows this one (`get_next_page()` fetches it)."""
        return self.first_page.has_next_page()

    def get_next_page(self) -> SyncPager[T]:
        """The next page, fetched now, as a pager of its own (iterating it goes on from there).

        Raises `PaginationError` on the last page: check `has_next_page()` first."""
        return SyncPager(self._fetch(_next_or_raise(self.first_page)), self._fetch)

    def iter_pages(self, *, max_pages: int | None = None) -> Iterator[Page[T]]:
        """Every page, this one first, fetched as needed; at most `max_pages` of them."""
        return self._walk(_Progress(max_pages, None))

    def iter_items(self, *, limit: int | None = None, max_pages: int | None = None) -> Iterator[T]:
        """Every item of every page; at most `limit` items, from at most `max_pages` pages."""
        progress = _Progress(max_pages, limit)
        for page in self._walk(progress):
            yield from progress.take(page)

    def _walk(self, progress: _Progress) -> Iterator[Page[T]]:
        page = self.first_page
        yield page
        while (params := progress.next_request(page)) is not None:
            page = self._fetch(params)
            yield page

    def __iter__(self) -> Iterator[T]:
        return self.iter_items()

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

    @property
    def _request_id(self) -> str | None:
        """The X-Request-ID of this page's response (await the pager first)."""
        return self.first_page._request_id

    def has_next_page(self) -> bool:
        """Whether a page follows this one (await the pager first)."""
        return self.first_page.has_next_page()

    async def get_next_page(self) -> AsyncPager[T]:
        """The next page, fetched now, as a pager of its own (see `SyncPager.get_next_page`)."""
        params = _next_or_raise((await self._load()).first_page)
        fetch = self._fetch
        return await AsyncPager(lambda: fetch(params), fetch)

    def iter_pages(self, *, max_pages: int | None = None) -> AsyncIterator[Page[T]]:
        """Every page, the first one first, fetched as needed; at most `max_pages` of them."""
        return self._walk(_Progress(max_pages, None))

    async def iter_items(
        self, *, limit: int | None = None, max_pages: int | None = None
    ) -> AsyncIterator[T]:
        """Every item of every page; at most `limit` items, from at most `max_pages` pages."""
        progress = _Progress(max_pages, limit)
        async for page in self._walk(progress):
            for item in progress.take(page):
                yield item

    async def _walk(self, progress: _Progress) -> AsyncIterator[Page[T]]:
        await self._load()
        page = self.first_page
        yield page
        while (params := progress.next_request(page)) is not None:
            page = await self._fetch(params)
            yield page

    def __aiter__(self) -> AsyncIterator[T]:
        return self.iter_items()

    def __iter__(self) -> Iterator[T]:
        raise TypeError(
            "AsyncPager is an async iterator: use `async for item in pager`, or `await` it "
            "for the first page (a sync loop needs TaskMasterClient)"
        )

    def __repr__(self) -> str:
        if self._first is None:
            return "<AsyncPager (not awaited)>"
        return f"<AsyncPager first_page={len(self.data)} items has_more={self.has_more}>"
