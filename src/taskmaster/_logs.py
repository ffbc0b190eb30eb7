"""The `taskmaster` logger, `TASKMASTER_LOG`, and the redaction every log record goes through."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable

__all__ = ["logger", "redact", "setup_logging"]

logger = logging.getLogger("taskmaster")

# Secrets that could reach a log line through a URL, an exception message or a header dump:
# bearer tokens, JWTs (three base64url segments, the first starting with `eyJ`), refresh
# tokens (`rt_...`), webhook secrets (`whsec_...`) and password fields.
_SECRET_PATTERNS = (
    (re.compile(r"(?i)\b(bearer\s+)[^\s,;\"']+"), r"\1[redacted]"),
    (re.compile(r"\beyJ[\w-]*\.[\w-]*\.[\w-]*"), "[redacted-jwt]"),
    (re.compile(r"\brt_[\w-]{8,}"), "rt_[redacted]"),
    (re.compile(r"\bwhsec_[\w+/=]{8,}"), "whsec_[redacted]"),
    # A quoted value is redacted up to its closing quote: passwords may contain spaces.
    (
        re.compile(
            r"(?i)([\"']?(?:password|refresh_token|access_token|secret)[\"']?\s*[:=]\s*)"
            r"(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|[^\s,}&]+)"
        ),
        r"\1[redacted]",
    ),
)


def redact(text: str) -> str:
    """`text` with every token, password and secret pattern replaced."""
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers safe to log: credentials replaced, the rest verbatim."""
    hidden = {"authorization", "cookie", "set-cookie", "proxy-authorization"}
    return {k: ("[redacted]" if k.lower() in hidden else v) for k, v in headers}


class _RedactingFilter(logging.Filter):
    """Rewrites every record of the `taskmaster` logger so no secret reaches any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_configured = False


def setup_logging() -> None:
    """Install the redacting filter, and a stderr handler when `TASKMASTER_LOG` asks for one.

    `TASKMASTER_LOG=debug` shows each request and response line, retries and token refreshes;
    `info` shows retries and refreshes only. Applications that configure logging themselves
    leave the variable unset and attach their own handlers to `logging.getLogger("taskmaster")`.
    """
    global _configured
    if _configured:
        return
    _configured = True
    logger.addFilter(_RedactingFilter())
    level_name = os.environ.get("TASKMASTER_LOG", "").strip().upper()
    if level_name not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        return
    logger.setLevel(level_name)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
