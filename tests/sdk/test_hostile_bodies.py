"""Bodies no real server sends: nested past the recursion limit, NaN/Infinity. Every one must
raise the SDK's own error (never a raw RecursionError or pass silently), sync and async."""

from __future__ import annotations

import sys
import uuid

import httpx
import pytest

from taskmaster import APIResponseValidationError, NotFoundError, TaskMasterError
from taskmaster._exceptions import error_from_response
from tests.sdk.conftest import task_json

TASK_ID = str(uuid.uuid4())
DEEP = b"[" * (sys.getrecursionlimit() + 100) + b"]" * (sys.getrecursionlimit() + 100)
DEEP_OBJECT = (
    b'{"a":' * (sys.getrecursionlimit() + 100) + b"1" + b"}" * (sys.getrecursionlimit() + 100)
)


def _task_with(value: str) -> bytes:
    """A valid Task body whose metadata holds the raw JSON `value`."""
    import json

    body = json.dumps(task_json(id=TASK_ID, metadata={"score": 0}))
    return body.replace('"score": 0', f'"score": {value}').encode()


BAD_SUCCESS = [
    DEEP,
    DEEP_OBJECT,
    _task_with("NaN"),
    _task_with("Infinity"),
    _task_with("-Infinity"),
]


def _answer(router, status: int, content: bytes) -> None:
    router.get(f"/tasks/{TASK_ID}").mock(
        return_value=httpx.Response(
            status, content=content, headers={"Content-Type": "application/json"}
        )
    )


@pytest.mark.parametrize("content", BAD_SUCCESS, ids=["deep", "deep-object", "nan", "inf", "-inf"])
def test_a_hostile_success_body_is_a_response_validation_error(
    content: bytes, router, client_factory
) -> None:
    _answer(router, 200, content)
    client = client_factory(token="t", verify_tokens=False, max_retries=0)
    with pytest.raises(APIResponseValidationError, match="get_task") as caught:
        client.get_task(TASK_ID)
    assert caught.value.status_code == 200


@pytest.mark.parametrize("content", BAD_SUCCESS, ids=["deep", "deep-object", "nan", "inf", "-inf"])
async def test_a_hostile_success_body_is_a_response_validation_error_async(
    content: bytes, router, async_client_factory
) -> None:
    _answer(router, 200, content)
    client = async_client_factory(token="t", verify_tokens=False, max_retries=0)
    with pytest.raises(APIResponseValidationError, match="get_task"):
        await client.get_task(TASK_ID)


def test_nan_inside_a_string_is_just_text(router, client_factory) -> None:
    _answer(router, 200, _task_with('"NaN and Infinity"'))
    client = client_factory(token="t", verify_tokens=False, max_retries=0)
    task = client.get_task(TASK_ID)
    assert task.metadata["score"] == "NaN and Infinity"


@pytest.mark.parametrize("content", [DEEP, DEEP_OBJECT, b'{"status": NaN}'])
def test_a_hostile_error_body_still_raises_by_status(content: bytes, router, client_factory):
    _answer(router, 404, content)
    client = client_factory(token="t", verify_tokens=False, max_retries=0)
    with pytest.raises(NotFoundError) as caught:
        client.get_task(TASK_ID)
    assert caught.value.problem is None


@pytest.mark.parametrize("content", [DEEP, DEEP_OBJECT])
async def test_a_hostile_error_body_still_raises_by_status_async(
    content: bytes, router, async_client_factory
) -> None:
    _answer(router, 404, content)
    client = async_client_factory(token="t", verify_tokens=False, max_retries=0)
    with pytest.raises(NotFoundError):
        await client.get_task(TASK_ID)


def test_error_from_response_never_raises_itself() -> None:
    for content in (DEEP, DEEP_OBJECT, b"NaN", b"\xff\xfe"):
        error = error_from_response(httpx.Response(500, content=content))
        assert isinstance(error, TaskMasterError)
        assert error.problem is None  # type: ignore[attr-defined]


def test_a_hostile_token_response_is_a_response_validation_error(router, client_factory):
    router.post("/auth/login").mock(return_value=httpx.Response(200, content=DEEP))
    client = client_factory(verify_tokens=False, max_retries=0)
    with pytest.raises(APIResponseValidationError, match="token response"):
        client.authenticate(email="ada@example.com", password="pw")
