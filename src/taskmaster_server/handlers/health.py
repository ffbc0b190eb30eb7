"""Liveness and readiness."""

from __future__ import annotations

from starlette.responses import Response

from taskmaster_server import __version__
from taskmaster_server.handlers._http import json_response, runtime
from taskmaster_server.problems import Problem

__all__ = ["get_health", "get_readiness"]


def get_health() -> Response:
    return json_response({"status": "ok", "version": __version__})


def get_readiness() -> Response:
    rt = runtime()
    checks = {"database": "ok" if rt.db.ping() else "unavailable"}
    if rt.settings.redis_url:
        checks["redis"] = "ok" if rt.limits.ping() else "unavailable"
    if all(value == "ok" for value in checks.values()):
        return json_response({"status": "ready", "checks": checks})
    failing = ", ".join(name for name, value in checks.items() if value != "ok")
    raise Problem(
        "service-unavailable", f"Not ready: {failing} unavailable.", headers={"Retry-After": "5"}
    )
