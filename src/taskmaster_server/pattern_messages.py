"""What a value refused by a schema `pattern` is told, in words rather than the regex.

The spec gives every `pattern` an `x-pattern-message` (a test holds it to that), written for
the person who sent the value. A sort parameter also lists its keys in `x-sort-keys`, so a
misspelt key gets the closest one suggested, as `git` does for a mistyped command, and a list
of keys (which earlier builds accepted) is told it names several:

    '-priorty' is not a sort key (did you mean '-priority'?). Sort by one key, ...
    '-priority,title' names 2 sort keys; give one. Sort by one key, ...
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
        problem = _sort_problem(value, [str(k) for k in keys])
        if problem:
            return f"{problem} {message}"
    return message


def _sort_problem(value: str, keys: Sequence[str]) -> str | None:
    """What is wrong with a sort value, said before the rule, if more than the rule says."""
    terms = value.split(",")
    if len(terms) > 1:
        return f"{value!r} names {len(terms)} sort keys; give one."
    name = value.removeprefix("-")
    if name in keys:
        return None  # the key is fine: the rule says what is not
    if not name:
        return "An empty sort key." if value == name else f"{value!r} names no sort key."
    close = difflib.get_close_matches(name, keys, n=1, cutoff=0.6)
    sign = "-" if value.startswith("-") else ""
    hint = f" (did you mean {sign + close[0]!r}?)" if close else ""
    return f"{value!r} is not a sort key{hint}."
