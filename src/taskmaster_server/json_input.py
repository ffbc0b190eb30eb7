"""What the API takes as JSON, beyond well-formedness: the limits every request body and
parameter is held to before any of it reaches a handler or a database.

* Nesting at most ``MAX_DEPTH`` levels, checked on the raw text before parsing: the parser
  recurses, and a body of 100,000 ``[`` would otherwise exhaust the stack.
* Numbers finite (``1e400`` is not a double; SQLite would store ``Infinity``, which is not
  JSON), no ``NaN`` / ``Infinity`` literals, no duplicate object keys (which one wins differs
  between parsers, so a proxy and this server could read different requests).
* Text storable on every database: no NUL (PostgreSQL refuses it; SQLite stores it) and no lone
  UTF-16 surrogate (not encodable as UTF-8). Reported per field, as ``422`` with pointers.
* Date-times that exist in UTC (``9999-12-31T23:59:59-23:59`` is in year 10000 there).
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any

from taskmaster_server.problems import FieldError, Problem, field_error

__all__ = ["MAX_DEPTH", "loads", "representable_datetime", "text_errors"]

MAX_DEPTH = 64

# Only brackets matter for depth, squares and braces alike; everything else is deleted.
_SQUARE = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class _Refused(ValueError):
    """A parse hook's refusal, reported as is."""


def _too_deep(raw: bytes) -> bool:
    """Whether ``raw`` opens more than ``MAX_DEPTH`` levels, in C-speed passes only."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return False
    # Drop escapes (a backslash always starts a two-byte escape in JSON), then the strings:
    # every other piece between quotes is string content.
    unescaped = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = b"".join(unescaped.split(b'"')[::2]).translate(_SQUARE, _NOT_BRACKETS)
    # Each pass removes the innermost pairs, one level: a document of depth d is gone after
    # d passes. What stays unchanged is unbalanced ("]]][[["), and fails to parse anyway.
    for _ in range(MAX_DEPTH):
        reduced = brackets.replace(b"[]", b"")
        if len(reduced) == len(brackets):
            break
        brackets = reduced
    return b"[]" in brackets or brackets.count(b"[") > MAX_DEPTH


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _Refused(f"the number {literal[:40]} is out of range (JSON numbers are doubles)")
    return value


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not valid JSON")


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(f"the key {_printable(key)!r} appears twice in one object")
            seen.add(key)
    return document


def _bad_request(detail: str) -> Problem:
    return Problem("bad-request", f"The request body is not well-formed JSON: {detail}.")


def loads(raw: bytes) -> Any:
    """A request body as JSON within the limits above, else a ``400`` problem."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(
            "bad-request", f"The request body is not valid UTF-8 (byte {exc.start})."
        ) from None
    if _too_deep(raw):
        raise Problem(
            "bad-request", f"The request body nests deeper than {MAX_DEPTH} levels of JSON."
        )
    try:
        return json.loads(
            text, parse_float=_finite, parse_constant=_constant, object_pairs_hook=_unique
        )
    except _Refused as exc:
        raise _bad_request(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise _bad_request(exc.msg) from None
    except (ValueError, RecursionError) as exc:
        # Integers past Python's digit limit; RecursionError cannot pass the depth check.
        raise _bad_request(str(exc) or type(exc).__name__) from None


def _unstorable(text: str) -> bool:
    # str methods first: the regex is far slower than these on long text.
    return "\x00" in text or (not text.isascii() and _UNSTORABLE.search(text) is not None)


def _printable(text: str) -> str:
    return _UNSTORABLE.sub("\ufffd", text)


def _pointer_part(key: object) -> str:
    return _printable(str(key)).replace("~", "~0").replace("/", "~1")


def text_errors(instance: Any, prefix: str = "") -> list[FieldError]:
    """A ``FieldError`` for every string (value or key) holding NUL or a lone surrogate."""
    if isinstance(instance, str):
        return [_text_error(prefix, instance)] if _unstorable(instance) else []
    if not _any_unstorable(instance):
        return []
    found: list[FieldError] = []
    stack: list[tuple[str, Any]] = [(prefix, instance)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, str):
            if _unstorable(node):
                found.append(_text_error(pointer, node))
        elif isinstance(node, dict):
            for key, value in node.items():
                child = f"{pointer}/{_pointer_part(key)}"
                if _unstorable(key):
                    found.append(_text_error(child, key, is_key=True))
                stack.append((child, value))
        elif isinstance(node, list):
            stack.extend((f"{pointer}/{index}", value) for index, value in enumerate(node))
    return found


def _any_unstorable(instance: Any) -> bool:
    # The common, clean case without building a pointer per node.
    stack = [instance]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if _unstorable(node):
                return True
        elif isinstance(node, dict):
            if any(_unstorable(key) for key in node):
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _text_error(pointer: str, text: str, *, is_key: bool = False) -> FieldError:
    what = "This key" if is_key else "Text"
    if "\x00" in text:
        return field_error(pointer, f"{what} must not contain NUL (U+0000).", "nul_character")
    return field_error(
        pointer, f"{what} must not contain a lone UTF-16 surrogate (not Unicode text).", "surrogate"
    )


def representable_datetime(value: object) -> bool:
    """False for a date-time that has no UTC equivalent in years 1 to 9999."""
    if not isinstance(value, str):
        return True
    try:
        parsed = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return False
    return parsed.tzinfo is not None
