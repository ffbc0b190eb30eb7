"""Keyset cursors: opaque, tied to the query they came from, stable under inserts.

A cursor holds the sort values of the last row of a page (plus its id, the tie breaker). The
next page is every row strictly after that tuple in the sort order, so rows inserted meanwhile
never shift a page the way ``OFFSET`` does.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, tuple_

from taskmaster_server.problems import Problem, field_error

__all__ = ["SortKey", "after", "decode_cursor", "encode_cursor", "query_hash"]

ValueKind = Literal["datetime", "int", "str", "uuid"]


@dataclass(frozen=True)
class SortKey:
    expression: Any
    descending: bool
    kind: ValueKind
    attribute: str  # how to read the value from a row


def query_hash(*parts: Any) -> str:
    """A short digest of what a cursor's query filtered and sorted by."""
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def _dump(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _load(value: Any, kind: ValueKind) -> Any:
    if kind == "datetime":
        return datetime.fromisoformat(str(value))
    if kind == "uuid":
        return uuid.UUID(str(value))
    if kind == "int":
        if not isinstance(value, int):
            raise ValueError("not an int")
        return value
    if not isinstance(value, str):
        raise ValueError("not a string")
    return value


def encode_cursor(digest: str, row: Any, keys: Sequence[SortKey]) -> str:
    payload = {"q": digest, "v": [_dump(getattr(row, key.attribute)) for key in keys]}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _invalid(detail: str) -> Problem:
    return Problem(
        "validation-error",
        detail,
        errors=[field_error("#/query/cursor", detail, "invalid_cursor")],
    )


def decode_cursor(raw: str, digest: str, keys: Sequence[SortKey]) -> list[Any]:
    try:
        padded = raw + "=" * (-len(raw) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        values = payload["v"]
        if payload["q"] != digest:
            raise _invalid("This cursor belongs to a query with other filters or sort.")
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError("wrong arity")
        return [_load(value, key.kind) for value, key in zip(values, keys, strict=True)]
    except Problem:
        raise
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _invalid("The cursor is not one this server issued.") from None


def after(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after ``values`` in the order given by ``keys``, all in one direction.

    A row-value comparison, which an index on the keys serves directly; mixed directions have
    no such form, and every list sorts its keys one way (tasks sort by one key, then ``id``)."""
    if len({key.descending for key in keys}) != 1:
        raise ValueError("keyset paging needs every sort key in the same direction")
    # A plain tuple on the right is bound with each column's own type.
    left = tuple_(*(key.expression for key in keys))
    right = tuple(values)
    return left < right if keys[0].descending else left > right
