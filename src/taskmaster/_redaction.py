"""The one list of secret patterns, for the SDK's logs and the reference server's alike.

`taskmaster_server.log` imports `redact` from here (the server ships in the same distribution
and depends on the SDK), so a secret format added to the API is hidden on both sides at once;
`tests/sdk/test_redaction.py` checks that both use this list.

Secrets that could reach a log line through a URL, an exception message or a header dump:
bearer tokens, JWTs (three base64url segments, the first starting with `eyJ`), the opaque
tokens (`rt_` refresh tokens, `whsec_` webhook secrets, `tk_` stream tickets) and `key=value`
or JSON fields named like a secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["SECRET_PATTERNS", "redact", "redact_headers"]

REDACTED = "[redacted]"

SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer\s+)[^\s,;\"']+"), rf"\1{REDACTED}"),
    (re.compile(r"eyJ[\w-]*\.[\w-]*\.[\w-]*"), "[redacted-jwt]"),
    (re.compile(r"\b(rt|whsec|tk)_[\w+/=-]+"), rf"\1_{REDACTED}"),
    # A quoted value is redacted up to its closing quote: passwords may contain spaces.
    (
        re.compile(
            r"(?i)([\"']?(?:password|refresh_token|access_token|secret|ticket|token)[\"']?"
            r"\s*[:=]\s*)"
            r"(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|[^\s,}&]+)"
        ),
        rf"\1{REDACTED}",
    ),
)

# Every pattern above needs one of these words: one search clears most texts (an access-log
# line's fields) instead of four substitutions each.
_MAY_HOLD_SECRET = re.compile(r"(?i)bearer|eyJ|(?:rt|whsec|tk)_|password|token|secret|ticket")

_HIDDEN_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization"})


def redact(text: str) -> str:
    """`text` with every token, password and secret pattern replaced."""
    if not _MAY_HOLD_SECRET.search(text):
        return text
    for pattern, replacement in SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers safe to log: credentials replaced, the rest verbatim."""
    return {k: (REDACTED if k.lower() in _HIDDEN_HEADERS else v) for k, v in headers}
