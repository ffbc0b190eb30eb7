"""405 for a method the spec does not define on a path, before routing.

Starlette tries routes in order and takes the first *full* match, so ``GET /tasks/batch``
(only POST and PATCH there) would fall through to ``GET /tasks/{task_id}`` and fail as an
invalid task id. Checking the spec's own path table first answers what the spec says: the
path exists, the method does not, ``Allow: PATCH, POST``.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from taskmaster_server.openapi import ApiSpec
from taskmaster_server.problems import Problem

__all__ = ["MethodGuardMiddleware"]


class MethodGuardMiddleware:
    def __init__(self, app: ASGIApp, *, spec: ApiSpec) -> None:
        self.app = app
        self.spec = spec

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            allowed = self.spec.allowed_methods(scope["path"])
            method = scope["method"]
            if allowed and method not in allowed and not (method == "HEAD" and "GET" in allowed):
                raise Problem(
                    "method-not-allowed",
                    f"{method} is not allowed here; use {', '.join(allowed)}.",
                    headers={"Allow": ", ".join(allowed)},
                )
        await self.app(scope, receive, send)
