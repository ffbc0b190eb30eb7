"""Exception handlers: every error leaves the server as an RFC 9457 problem.

Installed on connexion's exception middleware, they turn ``Problem``s, connexion's own problem
exceptions (401 from the security check, 415 from content negotiation, response-validation
failures), Starlette's 404/405 and any other exception into ``application/problem+json`` with
the request id, and never put internals (tracebacks, schemas) in a response.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from connexion.exceptions import NonConformingResponse, ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from taskmaster_server.context import SCOPE_KEY, RequestState
from taskmaster_server.db.outage import RETRY_AFTER_MS, RETRY_AFTER_SECONDS, retry_reason
from taskmaster_server.openapi import ApiSpec
from taskmaster_server.problems import Problem

__all__ = ["ErrorHandlers", "retry_later"]

_log = logging.getLogger("taskmaster.errors")
_ANNOUNCED = frozenset({"service-unavailable", "not-implemented"})


def _request_id(request: ConnexionRequest) -> str:
    state = request.scope.get(SCOPE_KEY)
    return state.request_id if isinstance(state, RequestState) else ""


def render(request: ConnexionRequest, problem: Problem) -> ConnexionResponse:
    body = problem.body(instance=request.url.path, request_id=_request_id(request))
    headers: dict[str, Any] = dict(problem.headers or {})
    if problem.status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer error="invalid_token"')
    return ConnexionResponse(
        status_code=problem.status,
        mimetype="application/problem+json",
        content_type="application/problem+json",
        body=json.dumps(body),
        headers=headers,
    )


class ErrorHandlers:
    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec

    def problem(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        if isinstance(exc, Problem):
            # A 503 is the server shedding load or waiting for a dependency, and a 501 an
            # operation named in the start-up warning (resolver.py): each said on purpose and
            # logged where it is decided; one error line per refused request would turn a flood
            # of requests into a flood of logs.
            if exc.status >= 500 and exc.slug not in _ANNOUNCED:
                _log.error("%r", exc, extra={"request_id": _request_id(request)})
            return render(request, exc)
        if isinstance(exc, NonConformingResponse):
            # A handler drifted from the spec: a bug of ours, logged in full, answered bare.
            _log.error(
                "response does not conform to the spec: %s",
                exc.detail,
                extra={"request_id": _request_id(request)},
            )
            return render(request, _internal())
        assert isinstance(exc, ProblemException)
        status = int(exc.status or 500)
        if status >= 500:
            _log.error("%r", exc, extra={"request_id": _request_id(request)})
            return render(request, _internal())
        detail = str(exc.detail or exc.title or "")
        if status == 401:
            detail = "Missing or invalid access token."
        return render(request, Problem.for_status(status, detail, headers=exc.headers))

    def http(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return render(request, Problem("not-found", f"No route {request.url.path}."))
        if exc.status_code == 405:
            allowed = self.spec.allowed_methods(request.url.path)
            return render(
                request,
                Problem(
                    "method-not-allowed",
                    f"{request.method} is not allowed here; use {', '.join(allowed)}.",
                    headers={"Allow": ", ".join(allowed)},
                ),
            )
        return render(request, Problem.for_status(exc.status_code, str(exc.detail)))

    def unexpected(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        reason = retry_reason(exc)
        if reason is not None:
            _log.warning(
                "database wait ended: %s (%s)",
                type(exc).__name__,
                getattr(getattr(exc, "orig", None), "sqlstate", None) or "no sqlstate",
                extra={"request_id": _request_id(request)},
            )
            return render(request, retry_later(reason))
        _log.error("unhandled error", exc_info=exc, extra={"request_id": _request_id(request)})
        return render(request, _internal())


def retry_later(detail: str) -> Problem:
    """503 with ``Retry-After``: the request may succeed if sent again (db/outage.py)."""
    return Problem(
        "service-unavailable",
        detail,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Retry-After-Ms": str(RETRY_AFTER_MS)},
    )


def _internal() -> Problem:
    return Problem(
        "internal-error", "The server failed to answer this request; quote the request id."
    )
