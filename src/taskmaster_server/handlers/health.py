"""Liveness and readiness."""

from __future__ import annotations

import anyio
import anyio.to_thread
from starlette.responses import Response

from taskmaster_server import __version__
from taskmaster_server.errors import retry_later
from taskmaster_server.handlers._http import json_response, runtime
from taskmaster_server.runtime import Runtime

__all__ = ["READY_TIMEOUT", "get_health", "get_readiness"]

# A load balancer's probe gives up after a second or two; the answer comes before that.
READY_TIMEOUT = 0.8


async def get_health() -> Response:
    # On the event loop, not a handler thread (threads.py): liveness answers even while every
    # handler thread waits on a slow database.
    return json_response({"status": "ok", "version": __version__})


async def get_readiness() -> Response:
    # On the probes' own threads and the database's own probe connection (db/session.py), and
    # bounded: a load balancer that probes while rows are locked, or while every handler
    # waits, must not take the replica out of service. A check that does not finish in time
    # is left to finish on its thread; the answer is "not ready".
    rt = runtime()
    checks: dict[str, str] | None = None
    with anyio.move_on_after(READY_TIMEOUT):
        checks = await anyio.to_thread.run_sync(
            _check, rt, abandon_on_cancel=True, limiter=rt.threads.limiter("probes")
        )
    if checks is None or checks["database"] != "ok":
        raise retry_later("Not ready: database unavailable.")
    if "redis" in checks and checks["redis"] != "ok":
        return json_response({"status": "degraded", "checks": checks})
    return json_response({"status": "ready", "checks": checks})


def _check(rt: Runtime) -> dict[str, str]:
    if not rt.db.ping(timeout=READY_TIMEOUT):
        return {"database": "unavailable"}
    checks = {"database": "ok"}
    if rt.settings.redis_url:
        # Without Redis the server still serves: rate limits fall back to per-process counts.
        if rt.limits.ping():
            checks["redis"] = "ok"
        else:
            checks["redis"] = "unavailable: rate limits are counted per process"
    return checks
