"""The `taskmaster` logger, `TASKMASTER_LOG`, and the redaction every log record goes through
(the patterns are in `_redaction.py`, shared with the server)."""

from __future__ import annotations

import logging
import os

from ._redaction import redact, redact_headers

__all__ = ["logger", "redact", "redact_headers", "setup_logging"]

logger = logging.getLogger("taskmaster")


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
