"""What the generated resources (`_generated/`) call: ids, the acting account, pages, bodies,
operation tags, and the base classes binding a namespace to its client."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .._call import AsyncRequester, SyncRequester
from .._exceptions import InvalidRequestError
from .._options import NO_OPTIONS
from .._pagination import Page
from .._params import (
    build_model,
    given,
    merged,
    to_datetime,
    to_enum_list,
    to_str_list,
    to_uuid,
)

if TYPE_CHECKING:
    from .._call import Call

__all__ = [
    "AsyncResource",
    "HasId",
    "Id",
    "SyncResource",
    "account",
    "body_of",
    "build_model",
    "check_filters",
    "data_of",
    "given",
    "merged",
    "operation",
    "page_converter",
    "present",
    "ref",
    "to_datetime",
    "to_enum",
    "to_enum_list",
    "to_str_list",
]

Id = uuid.UUID | str
T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)


class HasId(Protocol):
    """Anything with a UUID `id` (a Task, a Project...): accepted wherever an id is."""

    @property
    def id(self) -> uuid.UUID: ...


class SyncResource(SyncRequester):
    """A namespace of the sync client (`client.tasks`): sends through the client."""

    def __init__(self, client: SyncRequester) -> None:
        self._client = client
        self._etags = client._etags

    def _request(self, call: Call[T], options: Mapping[str, Any] = NO_OPTIONS) -> T:
        return self._client._request(call, options)


class AsyncResource(AsyncRequester):
    """A namespace of the async client (`aclient.tasks`): sends through the client."""

    def __init__(self, client: AsyncRequester) -> None:
        self._client = client
        self._etags = client._etags

    def _request(self, call: Call[T], options: Mapping[str, Any] = NO_OPTIONS) -> Awaitable[T]:
        return self._client._request(call, options)


def check_filters(data: Mapping[str, Any], known: Collection[str], what: str) -> None:
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise InvalidRequestError(
            f"{what}: unknown filter(s) {', '.join(map(repr, unknown))}; "
            f"expected some of {', '.join(sorted(known))}"
        )


def to_enum(enum_cls: type[E], value: Any, name: str) -> E:
    """An enum member from itself or its value."""
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(value)
    except ValueError:
        raise InvalidRequestError(f"{name}: {value!r} is not a known value") from None


F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")


def operation(operation_id: str) -> Callable[[F], F]:
    """Tag a client method with the spec operation it calls (read by the coverage test)."""

    def tag(method: F) -> F:
        method.__taskmaster_operation__ = operation_id  # type: ignore[attr-defined]
        return method

    return tag


def ref(value: Any, name: str) -> uuid.UUID:
    """An id argument: a UUID, its string, or an object with an `id` (a Task, a Project...)."""
    if isinstance(value, uuid.UUID | str):
        return to_uuid(value, name)
    ident = getattr(value, "id", None)
    if isinstance(ident, uuid.UUID):
        return ident
    raise InvalidRequestError(f"{name} must be a UUID, its string, or an object with an id")


def account(account_id: uuid.UUID | str | None) -> dict[str, Any]:
    """The generated `x_account_id` argument for a per-call account (`X-Account-ID`)."""
    if account_id is None:
        return {}
    return {"x_account_id": str(to_uuid(account_id, "account_id"))}


def page_converter(params: dict[str, Any]) -> Callable[[Any, Any], Page[Any]]:
    """Turns a generated list model (`TaskList`, `EventList`...) into a `Page`."""

    def convert(listing: Any, response: Any) -> Page[Any]:
        total = getattr(listing, "total", None)
        next_after = getattr(listing, "next_after", None)
        return Page(
            data=listing.data,
            has_more=listing.has_more,
            next_cursor=getattr(listing, "next_cursor", None),
            total=total if isinstance(total, int) else None,
            next_after=next_after if isinstance(next_after, int) else None,
            request=params,
        )

    return convert


def present(**kwargs: Any) -> dict[str, Any]:
    """The keyword arguments that are not None (None stands for the generated UNSET)."""
    return {k: v for k, v in kwargs.items() if v is not None}


def body_of(cls: type[M], data: Any, fields: dict[str, Any], what: str) -> M:
    """A request body from a dict and/or keywords, or a ready generated model."""
    if data is not None and not isinstance(data, Mapping):
        if fields:
            raise InvalidRequestError(f"{what}: pass a {cls.__name__} or keywords, not both")
        ready: M = build_model(cls, data, what)
        return ready
    return build_model(cls, merged(data, fields, what), what)


def data_of(listing: Any, response: Any) -> Any:
    """The `data` list of an unpaginated list model (`SubTaskList`, `AccountList`)."""
    return listing.data
