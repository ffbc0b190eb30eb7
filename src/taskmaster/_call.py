"""One API call as data (`Call`), built without I/O and run by a client shell.

A resource method builds a `Call` from the generated endpoint module (`_get_kwargs` makes the
request, `_parse_response` reads the answer), hands it to its client's `_request`, and returns
what the client made of the response. The sync and async shells differ only in how they send.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._exceptions import InvalidRequestError
from ._options import NO_OPTIONS

if TYPE_CHECKING:
    import httpx

__all__ = ["AsyncRequester", "Call", "ETagCache", "SyncRequester"]

T = TypeVar("T")


@dataclass(slots=True)
class Call(Generic[T]):
    """A request to make and how to read its success.

    `model` is the class the generated parser must return (None: the success has no body).
    `convert(parsed, response)` turns the parsed model into what the method returns (a list
    model into a `Page`, a batch result into a `BulkResult` chunk...).
    `etag` records the response's ETag for the returned task. `not_modified` is returned on 304.
    """

    endpoint: ModuleType
    kwargs: dict[str, Any]
    model: type[Any] | None
    convert: Callable[[Any, httpx.Response], T] | None = None
    etag: bool = False
    not_modified: Any = None

    @property
    def operation(self) -> str:
        return self.endpoint.__name__.rpartition(".")[2]


def make_call(
    endpoint: ModuleType,
    model: type[Any] | None,
    *args: Any,
    convert: Callable[[Any, httpx.Response], T] | None = None,
    etag: bool = False,
    not_modified: Any = None,
    **kwargs: Any,
) -> Call[T]:
    """A `Call` whose request the generated endpoint builds from `args` and `kwargs`."""
    request = endpoint._get_kwargs(*args, **kwargs)
    if not request.get("params", True):
        # httpx re-parses the URL to merge even an empty params dict: a measurable share of
        # a GET's client CPU (see benchmarks/sdk.py).
        del request["params"]
    return Call(
        endpoint=endpoint,
        kwargs=request,
        model=model,
        convert=convert,
        etag=etag,
        not_modified=not_modified,
    )


class ETagCache:
    """The ETag the server sent with each recent task version, so `if_match=task` works.

    ETags are opaque: the SDK never builds one, it remembers what it was given, keyed by the
    task's id and version, for the last `size` versions seen.
    """

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._etags: dict[tuple[uuid.UUID | str, int], str] = {}
        self._lock = threading.Lock()  # eviction iterates the dict; threads share the client

    @staticmethod
    def _key(obj: Any) -> tuple[uuid.UUID | str, int] | None:
        version = getattr(obj, "version", None)
        ident = getattr(obj, "id", None)
        if not isinstance(version, int) or ident is None:
            return None
        if isinstance(ident, uuid.UUID):  # a parsed model's: no str() on every response
            return (ident, version)
        try:  # an id given as text matches the same task's UUID
            return (uuid.UUID(str(ident)), version)
        except ValueError:
            return (str(ident), version)

    def remember(self, obj: Any, etag: str) -> None:
        key = self._key(obj)
        if key is None:
            return
        with self._lock:
            self._etags[key] = etag
            if len(self._etags) > self._size:
                del self._etags[next(iter(self._etags))]

    def get(self, obj: Any) -> str | None:
        key = self._key(obj)
        return None if key is None else self._etags.get(key)


class _Requester:
    """What every resource mixin uses: the client's ETag memory."""

    _etags: ETagCache

    def _etag_for(self, value: Any, what: str) -> str:
        """An If-Match value: an ETag string as given, or the ETag known for a Task."""
        if isinstance(value, str):
            return value
        etag = self._etags.get(value)
        if etag is None:
            raise InvalidRequestError(
                f"{what}: no ETag is known for this task version; pass the ETag string, or a "
                "Task returned by this client (get_task, create_task, update_task)"
            )
        return etag


class SyncRequester(_Requester):
    """What the sync resource mixins need from their client."""

    def _request(self, call: Call[T], options: Mapping[str, Any] = NO_OPTIONS) -> T:
        raise NotImplementedError


class AsyncRequester(_Requester):
    """What the async resource mixins need from their client."""

    def _request(self, call: Call[T], options: Mapping[str, Any] = NO_OPTIONS) -> Awaitable[T]:
        raise NotImplementedError
