"""Liveness and readiness."""

from __future__ import annotations

from starlette.responses import Response

from taskmaster_server import __version__
from taskmaster_server.handlers._http import json_response, runtime
from taskmaster_server.problems import Problem

__all__ = ["get_health", "get_readiness"]


async def get_health() -> Response:
    # On the event loop, not a handler thread (threads.py): liveness answers even while every
    # handler thread waits on a slow database.
    return json_response({"status": "ok", "version": __version__})


def get_readiness() -> Response:
    rt = runtime()
    if not rt.db.ping():
        raise Problem(
            "service-unavailable", "Not ready: database unavailable.", headers={"Retry-After": "5"}
        )
    checks = {"database": "ok"}
    if rt.settings.redis_url:
        # Without Redis the server still serves: rate limits fall back to per-process counts.
        if rt.limits.ping():
            checks["redis"] = "ok"
        else:
            checks["redis"] = "unavailable: rate limits are counted per process"
            return json_response({"status": "degraded", "checks": checks})
    return json_response({"status": "ready", "checks": checks})
