"""Every exception the SDK raises, and the one function that maps a response to one.

    TaskMasterError                   anything raised by this SDK
    ├── InvalidRequestError           bad arguments, caught before sending (also a ValueError)
    ├── WebhookVerificationError      a webhook delivery that is not authentic (taskmaster.webhooks)
    ├── BulkError                     BulkResult.raise_for_failures() (in _bulk.py)
    └── APIError                      something went wrong talking to the API
        ├── APIStatusError            the API answered 4xx/5xx (status_code, problem, request_id)
        │   ├── ValidationError             400, 422 (field errors from the problem's `errors[]`)
        │   ├── AuthenticationError         401
        │   ├── PermissionDeniedError       403
        │   ├── NotFoundError               404
        │   ├── ConflictError               409
        │   ├── ResyncRequiredError         410 (the event log no longer reaches back that far)
        │   ├── PreconditionFailedError     412 (stale If-Match; nothing was written)
        │   ├── RateLimitError              429 (retry_after)
        │   └── ServerError                 5xx
        ├── APIResponseValidationError      a response that does not match the spec
        │                                   (non-JSON body, missing field, unknown status)
        └── APIConnectionError              no response: DNS, refused, reset, TLS ...
            └── APITimeoutError             ... or the timeout ran out

Other 4xx statuses (405, 413, 415, 428 ...) raise `APIStatusError` itself. Every message names
the request id, which the server logs too: quote it when reporting a problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._json import loads

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "ConflictError",
    "InvalidField",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "RateLimitError",
    "ResyncRequiredError",
    "ServerError",
    "TaskMasterError",
    "ValidationError",
    "error_for_problem",
    "error_from_response",
]

REQUEST_ID_HEADER = "X-Request-ID"


class TaskMasterError(Exception):
    """Base class of every exception raised by the SDK."""


class InvalidRequestError(TaskMasterError, ValueError):
    """The arguments cannot make a valid request (unknown field, malformed id, naive datetime).

    Raised before anything is sent. It is also a `ValueError`, as Python code expects.
    """


class APIError(TaskMasterError):
    """A request to the API failed. `request_id` names it in the server's logs."""

    message: str
    request: httpx.Request | None
    request_id: str | None

    def __init__(
        self, message: str, *, request: httpx.Request | None, request_id: str | None = None
    ) -> None:
        if request_id is None and request is not None:
            request_id = request.headers.get(REQUEST_ID_HEADER)
        self.message = message
        self.request = request
        self.request_id = request_id
        super().__init__(_with_request_id(message, request_id))


@dataclass(frozen=True, slots=True)
class InvalidField:
    """One entry of a validation problem's `errors[]`: which input is wrong and why.

    A plain view rather than the generated `FieldError` model, so that `code` reads as `None`
    (never `Unset`) and errors can be built without importing the generated package.
    """

    pointer: str
    detail: str
    code: str | None = None

    def __str__(self) -> str:
        return f"{self.pointer}: {self.detail}"


class APIStatusError(APIError):
    """The API answered with an error status and (usually) an RFC 9457 problem."""

    status_code: int
    response: httpx.Response
    problem: dict[str, Any] | None

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        problem: dict[str, Any] | None,
        status_code: int | None = None,
    ) -> None:
        self.response = response
        self.status_code = response.status_code if status_code is None else status_code
        self.problem = problem
        request_id = _problem_str(problem, "request_id") or response.headers.get(REQUEST_ID_HEADER)
        super().__init__(message, request=_request_of(response), request_id=request_id)

    @property
    def type(self) -> str | None:
        """The problem type URI, e.g. `https://taskmaster.dev/problems/not-found`."""
        return _problem_str(self.problem, "type")

    @property
    def title(self) -> str | None:
        return _problem_str(self.problem, "title")

    @property
    def detail(self) -> str | None:
        return _problem_str(self.problem, "detail")

    @property
    def errors(self) -> list[InvalidField]:
        """Field-level errors (validation problems carry them; others an empty list)."""
        raw = (self.problem or {}).get("errors")
        if not isinstance(raw, list):
            return []
        return [
            InvalidField(
                pointer=str(item.get("pointer", "")),
                detail=str(item.get("detail", "")),
                code=item["code"] if isinstance(item.get("code"), str) else None,
            )
            for item in raw
            if isinstance(item, dict)
        ]


class ValidationError(APIStatusError):
    """400 or 422: the request was malformed or invalid. See `errors` for each field."""


class AuthenticationError(APIStatusError):
    """401: no valid credentials, and none that the SDK could renew them with."""


class PermissionDeniedError(APIStatusError):
    """403: authenticated, but not allowed (a viewer writing, a foreign account)."""


class NotFoundError(APIStatusError):
    """404: no such object in the acting account."""


class ConflictError(APIStatusError):
    """409: a conflicting state (e.g. the same Idempotency-Key is still being processed)."""


class ResyncRequiredError(APIStatusError):
    """410: the event log cannot continue from that seq (retention cut it, or it is beyond the
    log after a restore): fetch current state, then resume after `latest_seq`."""

    @property
    def latest_seq(self) -> int | None:
        """The event log's latest seq when the server answered: where to resume after."""
        return _problem_int(self.problem, "latest_seq")

    @property
    def oldest_seq(self) -> int | None:
        """The oldest seq the event log still keeps."""
        return _problem_int(self.problem, "oldest_seq")


class PreconditionFailedError(APIStatusError):
    """412: the If-Match ETag is stale; nothing was written."""


class RateLimitError(APIStatusError):
    """429: too many requests. `retry_after` is the wait the server asked for, in seconds."""

    @property
    def retry_after(self) -> float | None:
        from ._retry import parse_retry_after

        return parse_retry_after(self.response.headers.get("Retry-After"))


class ServerError(APIStatusError):
    """5xx: the server failed; a retry may succeed (the SDK already retried `retry_on`)."""


class APIResponseValidationError(APIError):
    """The response does not match the spec: not JSON, a missing field, an unknown status."""

    response: httpx.Response
    status_code: int

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        request_id = response.headers.get(REQUEST_ID_HEADER)
        super().__init__(message, request=_request_of(response), request_id=request_id)


class APIConnectionError(APIError):
    """No response arrived: the connection failed or broke. Retries were already made."""

    def __init__(self, message: str = "Connection error.", *, request: httpx.Request) -> None:
        super().__init__(message, request=request)


class APITimeoutError(APIConnectionError):
    """The request timed out (after the retries the policy allowed)."""

    def __init__(self, message: str = "Request timed out.", *, request: httpx.Request) -> None:
        super().__init__(message, request=request)


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    410: ResyncRequiredError,
    412: PreconditionFailedError,
    422: ValidationError,
    429: RateLimitError,
}


def error_class_for_status(status_code: int) -> type[APIStatusError]:
    """The exception class for an error status (400-599)."""
    if status_code >= 500:
        return ServerError
    return _STATUS_ERRORS.get(status_code, APIStatusError)


def error_from_response(response: httpx.Response) -> APIError:
    """The exception for a response that is not a success. Pure: reads only `response`.

    The status decides the class, whatever the body: a 404 from a proxy in HTML is still a
    `NotFoundError` (with `problem=None`). Statuses that are neither success nor error (1xx,
    3xx: the SDK follows no redirects) mean the response is not what the spec promised.
    """
    status = response.status_code
    if status < 400 or status > 599:
        return APIResponseValidationError(
            f"Unexpected HTTP status {status} {response.reason_phrase}".rstrip(),
            response=response,
        )
    problem = _problem_of(response)
    return error_for_problem(status, problem, response)


def error_for_problem(
    status_code: int, problem: dict[str, Any] | None, response: httpx.Response
) -> APIStatusError:
    """The exception for a problem; `status_code` may differ from the response's own status
    (one failed item inside a batch response that answered 200)."""
    cls = error_class_for_status(status_code)
    message = _message(status_code, problem, response)
    return cls(message, response=response, problem=problem, status_code=status_code)


def _problem_of(response: httpx.Response) -> dict[str, Any] | None:
    """The RFC 9457 problem in the body, or None when the body is not a JSON object."""
    try:
        body = loads(response.content) if response.content else None
    except ValueError:  # UnicodeDecodeError, NaN, too deep: not a problem we can read
        return None
    return body if isinstance(body, dict) else None


def _message(status_code: int, problem: dict[str, Any] | None, response: httpx.Response) -> str:
    title = _problem_str(problem, "title")
    if title is None:
        title = response.reason_phrase if status_code == response.status_code else ""
    message = f"{status_code} {title}".rstrip()
    detail = _problem_str(problem, "detail")
    if detail:
        message = f"{message}: {detail}"
    elif problem is None and response.content:
        message = f"{message} (body is not a problem+json object: {_snippet(response)})"
    errors = (problem or {}).get("errors")
    if isinstance(errors, list) and errors:
        parts = [
            f"{item.get('pointer', '?')}: {item.get('detail', '?')}"
            for item in errors[:5]
            if isinstance(item, dict)
        ]
        more = f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""
        message = f"{message} [{'; '.join(parts)}{more}]"
    return message


def _snippet(response: httpx.Response, limit: int = 120) -> str:
    text = response.content[:limit].decode("utf-8", errors="replace")
    return repr(text + ("..." if len(response.content) > limit else ""))


def _problem_str(problem: dict[str, Any] | None, key: str) -> str | None:
    value = problem.get(key) if problem else None
    return value if isinstance(value, str) else None


def _problem_int(problem: dict[str, Any] | None, key: str) -> int | None:
    value = problem.get(key) if problem else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _request_of(response: httpx.Response) -> httpx.Request | None:
    try:
        return response.request
    except RuntimeError:  # a Response built by hand has no request
        return None


def _with_request_id(message: str, request_id: str | None) -> str:
    return f"{message} (request_id: {request_id})" if request_id else message
