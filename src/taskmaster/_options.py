"""Per-call options, the same keywords on every high-level method, merged in one place.

    client.get_task(task_id, extra_headers={"X-Trace": "abc"}, timeout=5)
    client.create_task(title="x", extra_body={"beta_field": 1}, idempotency_key="import-7")
    client.get_task(task_id, max_retries=0)          # this call is never retried

`merge_options` is the only code that reads them: it lays them over the request the generated
endpoint built, after the generated model has checked the caller's own fields, so `extra_body`
can carry fields the spec (or this SDK version) does not know yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TypedDict

from ._exceptions import InvalidRequestError
from ._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    from ._types import TimeoutTypes

__all__ = ["NO_OPTIONS", "RAW_OPTION", "RequestOptions", "WriteOptions", "merge_options"]

# The key `with_raw_response` adds to a call's options (see `_response.py`); private, so it is
# not in the TypedDicts users see.
RAW_OPTION: Final = "_taskmaster_raw"
# The request extension the retrying transport reads a call's own `max_retries` from.
MAX_RETRIES_EXTENSION: Final = "taskmaster.max_retries"
NO_OPTIONS: Mapping[str, Any] = {}


class RequestOptions(TypedDict, total=False):
    """The keywords every high-level method accepts, besides its own.

    `extra_headers` are sent on top of (and win over) the client's and the method's headers;
    `extra_query` is added to the query string; `extra_body` is merged into the JSON body
    without being checked against the spec; `timeout` replaces the client's for this call;
    `max_retries` replaces the client's retry count for this call (0: no retry at all; None:
    the client's).
    """

    extra_headers: Mapping[str, str] | None
    extra_query: Mapping[str, Any] | None
    extra_body: Mapping[str, Any] | None
    timeout: TimeoutTypes | NotGiven
    max_retries: int | None


class WriteOptions(RequestOptions, total=False):
    """`RequestOptions` plus the `Idempotency-Key` of a write (a fresh one when left out)."""

    idempotency_key: str | None


_KNOWN = frozenset(WriteOptions.__optional_keys__) | {RAW_OPTION}


def merge_options(
    operation: str, kwargs: dict[str, Any], options: Mapping[str, Any]
) -> tuple[dict[str, Any], TimeoutTypes | NotGiven]:
    """The httpx request arguments with `options` laid over `kwargs`, and the call's timeout.

    `kwargs` (what `_get_kwargs` built) is not changed: a pager sends it again for each page.
    """
    unknown = options.keys() - _KNOWN
    if unknown:
        raise TypeError(f"{operation}() got unexpected keyword argument(s) {sorted(unknown)}")
    merged = dict(kwargs)
    headers = options.get("extra_headers")
    key = options.get("idempotency_key")
    if headers or key is not None:
        merged["headers"] = {**kwargs.get("headers", {}), **(headers or {})}
        if key is not None:
            merged["headers"]["Idempotency-Key"] = key
    query = options.get("extra_query")
    if query:
        merged["params"] = {**kwargs.get("params", {}), **query}
    body = options.get("extra_body")
    if body:
        merged["json"] = _merged_body(operation, kwargs.get("json"), body)
    retries = options.get("max_retries")
    if retries is not None:
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise InvalidRequestError(f"{operation}: max_retries must be an integer >= 0")
        merged["extensions"] = {**kwargs.get("extensions", {}), MAX_RETRIES_EXTENSION: retries}
    return merged, options.get("timeout", NOT_GIVEN)


def _merged_body(operation: str, json: Any, extra: Mapping[str, Any]) -> dict[str, Any]:
    if json is None:
        return dict(extra)
    if not isinstance(json, dict):
        raise InvalidRequestError(
            f"{operation}: extra_body needs a JSON object body, this request's is not one"
        )
    return {**json, **extra}
