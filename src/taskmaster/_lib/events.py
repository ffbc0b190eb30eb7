"""`client.events.subscribe(...)`: the WebSocket stream, beside the generated `events.list`.

Mixed into the generated `Events`/`AsyncEvents` (named in templates/sdk/names.yaml); the
namespace's `_client` is the client whose auth, pool and httpx client the stream shares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .._exceptions import InvalidRequestError

if TYPE_CHECKING:
    from taskmaster_api.models import EventType

    from .._resources._common import HasId, Id
    from .._stream import AsyncEventSubscription, EventSubscription
    from .._stream_state import ConnectionChange

__all__ = ["AsyncEventsLib", "EventsLib"]


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


class EventsLib:
    _client: Any

    def subscribe(
        self,
        *,
        types: EventType | str | Sequence[EventType | str] | None = None,
        project_id: Id | HasId | None = None,
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
        `on_connection_change` as a `ConnectionChange`. Use it as a context manager, or call
        `close()` (from any thread) to stop::

            with client.events.subscribe(types=["task.completed"]) as events:
                for event in events:
                    print(event.seq, event.data["object"]["title"])
        """
        from .._stream import EventSubscription

        client = self._client
        state = _state(client, types, project_id, _resume(last_seq, after), idle_timeout,
                       on_connection_change)  # fmt: skip
        return EventSubscription(client.with_options(max_retries=0), state)


class AsyncEventsLib:
    _client: Any

    def subscribe(
        self,
        *,
        types: EventType | str | Sequence[EventType | str] | None = None,
        project_id: Id | HasId | None = None,
        last_seq: int | None = None,
        after: int | None = None,
        idle_timeout: float = 60.0,
        on_connection_change: Callable[[ConnectionChange], object] | None = None,
    ) -> AsyncEventSubscription:
        """Live events over the WebSocket stream, as an async iterator of `Event` (see the sync
        client's `subscribe`); `await aclose()` or `async with` to stop."""
        from .._stream import AsyncEventSubscription

        client = self._client
        state = _state(client, types, project_id, _resume(last_seq, after), idle_timeout,
                       on_connection_change)  # fmt: skip
        return AsyncEventSubscription(client.with_options(max_retries=0), state)
