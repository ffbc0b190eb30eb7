"""Error mapping: every status to its exception, malformed bodies to typed errors, never a raw
KeyError / JSONDecodeError / ValueError from the generated code."""

from __future__ import annotations

import uuid

import httpx
import pytest
import respx

import taskmaster
from taskmaster import (
    APIError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
    RateLimitError,
    ResyncRequiredError,
    ServerError,
    TaskMasterError,
    ValidationError,
)
from taskmaster._exceptions import error_class_for_status, error_from_response
from tests.pipeline.openapi_walk import load_spec
from tests.sdk.conftest import problem, task_json

TASK_ID = str(uuid.uuid4())

EXPECTED = {
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


def _spec_error_statuses() -> list[int]:
    statuses = set()
    for item in load_spec()["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "responses" in operation:
                statuses |= {
                    int(s) for s in operation["responses"] if s.isdigit() and int(s) >= 400
                }
    return sorted(statuses)


@pytest.mark.parametrize("status", range(400, 600))
def test_every_error_status_maps_to_its_class(status: int) -> None:
    expected = EXPECTED.get(status, ServerError if status >= 500 else APIStatusError)
    assert error_class_for_status(status) is expected


def test_the_spec_uses_no_status_the_mapping_forgets() -> None:
    for status in _spec_error_statuses():
        cls = error_class_for_status(status)
        assert issubclass(cls, APIStatusError)
        if status in (405, 413, 415, 428):
            assert cls is APIStatusError
        else:
            assert cls is not APIStatusError, f"{status} deserves its own class"


@pytest.mark.parametrize("status", [*_spec_error_statuses(), 502, 504, 418])
def test_problem_responses_raise_typed_errors_with_request_id(
    status: int, router: respx.Router, client_factory
) -> None:
    body = problem(status, "whatever", errors=[{"pointer": "/title", "detail": "too short"}])
    router.get(f"/tasks/{TASK_ID}").mock(
        return_value=httpx.Response(
            status, json=body, headers={"Content-Type": "application/problem+json"}
        )
    )
    client = client_factory(token="t", verify_tokens=False, max_retries=0)
    with pytest.raises(APIStatusError) as caught:
        client.get_task(TASK_ID)
    error = caught.value
    assert type(error) is error_class_for_status(status)
    assert error.status_code == status
    assert error.request_id == f"req-{status}"
    assert f"req-{status}" in str(error)
    assert error.detail == f"detail for {status}"
    assert error.problem == body
    assert [(e.pointer, e.detail, e.code) for e in error.errors] == [("/title", "too short", None)]
    assert error.response.status_code == status


def test_validation_error_lists_fields_in_its_message(router, client_factory) -> None:
    body = problem(
        422,
        "validation-error",
        errors=[
            {"pointer": "/title", "detail": "String is too short", "code": "min_length"},
            {"pointer": "#/query/limit", "detail": "must be <= 100", "code": "maximum"},
        ],
    )
    router.post("/tasks").mock(return_value=httpx.Response(422, json=body))
    client = client_factory(token="t", verify_tokens=False)
    with pytest.raises(ValidationError) as caught:
        client.create_task(title="")
    assert "/title: String is too short" in str(caught.value)
    assert caught.value.errors[1].code == "maximum"
    assert caught.value.type == "https://taskmaster.dev/problems/validation-error"


def test_rate_limit_error_carries_retry_after(router, client_factory) -> None:
    router.get(f"/tasks/{TASK_ID}").mock(
        return_value=httpx.Response(429, json=problem(429), headers={"Retry-After": "7"})
    )
    client = client_factory(token="t", verify_tokens=False, max_retries=0)
    with pytest.raises(RateLimitError) as caught:
        client.get_task(TASK_ID)
    assert caught.value.retry_after == 7.0


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"<html><body>502 Bad Gateway</body></html>", "text/html"),
        (b"", "application/json"),
        (b"{not json", "application/problem+json"),
        (b"[1, 2, 3]", "application/json"),
        (b'"a string"', "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
    ],
)
@pytest.mark.parametrize("status", [404, 500])
def test_malformed_error_bodies_still_raise_by_status(
    status: int, content: bytes, content_type: str, router, client_factory
) -> None:
    router.get(f"/tasks/{TASK_ID}").mock(
        return_value=httpx.Response(
            status, content=content, headers={"Content-Type": content_type, "X-Request-ID": "rid-7"}
        )
    )
    client = client_factory(token="t", verify_tokens=False, max_retries=0)
    with pytest.raises(APIStatusError) as caught:
        client.get_task(TASK_ID)
    assert type(caught.value) is (NotFoundError if status == 404 else ServerError)
    assert caught.value.problem is None
    assert caught.value.errors == []
    assert caught.value.request_id == "rid-7"
    assert "rid-7" in str(caught.value)


@pytest.mark.parametrize(
    ("status", "content"),
    [
        (200, b"<html>oops</html>"),
        (200, b""),
        (200, b"[]"),
        (200, b'{"id": "not-a-uuid"}'),
        (200, b'{"title": "missing every other field"}'),
        (202, b"{}"),  # a 2xx the spec does not document for get_task
        (302, b""),
        (304, b""),  # not asked for: no If-None-Match was sent
        (101, b""),
    ],
)
def test_responses_that_break_the_spec_raise_response_validation_error(
    status: int, content: bytes, router, client_factory
) -> None:
    router.get(f"/tasks/{TASK_ID}").mock(
        return_value=httpx.Response(status, content=content, headers={"X-Request-ID": "rid-9"})
    )
    client = client_factory(token="t", verify_tokens=False, max_retries=0)
    with pytest.raises(APIResponseValidationError) as caught:
        client.get_task(TASK_ID)
    error = caught.value
    assert not isinstance(error, KeyError | ValueError | TypeError)
    assert isinstance(error, APIError)
    assert isinstance(error, TaskMasterError)
    assert error.status_code == status
    assert "rid-9" in str(error)


def test_a_wrong_field_type_in_a_list_is_a_response_validation_error(router, client_factory):
    bad = task_json(status=7)  # an int where the enum expects a string
    router.get("/tasks").mock(
        return_value=httpx.Response(200, json={"data": [bad], "next_cursor": None})
    )
    client = client_factory(token="t", verify_tokens=False)
    with pytest.raises(APIResponseValidationError, match="list_tasks"):
        client.list_tasks()


def test_unknown_enum_values_are_accepted_not_errors(router, client_factory) -> None:
    router.get(f"/tasks/{TASK_ID}").mock(
        return_value=httpx.Response(200, json=task_json(id=TASK_ID, status="archived"))
    )
    client = client_factory(token="t", verify_tokens=False)
    task = client.get_task(TASK_ID)
    assert task.status.value == "archived"
    assert task.status.name == "UNKNOWN"


def test_error_from_response_is_pure_and_handles_a_handmade_response() -> None:
    error = error_from_response(httpx.Response(409, json=problem(409, "conflict")))
    assert isinstance(error, ConflictError)
    assert error.request is None
    assert error.request_id == "req-409"


def test_every_exception_is_exported_and_rooted_at_taskmaster_error() -> None:
    names = [n for n in taskmaster.__all__ if n.endswith("Error")]
    assert {
        "APIConnectionError",
        "APITimeoutError",
        "APIResponseValidationError",
        "InvalidRequestError",
        "BulkError",
    } <= set(names)
    for name in names:
        assert issubclass(getattr(taskmaster, name), TaskMasterError), name
