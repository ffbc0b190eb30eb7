"""What a value refused by a schema `pattern` is told, in words rather than the regex.

The spec gives every `pattern` an `x-pattern-message` (a test holds it to that), written for
the person who sent the value. A sort parameter also lists its keys in `x-sort-keys`, so a
misspelt key gets the closest one suggested, as `git` does for a mistyped command:

    '-priorty' is not a sort key (did you mean '-priority'?). Sort by up to 3 ...
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["pattern_detail"]

MESSAGE_KEY = "x-pattern-message"
SORT_KEYS_KEY = "x-sort-keys"


def pattern_detail(schema: Mapping[str, Any], value: object) -> str | None:
    """The message for `value` refused by `schema`'s pattern; None if the spec gives none."""
    message = schema.get(MESSAGE_KEY)
    if not isinstance(message, str):
        return None
    message = " ".join(message.split())
    keys = schema.get(SORT_KEYS_KEY)
    if isinstance(keys, list) and isinstance(value, str):
        unknown = _unknown_sort_key(value, [str(k) for k in keys])
        if unknown:
            return f"{unknown} {message}"
    return message


def _unknown_sort_key(value: str, keys: Sequence[str]) -> str | None:
    """What is wrong with the first bad term of a comma-separated sort value, if one is."""
    for term in value.split(","):
        name = term.removeprefix("-")
        if name in keys:
            continue
        if not name:
            return "An empty sort key." if term == name else f"{term!r} names no sort key."
        close = difflib.get_close_matches(name, keys, n=1, cutoff=0.6)
        sign = "-" if term.startswith("-") else ""
        hint = f" (did you mean {sign + close[0]!r}?)" if close else ""
        return f"{term!r} is not a sort key{hint}."
    return None  # the keys are known: too many of them, and the message says how many
