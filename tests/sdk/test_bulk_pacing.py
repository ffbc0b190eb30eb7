"""Bulk pacing from the rate-limit headers, and which chunk failures are retried."""

from __future__ import annotations

import httpx
import pytest

from taskmaster import (
    APIConnectionError,
    ConflictError,
    NotFoundError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from taskmaster._pacing import ChunkRetry, Pacer, parse_rate_limit


def _response(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=httpx.Request("POST", "http://t/x"))


def test_rate_limit_headers_are_read_in_both_spellings() -> None:
    assert parse_rate_limit({"RateLimit": '"default";r=7;t=30'}) == (7, 30.0)
    assert parse_rate_limit({"X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "12"}) == (3, 12.0)
    assert parse_rate_limit({"X-RateLimit-Remaining": "x", "X-RateLimit-Reset": "1"}) is None
    assert parse_rate_limit({}) is None


def test_plenty_remaining_means_no_wait_and_zero_means_wait_for_the_reset() -> None:
    pacer = Pacer(reserve=4)
    assert pacer.delay() == 0.0  # nothing known yet
    pacer.observe({"RateLimit": '"default";r=100;t=60'})
    assert pacer.delay() == 0.0
    pacer.observe({"RateLimit": '"default";r=0;t=5'})
    assert 4.0 < pacer.delay() <= 5.0


def test_near_zero_the_rest_of_the_window_is_spread_over_the_workers() -> None:
    pacer = Pacer(reserve=4)
    pacer.observe({"RateLimit": '"default";r=4;t=8'})
    waits = [pacer.delay() for _ in range(4)]
    # Slots 0, 2, 4 and about 6.7 s out: the budget lasts until the window resets.
    assert waits[0] == pytest.approx(0.0, abs=0.05)
    assert waits[1] == pytest.approx(2.0, abs=0.05)
    assert waits[2] == pytest.approx(4.67, abs=0.1)
    assert waits == sorted(waits)


def test_a_429_makes_every_worker_wait() -> None:
    pacer = Pacer(reserve=4)
    pacer.block(2.0)
    assert 1.9 < pacer.delay() <= 2.0
    assert 1.9 < pacer.delay() <= 2.0


def test_which_chunk_failures_are_retried_and_how_long_after() -> None:
    retry = ChunkRetry(max_retries=2, backoff=0.5)
    in_progress = ConflictError(
        "running",
        response=_response(409, {"Retry-After": "1"}),
        problem={"type": "https://taskmaster.dev/problems/idempotency-in-progress"},
    )
    assert retry.wait(in_progress, 0) == 1.0
    conflict = ConflictError("c", response=_response(409), problem={"type": "x/conflict"})
    assert retry.wait(conflict, 0) is None
    limited = RateLimitError("slow", response=_response(429, {"Retry-After": "3"}), problem=None)
    assert retry.wait(limited, 1) == 3.0
    server = ServerError("boom", response=_response(502), problem=None)
    assert 0.75 <= (retry.wait(server, 1) or 0) <= 1.0
    assert retry.wait(server, 2) is None  # retries exhausted
    reset = APIConnectionError("reset", request=httpx.Request("POST", "http://t/x"))
    assert retry.wait(reset, 0) is not None
    assert retry.wait(NotFoundError("n", response=_response(404), problem=None), 0) is None
    assert retry.wait(ValidationError("v", response=_response(422), problem=None), 0) is None
