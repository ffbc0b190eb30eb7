"""Contains some shared types for properties"""

import datetime
import enum
import json
from collections.abc import Mapping, MutableMapping
from functools import lru_cache
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, TypeVar
from uuid import UUID

from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


# taskmaster: `UUID(value)`, each distinct string parsed once (see templates/types.py.jinja).
parse_uuid = lru_cache(maxsize=4096)(UUID)


# taskmaster: the base of every generated model (see templates/types.py.jinja).
def _json_default(value: object) -> object:
    """What `to_dict()` leaves as it is inside free-form fields (`metadata`...)."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class Model:
    """What every generated model has besides its fields."""

    __slots__ = ("_taskmaster_request_id",)
    _taskmaster_request_id: str | None  # unset until the SDK stamps a returned object

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError  # every generated model defines it

    def to_json(self, *, indent: int | None = 2) -> str:
        """The model as JSON, with the API's field names and ISO 8601 timestamps; compact with
        `indent=None`. `Model.from_dict(json.loads(text))` reads it back."""
        separators = (",", ":") if indent is None else None
        return json.dumps(
            self.to_dict(),
            indent=indent,
            separators=separators,
            ensure_ascii=False,
            default=_json_default,
        )

    @property
    def _request_id(self) -> str | None:
        """The `X-Request-ID` of the response this object came from: quote it when reporting
        a problem. None for an object built by hand."""
        try:
            return self._taskmaster_request_id
        except AttributeError:
            return None


__all__ = ["UNSET", "File", "FileTypes", "Model", "RequestFiles", "Response", "Unset", "parse_uuid"]
