"""Reading JSON from the server: strict (no NaN/Infinity), and never a raw RecursionError.

Python's `json` accepts `NaN`, `Infinity` and `-Infinity`, which RFC 8259 does not, and raises
`RecursionError` on a deeply nested body. Both are the server's fault, so both become the
`ValueError` every parse path of the SDK already turns into `APIResponseValidationError`.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["PARSE_ERRORS", "check_constants", "loads"]

# What the generated `_parse_response`/`from_dict` raise on a body that does not match the spec.
PARSE_ERRORS = (ValueError, KeyError, TypeError, AttributeError, RecursionError)


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads(content: bytes | str) -> Any:
    """`json.loads`, refusing NaN/Infinity; a too-deep body raises `ValueError`."""
    try:
        return json.loads(content, parse_constant=_refuse)
    except RecursionError:
        raise ValueError("the JSON body is nested too deeply") from None


def check_constants(content: bytes) -> None:
    """Raise `ValueError` if `content` holds a NaN/Infinity literal (outside strings)."""
    # A non-standard constant can only appear if `NaN` or `Infinity` does: two C-speed scans,
    # so a normal body is parsed once, by the generated code, as before.
    if b"NaN" in content or b"Infinity" in content:
        loads(content)
