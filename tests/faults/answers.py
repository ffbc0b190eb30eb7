"""The responses the fault proxy writes itself, shaped like the ones a client meets in production.

The 503 and 429 look like the reference server's (RFC 9457 problem+json, `Retry-After`,
`RateLimit`) because that is what sheds load in production; the 502 and 504 are HTML, like the
gateway in front of it would send, so clients are also exercised on error bodies that are not JSON.
"""

from __future__ import annotations

import json
import uuid
from http import HTTPStatus

from tests.faults.http11 import Request
from tests.faults.plan import Fault, FaultPlan

__all__ = ["FAULT_HEADER", "error_answer", "fault_answer"]

_PROBLEM_BASE = "https://taskmaster.dev/problems/"

#: Marks every answer the proxy made up, so a failing test's log tells them from real ones.
FAULT_HEADER = "X-Fault-Injected"


def _request_id(request: Request | None) -> str:
    echoed = request.head.get("X-Request-ID") if request is not None else None
    return echoed or f"fault-proxy-{uuid.uuid4().hex}"


def _encode(
    status: HTTPStatus,
    headers: list[tuple[str, str]],
    body: bytes,
    *,
    close: bool,
) -> bytes:
    lines = [
        f"HTTP/1.1 {status.value} {status.phrase}",
        *(f"{name}: {value}" for name, value in headers),
        f"Content-Length: {len(body)}",
        f"Connection: {'close' if close else 'keep-alive'}",
        "",
        "",
    ]
    return "\r\n".join(lines).encode("latin-1") + body


def _problem(
    status: HTTPStatus,
    slug: str,
    request: Request,
    retry_after: int,
    extra: list[tuple[str, str]],
    *,
    close: bool,
) -> bytes:
    request_id = _request_id(request)
    body = {
        "type": _PROBLEM_BASE + slug,
        "title": status.phrase,
        "status": status.value,
        "detail": "Injected by the test fault proxy.",
        "request_id": request_id,
    }
    headers = [
        ("Content-Type", "application/problem+json"),
        ("Retry-After", str(retry_after)),
        ("X-Request-ID", request_id),
        *extra,
    ]
    if status is HTTPStatus.TOO_MANY_REQUESTS:
        headers += [
            ("RateLimit", f'"default";r=0;t={retry_after}'),
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", str(retry_after)),
        ]
    return _encode(status, headers, json.dumps(body).encode(), close=close)


def _html(
    status: HTTPStatus, request: Request | None, extra: list[tuple[str, str]], *, close: bool
) -> bytes:
    title = f"{status.value} {status.phrase}"
    body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>\n"
    headers = [("Content-Type", "text/html"), ("X-Request-ID", _request_id(request)), *extra]
    return _encode(status, headers, body.encode(), close=close)


def fault_answer(fault: Fault, plan: FaultPlan, request: Request, *, close: bool) -> bytes:
    """The whole response for a fault answered before forwarding (503, 502 or 429)."""
    marker = [(FAULT_HEADER, fault.value)]
    if fault is Fault.SERVICE_UNAVAILABLE:
        status, slug = HTTPStatus.SERVICE_UNAVAILABLE, "service-unavailable"
        retry_after = plan.service_unavailable_retry_after
        return _problem(status, slug, request, retry_after, marker, close=close)
    if fault is Fault.RATE_LIMITED:
        status, slug = HTTPStatus.TOO_MANY_REQUESTS, "rate-limited"
        retry_after = plan.rate_limited_retry_after
        return _problem(status, slug, request, retry_after, marker, close=close)
    if fault is Fault.BAD_GATEWAY:
        return _html(HTTPStatus.BAD_GATEWAY, request, marker, close=close)
    raise ValueError(f"{fault} is not answered before forwarding")


def error_answer(status: HTTPStatus, request: Request | None) -> bytes:
    """A real gateway error (upstream down or timed out, or a malformed request); it closes."""
    return _html(status, request, [], close=True)
