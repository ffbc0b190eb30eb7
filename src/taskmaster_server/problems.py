"""RFC 9457 problem details: the one error shape of the API.

``Problem`` is an exception carrying a problem type (a slug from the wire contract in
DEVELOPERS.md), a status, a detail and optional field errors and headers. Anything raised as a
``Problem`` anywhere below the exception middleware becomes an ``application/problem+json``
response with the request id in it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from connexion.exceptions import ProblemException

__all__ = [
    "PROBLEM_BASE",
    "FieldError",
    "Problem",
    "field_error",
    "problem_body",
]

PROBLEM_BASE = "https://taskmaster.dev/problems/"

# slug -> (status, title). The slugs are the wire contract; the SDK maps them to exceptions.
PROBLEM_TYPES: dict[str, tuple[int, str]] = {
    "bad-request": (400, "Bad request"),
    "unauthorized": (401, "Unauthorized"),
    "forbidden": (403, "Forbidden"),
    "not-found": (404, "Not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "conflict": (409, "Conflict"),
    "idempotency-in-progress": (409, "Idempotent request in progress"),
    "gone": (410, "Gone"),
    "resync-required": (410, "Resync required"),
    "precondition-failed": (412, "Precondition failed"),
    "payload-too-large": (413, "Payload too large"),
    "unsupported-media-type": (415, "Unsupported media type"),
    "validation-error": (422, "Validation failed"),
    "idempotency-key-reused": (422, "Idempotency key reused"),
    "precondition-required": (428, "Precondition required"),
    "rate-limited": (429, "Too many requests"),
    "internal-error": (500, "Internal server error"),
    "not-implemented": (501, "Not implemented"),
    "service-unavailable": (503, "Service unavailable"),
}

# A status without a more specific slug maps to the generic one for its code.
_SLUG_FOR_STATUS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    410: "gone",
    412: "precondition-failed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation-error",
    428: "precondition-required",
    429: "rate-limited",
    501: "not-implemented",
    503: "service-unavailable",
}


class FieldError(TypedDict):
    pointer: str
    detail: str
    code: str


def field_error(pointer: str, detail: str, code: str) -> FieldError:
    return {"pointer": pointer, "detail": detail, "code": code}


class Problem(ProblemException):  # type: ignore[misc]  # connexion is untyped
    """An error answered as ``application/problem+json``.

    ``Problem("not-found", "No task 42 in this account.")`` is the whole usage; the status and
    title come from the slug.
    """

    def __init__(
        self,
        slug: str,
        detail: str,
        *,
        errors: Sequence[FieldError] | None = None,
        headers: Mapping[str, str] | None = None,
        status: int | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        default_status, title = PROBLEM_TYPES[slug]
        super().__init__(
            status=status or default_status,
            title=title,
            detail=detail,
            type=PROBLEM_BASE + slug,
            headers=dict(headers or {}),
        )
        self.slug = slug
        self.errors = list(errors) if errors else []
        # Members the spec's `Problem` schema defines for this type (e.g. `latest_seq`).
        self.extensions = dict(extensions or {})

    @classmethod
    def for_status(cls, status: int, detail: str, **kwargs: Any) -> Problem:
        """The generic problem for an HTTP status (500 for anything unknown)."""
        slug = _SLUG_FOR_STATUS.get(status, "internal-error")
        return cls(slug, detail, status=status if slug != "internal-error" else 500, **kwargs)

    def body(self, *, instance: str, request_id: str) -> dict[str, Any]:
        return problem_body(
            slug=self.slug,
            status=self.status,
            title=self.title or PROBLEM_TYPES[self.slug][1],
            detail=self.detail or "",
            instance=instance,
            request_id=request_id,
            errors=self.errors,
            extensions=self.extensions,
        )

    def __repr__(self) -> str:
        return f"Problem({self.slug!r}, {self.detail!r}, status={self.status})"


def problem_body(
    *,
    slug: str,
    status: int,
    title: str,
    detail: str,
    instance: str,
    request_id: str,
    errors: Sequence[FieldError] = (),
    extensions: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "request_id": request_id,
    }
    if errors:
        body["errors"] = list(errors)
    if extensions:
        body.update(extensions)
    return body
