"""The server's request id on what a call returns: `task._request_id` (openai-python #1707).

    task = client.get_task(task_id)
    task._request_id          # the response's X-Request-ID: quote it when reporting a problem
    client.list_tasks()._request_id                # a list call's: its first page's
    page._request_id                               # each page of `iter_pages()` its own

Every generated model has the slot (its `taskmaster_api.types.Model` base); a `Page` has the
field; a plain list (`list_subtasks`) cannot carry one, so each of its models gets it. The id
is read from the raw header list, which costs a fraction of `response.headers.get()` on the
per-call path (see benchmarks/sdk.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from ._pagination import Page

if TYPE_CHECKING:
    import httpx

    from taskmaster_api.types import Model

__all__ = ["request_id_of", "stamp_request_id"]

T = TypeVar("T")
_KEY = b"x-request-id"


def request_id_of(response: httpx.Response) -> str | None:
    """The response's `X-Request-ID`, or None."""
    headers = response.headers
    try:
        for item in headers._list:  # (raw key, lowercased key, value), all bytes
            if item[1] == _KEY:
                return item[2].decode("latin-1")
    except (AttributeError, IndexError, TypeError):  # another httpx: the public, slower way
        found: str | None = headers.get("X-Request-ID")
        return found
    return None


# The models' base, imported on the first call: importing it at start-up would import attrs,
# a large share of `import taskmaster`'s time (benchmarks/sdk.py).
_model: type[Model] | None = None


def _model_class() -> type[Model]:
    global _model
    if _model is None:
        from taskmaster_api.types import Model

        _model = Model
    return _model


def stamp_request_id(result: T, response: httpx.Response) -> T:
    """`result`, with `_request_id` set where it can hold one."""
    model = _model or _model_class()
    if isinstance(result, model):
        result._taskmaster_request_id = request_id_of(response)
    elif isinstance(result, Page):
        object.__setattr__(result, "_request_id", request_id_of(response))
    elif isinstance(result, list) and result and isinstance(result[0], model):
        request_id = request_id_of(response)
        item: Any
        for item in result:
            item._taskmaster_request_id = request_id
    return result
