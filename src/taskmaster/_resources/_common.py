"""Helpers the resource modules share: ids, the acting account, pages, operation tags."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any, TypeVar

from .._call import Call, make_call
from .._exceptions import InvalidRequestError
from .._pagination import Page
from .._params import build_model, merged, to_uuid

__all__ = [
    "account",
    "api_call",
    "body_of",
    "data_of",
    "endpoint",
    "model",
    "operation",
    "page_converter",
    "ref",
]

F = TypeVar("F", bound=Callable[..., Any])


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


def endpoint(tag: str, operation_id: str) -> ModuleType:
    """The generated endpoint module, imported on first use (keeps `import taskmaster` light)."""
    return importlib.import_module(f"taskmaster_api.api.{tag}.{operation_id}")


def model(name: str) -> type[Any]:
    """A generated model class by name."""
    models = importlib.import_module("taskmaster_api.models")
    cls: type[Any] = getattr(models, name)
    return cls


def api_call(
    tag: str,
    operation_id: str,
    model_name: str | None,
    *args: Any,
    convert: Callable[[Any, Any], Any] | None = None,
    **kwargs: Any,
) -> Call[Any]:
    """A `Call` of `taskmaster_api.api.<tag>.<operation_id>` expecting `model_name` back.

    Keyword arguments that are None are left out (the generated code's UNSET).
    """
    present = {k: v for k, v in kwargs.items() if v is not None}
    return make_call(
        endpoint(tag, operation_id),
        None if model_name is None else model(model_name),
        *args,
        convert=convert,
        **present,
    )


def body_of(model_name: str, data: Any, fields: dict[str, Any], what: str) -> Any:
    """A request body from a dict and/or keywords, or a ready generated model."""
    cls = model(model_name)
    if data is not None and not isinstance(data, Mapping):
        if fields:
            raise InvalidRequestError(f"{what}: pass a {model_name} or keywords, not both")
        return build_model(cls, data, what)
    return build_model(cls, merged(data, fields, what), what)


def data_of(listing: Any, response: Any) -> Any:
    """The `data` list of an unpaginated list model (`SubTaskList`, `AccountList`)."""
    return listing.data
