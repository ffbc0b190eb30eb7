"""The event log. Its outbox and WebSocket stream are built by the events change; until then
both operations answer ``503 service-unavailable`` rather than pretending the log is empty."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from taskmaster_server.handlers._http import acting
from taskmaster_server.problems import Problem

__all__ = ["create_event_stream_ticket", "list_events"]


def _unavailable() -> Problem:
    return Problem(
        "service-unavailable",
        "The event log is not available on this server yet.",
        headers={"Retry-After": "3600"},
    )


def list_events(**_params: Any) -> Response:
    acting()
    raise _unavailable()


def create_event_stream_ticket() -> Response:
    acting()
    raise _unavailable()
