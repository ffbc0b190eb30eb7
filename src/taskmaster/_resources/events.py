"""The account's event log over REST (the WebSocket stream is a later addition)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._call import AsyncRequester, SyncRequester
from .._pagination import AsyncPager, Page, SyncPager
from .._params import to_enum_list
from .._types import NOT_GIVEN, NotGiven
from ._common import account, api_call, model, operation, page_converter, ref

if TYPE_CHECKING:
    from taskmaster_api.models import Event, EventType

    from .._types import TimeoutTypes

__all__ = ["AsyncEventsMixin", "EventsMixin"]

Id = uuid.UUID | str


def list_params(
    after: int, types: Any, project_id: Any, limit: int | None, account_id: Any
) -> dict[str, Any]:
    params: dict[str, Any] = {"after": after, **account(account_id)}
    if types is not None:
        params["types"] = to_enum_list(model("EventType"), types, "types")
    if project_id is not None:
        params["project_id"] = ref(project_id, "project_id")
    if limit is not None:
        params["limit"] = limit
    return params


def _list(params: dict[str, Any]) -> Any:
    return api_call("events", "list_events", "EventList", convert=page_converter(params), **params)


class EventsMixin(SyncRequester):
    @operation("list_events")
    def list_events(
        self,
        after: int = 0,
        *,
        types: EventType | str | Sequence[EventType | str] | None = None,
        project_id: Id | None = None,
        limit: int | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> SyncPager[Event]:
        """Events with `seq` greater than `after`, oldest first, page by page.

        To poll, keep the last page's `next_after` and pass it as `after` next time. When
        `after` is older than the log's retention, `ResyncRequiredError` (410) is raised:
        fetch current state over REST, then continue from the latest seq.
        """
        params = list_params(after, types, project_id, limit, account_id)
        first: Page[Event] = self._request(_list(params), timeout)
        return SyncPager(first, lambda p: self._request(_list(p), timeout))


class AsyncEventsMixin(AsyncRequester):
    @operation("list_events")
    def list_events(
        self,
        after: int = 0,
        *,
        types: EventType | str | Sequence[EventType | str] | None = None,
        project_id: Id | None = None,
        limit: int | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> AsyncPager[Event]:
        params = list_params(after, types, project_id, limit, account_id)
        return AsyncPager(
            lambda: self._request(_list(params), timeout),
            lambda p: self._request(_list(p), timeout),
        )
