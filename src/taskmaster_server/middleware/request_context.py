"""The outermost middleware: request id, response headers, access log, last-resort 500.

Every response gets ``X-Request-ID`` (the client's, when it sent a sane one), the rate-limit
headers when a limit was counted, and one JSON access-log line. An exception that escapes
everything else becomes a problem+json 500 that discloses nothing.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from taskmaster_server.context import SCOPE_KEY, RequestState
from taskmaster_server.log import ACCESS_LOGGER
from taskmaster_server.problems import problem_body
from taskmaster_server.runtime import Runtime

__all__ = ["RAW_RECEIVE", "RequestContextMiddleware"]

# The server's own ``receive``, for the dispatcher to see a client disconnect while a handler
# runs (dispatch.py): inner layers may wrap it to replay a body they read.
RAW_RECEIVE = "taskmaster.receive"

_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_access = logging.getLogger(ACCESS_LOGGER)
_errors = logging.getLogger("taskmaster.errors")


def _client_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _SANE_REQUEST_ID.match(text) else None
    return None


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = _client_request_id(scope) or uuid.uuid4().hex
        state = RequestState(runtime=self.runtime, request_id=request_id)
        scope[SCOPE_KEY] = state
        scope[RAW_RECEIVE] = receive
        started = time.perf_counter()
        response: dict[str, Any] = {"status": 500, "started": False}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
                response["started"] = True
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                extra = dict(state.extra_headers)
                if state.rate is not None:
                    extra.update(state.rate.headers())
                for name, value in extra.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            _errors.exception("unhandled error", extra={"request_id": request_id})
            if not response["started"] and scope["type"] == "http":
                await self._internal_error(scope, send_with_headers, request_id)
        finally:
            if scope["type"] == "http":
                self._log(scope, state, int(response["status"]), started)

    @staticmethod
    async def _internal_error(scope: Scope, send: Send, request_id: str) -> None:
        body = problem_body(
            slug="internal-error",
            status=500,
            title="Internal server error",
            detail="The server failed to answer this request; quote the request id.",
            instance=scope.get("path", ""),
            request_id=request_id,
        )
        payload = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    @staticmethod
    def _log(scope: Scope, state: RequestState, status: int, started: float) -> None:
        _access.info(
            "%s %s %s",
            scope.get("method", ""),
            scope.get("path", ""),
            status,
            extra={
                "method": scope.get("method", ""),
                "path": scope.get("path", ""),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "request_id": state.request_id,
                "account_id": str(state.account_id) if state.account_id else None,
                "user_id": str(state.claims.user_id) if state.claims else None,
            },
        )
