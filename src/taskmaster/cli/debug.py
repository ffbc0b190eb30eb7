"""`--debug`: the SDK's `taskmaster` logger on stderr, and every HTTP exchange with it.

The SDK logs request lines, retries and token refreshes (`TASKMASTER_LOG=debug`); the CLI adds
the headers and bodies through a transport placed under the SDK's retry and auth layers, so each
attempt is shown as sent. Everything goes through the `taskmaster` logger, whose filter redacts
tokens, passwords and secrets; headers that carry credentials are replaced before that.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from .._logs import logger, redact, redact_headers, setup_logging

__all__ = ["LoggingTransport", "debug_logging"]

BODY_LIMIT = 2000  # characters of a body shown; the rest is summarized


class _StderrHandler(logging.Handler):
    """Writes to the `sys.stderr` of the moment (a test runner swaps it between commands)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # logging must never break the command
            self.handleError(record)


@contextmanager
def debug_logging(enabled: bool) -> Iterator[None]:
    """Show the `taskmaster` logger at DEBUG on stderr for the duration of one command."""
    if not enabled:
        yield
        return
    setup_logging()  # installs the redacting filter
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("debug: %(message)s"))
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


SECRET_KEYS = frozenset({"password", "access_token", "refresh_token", "secret", "token"})


def _hide_secrets(value: Any) -> Any:
    """A JSON value with the values of secret-named keys replaced, at any depth."""
    if isinstance(value, dict):
        return {
            k: "[redacted]" if k in SECRET_KEYS and v is not None else _hide_secrets(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_hide_secrets(v) for v in value]
    return value


def _body(content: bytes, headers: httpx.Headers) -> str:
    if not content:
        return ""
    if headers.get("content-encoding"):
        return f"<{len(content)} bytes, {headers['content-encoding']}>"
    text = content.decode("utf-8", errors="replace")
    # JSON is redacted by key, whatever the secret looks like (spaces and all) ...
    with contextlib.suppress(ValueError):
        text = json.dumps(_hide_secrets(json.loads(text)), ensure_ascii=False)
    # ... and everything by the SDK's patterns (tokens inside other text, headers).
    if len(text) > BODY_LIMIT:
        text = f"{text[:BODY_LIMIT]}... <{len(content)} bytes>"
    return redact(text)


class LoggingTransport(httpx.BaseTransport):
    """Logs each request and response (headers and body, redacted), then passes them on."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        lines = [f"> {request.method} {request.url}"]
        lines += [f"> {k}: {v}" for k, v in redact_headers(request.headers.multi_items()).items()]
        try:
            body = _body(request.content, request.headers)
        except httpx.RequestNotRead:
            body = "<streamed body>"
        logger.debug("\n".join([*lines, *([body] if body else [])]))
        response = self._inner.handle_request(request)
        try:
            raw = b"".join(response.iter_raw())
        finally:
            response.close()
        lines = [f"< {response.status_code} {response.reason_phrase}"]
        lines += [f"< {k}: {v}" for k, v in redact_headers(response.headers.multi_items()).items()]
        body = _body(raw, response.headers)
        logger.debug("\n".join([*lines, *([body] if body else [])]))
        # A new response over the bytes read: the original stream is spent.
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=raw,
            request=request,
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._inner.close()
