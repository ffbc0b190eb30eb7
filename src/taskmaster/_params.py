"""What the high-level methods accept, and how it becomes a generated request model.

`create_task({"title": ...})`, `create_task(title=...)` and `create_task(TaskCreate(...))` are
the same call. Dicts and keywords may hold Python values (`datetime`, `UUID`, enums) or their
JSON forms (ISO strings, plain strings); they are turned into the generated model with its own
`from_dict`, so the generated code stays the only place that knows the wire format. Anything
that cannot be turned into a valid model raises `InvalidRequestError` naming the field, before a
request is sent.

The TypedDicts typing the dict forms are generated from the spec (`_generated/_params.py`);
only `BatchTaskUpdateParams`, whose `if_match` also takes a Task, is written here.
"""

# No `from __future__ import annotations` here: TypedDict needs `Required[...]` evaluated to
# know which keys are required. Names only imported for type checkers are quoted instead.
import datetime
import enum
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Required, TypeVar

from ._exceptions import InvalidRequestError
from ._generated._params import TaskCreateParams, TaskFilters, TaskUpdateParams
from ._types import NotGiven

if TYPE_CHECKING:
    from taskmaster_api.models import Task

__all__ = [
    "BatchTaskUpdateParams",
    "TaskCreateParams",
    "TaskFilters",
    "TaskUpdateParams",
    "build_model",
    "given",
    "to_uuid",
]

M = TypeVar("M")


class BatchTaskUpdateParams(TaskUpdateParams, total=False):
    """One item of `bulk_update_tasks` (`BatchTaskUpdate`): the task `id` and its changes.

    `if_match` is an ETag string, or a `Task` this client returned (its ETag is used).
    """

    id: Required[uuid.UUID | str]
    if_match: "str | Task"


def given(**fields: Any) -> dict[str, Any]:
    """The keyword arguments the caller actually passed (drops NOT_GIVEN)."""
    return {k: v for k, v in fields.items() if not isinstance(v, NotGiven)}


def merged(data: Mapping[str, Any] | None, fields: dict[str, Any], what: str) -> dict[str, Any]:
    """A dict argument and keyword arguments as one mapping (keywords win)."""
    if data is None:
        return fields
    if not isinstance(data, Mapping):
        raise InvalidRequestError(f"{what}: expected a dict, got {type(data).__name__}")
    return {**data, **fields}


def to_json(value: Any, name: str, what: str) -> Any:
    """A Python value in the JSON form the generated `from_dict` reads."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidRequestError(
                f"{what}: {name} is a naive datetime; pass a timezone-aware one "
                "(e.g. datetime.now(timezone.utc))"
            )
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    return value


def field_names(model: type[Any]) -> frozenset[str]:
    cached: frozenset[str] | None = getattr(model, "__taskmaster_fields__", None)
    if cached is None:
        import attrs

        cached = frozenset(f.name for f in attrs.fields(model) if f.name != "additional_properties")
        model.__taskmaster_fields__ = cached
    return cached


def build_model(model: type[M], data: Mapping[str, Any] | M, what: str) -> M:
    """`data` as an instance of the generated `model`, or InvalidRequestError saying why not."""
    if isinstance(data, model):
        return data
    if not isinstance(data, Mapping):
        raise InvalidRequestError(
            f"{what}: expected a dict or {model.__name__}, got {type(data).__name__}"
        )
    known = field_names(model)
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidRequestError(
            f"{what}: unknown field(s) {', '.join(map(repr, unknown))}; "
            f"expected some of {', '.join(sorted(known))}"
        )
    payload = {k: to_json(v, k, what) for k, v in data.items()}
    try:
        return model.from_dict(payload)  # type: ignore[attr-defined,no-any-return]
    except KeyError as exc:
        raise InvalidRequestError(f"{what}: missing required field {exc.args[0]!r}") from None
    except (ValueError, TypeError, AttributeError) as exc:
        raise InvalidRequestError(f"{what}: {exc}") from None


def to_uuid(value: uuid.UUID | str, name: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidRequestError(f"{name} must be a UUID, got {value!r}") from None


def to_datetime(value: datetime.datetime | str, name: str) -> datetime.datetime:
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise InvalidRequestError(
                f"{name} must be an ISO 8601 date-time, got {value!r}"
            ) from None
    if not isinstance(value, datetime.datetime):
        raise InvalidRequestError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRequestError(f"{name} is a naive datetime; pass a timezone-aware one")
    return value


def to_enum_list(enum_cls: type[enum.Enum], value: Any, name: str) -> list[Any]:
    values = [value] if isinstance(value, str | enum.Enum) else list(value)
    try:
        return [v if isinstance(v, enum_cls) else enum_cls(v) for v in values]
    except ValueError:
        raise InvalidRequestError(f"{name}: {value!r} is not a known value") from None


def to_str_list(value: str | Sequence[str], name: str) -> list[str]:
    values = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(v, str) for v in values):
        raise InvalidRequestError(f"{name} must be a string or a list of strings")
    return values
