"""The account's event log: the REST feed, stream tickets, and the WebSocket stream."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from .._call import AsyncRequester, Call, SyncRequester, make_call
from .._exceptions import InvalidRequestError
from .._pagination import AsyncPager, Page, SyncPager
from .._params import to_enum_list
from ._common import account, operation, page_converter, ref

if TYPE_CHECKING:
    from typing import Unpack

    from taskmaster_api.models import Event, EventHead, EventType, StreamTicket

    from .._options import RequestOptions, WriteOptions
    from .._stream import AsyncEventSubscription, EventSubscription
    from .._stream_state import ConnectionChange

__all__ = ["AsyncEventStreams", "AsyncEventsMixin", "EventStreams", "EventsMixin"]

Id = uuid.UUID | str


def list_params(
    after: int, types: Any, project_id: Any, limit: int | None, account_id: Any
) -> dict[str, Any]:
    from taskmaster_api.models import EventType

    params: dict[str, Any] = {"after": after, **account(account_id)}
    if types is not None:
        params["types"] = to_enum_list(EventType, types, "types")
    if project_id is not None:
        params["project_id"] = ref(project_id, "project_id")
    if limit is not None:
        params["limit"] = limit
    return params


def _list(params: dict[str, Any]) -> Call[Page[Event]]:
    from taskmaster_api.api.events import list_events
    from taskmaster_api.models import EventList

    return make_call(list_events, EventList, convert=page_converter(params), **params)


def _ticket() -> Call[StreamTicket]:
    from taskmaster_api.api.events import create_event_stream_ticket
    from taskmaster_api.models import StreamTicket

    return make_call(create_event_stream_ticket, StreamTicket)


def _head(account_id: Any) -> Call[EventHead]:
    from taskmaster_api.api.events import get_event_head
    from taskmaster_api.models import EventHead

    return make_call(get_event_head, EventHead, **account(account_id))


def _state(client: Any, types: Any, project_id: Any, last_seq: int | None, idle: float,
           on_change: Callable[[ConnectionChange], object] | None) -> Any:  # fmt: skip
    from .._stream_state import _StreamState

    state = _StreamState(
        client.api_url,
        types=types,
        project_id=project_id,
        last_seq=last_seq,
        idle_timeout=idle,
        max_backoff=8.0,
        on_connection_change=on_change,
    )
    state.connect_options = client._pool.websocket_options(client.api_url.startswith("https:"))
    return state


def _resume(last_seq: int | None, after: int | None) -> int | None:
    if last_seq is not None and after is not None and last_seq != after:
        raise InvalidRequestError("subscribe: pass last_seq or after, not both")
    return last_seq if last_seq is not None else after


class EventsMixin(SyncRequester):
    _http: httpx.Client

    @operation("list_events")
    def list_events(
        self,
        after: int = 0,
        *,
        types: EventType | str | Sequence[EventType | str] | None = None,
        project_id: Id | None = None,
        limit: int | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPager[Event]:
        """Events with `seq` greater than `after`, oldest first, page by page.

        To poll, keep the last page's `next_after` and pass it as `after` next time. When
        `after` is older than the log's retention, `ResyncRequiredError` (410) is raised:
        fetch current state over REST, then continue from the latest seq.
        """
        params = list_params(after, types, project_id, limit, account_id)
        first: Page[Event] = self._request(_list(params), options)
        return SyncPager(first, lambda p: self._request(_list(p), options))

    @operation("get_event_head")
    def get_event_head(
        self, *, account_id: Id | None = None, **options: Unpack[RequestOptions]
    ) -> EventHead:
        """The event log's `latest_seq` (and `oldest_seq`), without reading any event: poll
        `list_events(after=head.latest_seq)` to see only what happens from now on."""
        result: EventHead = self._request(_head(account_id), options)
        return result

    @operation("create_event_stream_ticket")
    def create_event_stream_ticket(self, **options: Unpack[WriteOptions]) -> StreamTicket:
        """A single-use ticket to open the WebSocket stream without headers (browsers):
        connect to its `url` before `expires_at`. `subscribe()` takes one for each connection."""
        result: StreamTicket = self._request(_ticket(), options)
        return result

    @property
    def events(self) -> Any:  # EventStreams (private: keeps the documented surface small)
        """The WebSocket stream: `client.events.subscribe(...)` (see `EventStreams.subscribe`)."""
        return EventStreams(self._http, self)


class AsyncEventsMixin(AsyncRequester):
    _http: httpx.AsyncClient

    @operation("list_events")
    def list_events(
        self,
        after: int = 0,
        *,
        types: EventType | str | Sequence[EventType | str] | None = None,
        project_id: Id | None = None,
        limit: int | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[Event]:
        params = list_params(after, types, project_id, limit, account_id)
        return AsyncPager(
            lambda: self._request(_list(params), options),
            lambda p: self._request(_list(p), options),
        )

    @operation("get_event_head")
    async def get_event_head(
        self, *, account_id: Id | None = None, **options: Unpack[RequestOptions]
    ) -> EventHead:
        result: EventHead = await self._request(_head(account_id), options)
        return result

    @operation("create_event_stream_ticket")
    async def create_event_stream_ticket(self, **options: Unpack[WriteOptions]) -> StreamTicket:
        result: StreamTicket = await self._request(_ticket(), options)
        return result

    @property
    def events(self) -> Any:  # AsyncEventStreams
        """The WebSocket stream: `client.events.subscribe(...)`, an async iterator of events."""
        return AsyncEventStreams(self._http, self)


class EventStreams:
    """`client.events`: the account's events as a live WebSocket stream."""

    def __init__(self, http: httpx.Client, client: Any) -> None:
        self._http = http
        self._client = client

    def subscribe(
        self,
        *,
        types: EventType | str | Sequence[EventType | str] | None = None,
        project_id: Id | None = None,
        last_seq: int | None = None,
        after: int | None = None,
        idle_timeout: float = 60.0,
        on_connection_change: Callable[[ConnectionChange], object] | None = None,
    ) -> EventSubscription:
        """Live events over the WebSocket stream, as an iterator of `Event`.

        `last_seq` (or `after`, the REST feed's name for it) resumes after that seq (missed
        events are replayed first); None starts with events committed from now on: the log's
        head is read when the `with` block is entered (or iteration starts), so `last_seq` is
        known before the first connection. A dropped connection is reopened with backoff and
        resumes after `last_seq`, so nothing is lost or repeated; `ResyncRequiredError` is
        raised when the log no longer reaches back that far. No message for `idle_timeout`
        seconds (the server sends heartbeats every 15 s) counts as a drop. Each disconnect,
        reconnect and resume is logged at INFO on `taskmaster` and passed to
        `on_connection_change` as a `ConnectionChange`.
        Use it as a context manager, or call `close()` (from any thread) to stop::

            with client.events.subscribe(types=["task.completed"]) as events:
                for event in events:
                    print(event.seq, event.data["object"]["title"])
        """
        from .._stream import EventSubscription

        state = _state(self._client, types, project_id, _resume(last_seq, after), idle_timeout,
                       on_connection_change)  # fmt: skip
        return EventSubscription(self._client.with_options(max_retries=0), state)


class AsyncEventStreams:
    """`client.events`: the account's events as a live WebSocket stream."""

    def __init__(self, http: httpx.AsyncClient, client: Any) -> None:
        self._http = http
        self._client = client

    def subscribe(
        self,
        *,
        types: EventType | str | Sequence[EventType | str] | None = None,
        project_id: Id | None = None,
        last_seq: int | None = None,
        after: int | None = None,
        idle_timeout: float = 60.0,
        on_connection_change: Callable[[ConnectionChange], object] | None = None,
    ) -> AsyncEventSubscription:
        """Live events over the WebSocket stream, as an async iterator of `Event` (see the sync
        client's `subscribe`); `await aclose()` or `async with` to stop."""
        from .._stream import AsyncEventSubscription

        state = _state(self._client, types, project_id, _resume(last_seq, after), idle_timeout,
                       on_connection_change)  # fmt: skip
        return AsyncEventSubscription(self._client.with_options(max_retries=0), state)
