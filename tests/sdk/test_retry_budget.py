"""Per-call `max_retries=`, the retry budget in seconds, `X-Should-Retry`, and `copy()`.

respx stands in for the server: an outage of a given length, a 409 the server says to retry,
a 503 it says not to, are not things the real server produces on demand (the real failover is
tests/e2e/test_failover.py). Waits are recorded, not slept (the `sleeps` fixture), and count
against the budget as if they had been slept.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
import respx

from taskmaster import (
    APIConnectionError,
    ConflictError,
    InvalidRequestError,
    RetryPolicy,
    ServerError,
)
from taskmaster._retry import DEFAULT_RETRY_BUDGET, RETRY_COUNT
from tests.sdk.conftest import Recorder, problem, task_json

TASK_ID = str(uuid.uuid4())


def _outage(seconds: float, retry_after: int = 2) -> list[httpx.Response]:
    """What a server answers while its database is down for `seconds`, polled every
    `retry_after` seconds, then a task."""
    down = [
        httpx.Response(503, headers={"Retry-After": str(retry_after)}, json=problem(503))
        for _ in range(int(seconds // retry_after) + 1)
    ]
    return [*down, httpx.Response(200, json=task_json(id=TASK_ID))]


# -- per-call max_retries ----------------------------------------------------------------------


def test_max_retries_0_on_a_call_disables_its_retries(router, client_factory, sleeps) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(return_value=httpx.Response(503))
    client = client_factory(token="t", verify_tokens=False, max_retries=3)
    with pytest.raises(ServerError):
        client.get_task(TASK_ID, max_retries=0)
    assert route.call_count == 1
    assert sleeps == []
    route.reset()
    route.mock(side_effect=[httpx.Response(500), httpx.Response(200, json=task_json(id=TASK_ID))])
    assert str(client.get_task(TASK_ID).id) == TASK_ID  # the client's own count is untouched
    assert route.call_count == 2


def test_a_call_can_retry_more_than_its_client(router, client_factory, sleeps) -> None:
    server = Recorder(*[httpx.Response(500)] * 4, httpx.Response(201, json=task_json()))
    router.post("/tasks").mock(side_effect=server)
    client = client_factory(token="t", verify_tokens=False, max_retries=0)
    client.create_task(title="persistent", max_retries=4)
    assert server.values(RETRY_COUNT) == ["0", "1", "2", "3", "4"]
    keys = set(server.values("Idempotency-Key"))
    assert len(keys) == 1
    assert None not in keys


async def test_per_call_max_retries_async(router, async_client_factory, sleeps) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(return_value=httpx.Response(502))
    client = async_client_factory(token="t", verify_tokens=False)
    with pytest.raises(ServerError):
        await client.get_task(TASK_ID, max_retries=0)
    assert route.call_count == 1
    route.reset()
    route.mock(side_effect=[httpx.Response(500), httpx.Response(200, json=task_json(id=TASK_ID))])
    await client.get_task(TASK_ID, max_retries=1)
    assert route.call_count == 2


def test_per_call_max_retries_reaches_pages_and_raw_views(router, client_factory, sleeps) -> None:
    listing = {"data": [task_json()], "has_more": True, "next_cursor": "c2"}
    last = {"data": [task_json()], "has_more": False, "next_cursor": None}
    route = router.get("/tasks").mock(
        side_effect=[httpx.Response(200, json=listing), httpx.Response(500)]
    )
    client = client_factory(token="t", verify_tokens=False)
    with pytest.raises(ServerError):
        list(client.list_tasks(max_retries=0))  # the second page is sent with the same option
    assert route.call_count == 2
    route.reset()
    route.mock(side_effect=[httpx.Response(500), httpx.Response(200, json=last)])
    raw = client.with_raw_response.list_tasks(max_retries=1)
    assert raw.retries_taken == 1


@pytest.mark.parametrize("value", [-1, 1.5, "2", True])
def test_a_bad_per_call_max_retries_is_refused_before_sending(
    router, client_factory, value: object
) -> None:
    route = router.get(f"/tasks/{TASK_ID}")
    client = client_factory(token="t", verify_tokens=False)
    with pytest.raises(InvalidRequestError, match="max_retries"):
        client.get_task(TASK_ID, max_retries=value)  # type: ignore[arg-type]
    assert route.call_count == 0


# -- the retry budget (issue 19: a failover costs no call) --------------------------------------


def test_default_settings_ride_out_a_10_second_outage(router, client_factory, sleeps) -> None:
    server = Recorder(*_outage(10.0))
    router.get(f"/tasks/{TASK_ID}").mock(side_effect=server)
    client = client_factory(token="t", verify_tokens=False)  # max_retries=2, the default
    assert str(client.get_task(TASK_ID).id) == TASK_ID
    assert len(server.headers) == 7  # six 503s, then the answer
    assert sleeps == [2.0] * 6  # Retry-After honoured every time
    assert len(set(server.values("X-Request-ID"))) == 1


def test_a_write_keeps_its_idempotency_key_through_an_outage(
    router, client_factory, sleeps
) -> None:
    outage = [httpx.ConnectError("refused")] * 5 + _outage(6.0, retry_after=1)
    server = Recorder(*outage[:-1], httpx.Response(201, json=task_json()))
    router.post("/tasks").mock(side_effect=server)
    client = client_factory(token="t", verify_tokens=False, max_retries=1)
    client.create_task(title="during a failover", idempotency_key="import-42")
    assert server.values("Idempotency-Key") == ["import-42"] * len(server.headers)
    assert len(server.headers) == 13
    assert all(wait >= 0.5 for wait in sleeps[1:]), "retries past max_retries wait >= 0.5 s"


async def test_async_rides_out_an_outage_too(router, async_client_factory, sleeps) -> None:
    router.get(f"/tasks/{TASK_ID}").mock(side_effect=Recorder(*_outage(8.0)))
    client = async_client_factory(token="t", verify_tokens=False)
    assert str((await client.get_task(TASK_ID)).id) == TASK_ID
    assert sum(sleeps) == 10.0


def test_the_budget_bounds_an_outage_that_lasts(router, client_factory, sleeps) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(
        return_value=httpx.Response(503, headers={"Retry-After": "2"})
    )
    client = client_factory(token="t", verify_tokens=False)
    with pytest.raises(ServerError) as caught:
        client.get_task(TASK_ID)
    assert caught.value.status_code == 503
    assert sum(sleeps) == DEFAULT_RETRY_BUDGET  # 15 waits of 2 s, not one more
    assert route.call_count == 16


def test_a_short_budget_for_interactive_use(router, client_factory, sleeps) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(side_effect=httpx.ConnectError("refused"))
    client = client_factory(token="t", verify_tokens=False).with_options(retry_budget=2.0)
    assert client.retry_budget == 2.0
    with pytest.raises(APIConnectionError):
        client.get_task(TASK_ID)
    assert sum(sleeps) <= 2.0
    assert route.call_count == len(sleeps) + 1


def test_retry_after_longer_than_the_budget_left_is_raised_at_once(
    router, client_factory, sleeps
) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(
        return_value=httpx.Response(503, headers={"Retry-After": "45"})
    )
    client = client_factory(token="t", verify_tokens=False)
    with pytest.raises(ServerError) as caught:
        client.get_task(TASK_ID)
    assert caught.value.response.headers["Retry-After"] == "45"  # the caller can act on it
    assert route.call_count == 1
    assert sleeps == []


def test_the_count_still_limits_failures_that_are_not_outages(
    router, client_factory, sleeps
) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(return_value=httpx.Response(500))
    client = client_factory(token="t", verify_tokens=False, max_retries=3, retry_backoff=1.0)
    with pytest.raises(ServerError):
        client.get_task(TASK_ID)
    assert route.call_count == 4  # `max_retries=3, retry_backoff=1.0` keeps working as written
    assert len(sleeps) == 3


def test_a_zero_budget_means_no_retry_and_nonsense_is_refused(
    router, client_factory, sleeps
) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(return_value=httpx.Response(503))
    with pytest.raises(ServerError):
        client_factory(token="t", verify_tokens=False, retry_budget=0).get_task(TASK_ID)
    assert route.call_count == 1
    with pytest.raises(InvalidRequestError, match="retry_budget"):
        client_factory(token="t", verify_tokens=False, retry_budget=-1)
    with pytest.raises(InvalidRequestError, match="retry_budget"):
        client_factory(token="t", verify_tokens=False).with_options(retry_budget=float("nan"))


def test_policy_within_is_pure() -> None:
    policy = RetryPolicy(max_retries=2, budget=10.0)
    assert policy.within(1.0, 0, 2, False, 0.0) == 1.0
    assert policy.within(1.0, 2, 2, False, 0.0) is None  # count spent, not an outage
    assert policy.within(0.1, 2, 2, True, 0.0) == 0.5  # an outage, past the count: >= 0.5 s
    assert policy.within(1.0, 2, 0, True, 0.0) is None  # max_retries=0: never
    assert policy.within(2.0, 5, 2, True, 8.5) is None  # past the budget
    assert policy.within(None, 0, 2, True, 0.0) is None


# -- X-Should-Retry ----------------------------------------------------------------------------


def test_should_retry_true_retries_a_status_not_in_retry_on(router, client_factory, sleeps) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(
        side_effect=[
            httpx.Response(409, headers={"X-Should-Retry": "true"}, json=problem(409)),
            httpx.Response(200, json=task_json(id=TASK_ID)),
        ]
    )
    client = client_factory(token="t", verify_tokens=False)
    client.get_task(TASK_ID)
    assert route.call_count == 2


def test_should_retry_false_stops_a_retry_on_status(router, client_factory, sleeps) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(
        return_value=httpx.Response(503, headers={"X-Should-Retry": "false", "Retry-After": "1"})
    )
    client = client_factory(token="t", verify_tokens=False)
    with pytest.raises(ServerError):
        client.get_task(TASK_ID)
    assert route.call_count == 1
    assert sleeps == []


async def test_should_retry_is_read_by_the_async_client(
    router, async_client_factory, sleeps
) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(
        side_effect=[
            httpx.Response(400, headers={"x-should-retry": "TRUE"}, json=problem(400)),
            httpx.Response(200, json=task_json(id=TASK_ID)),
        ]
    )
    client = async_client_factory(token="t", verify_tokens=False)
    await client.get_task(TASK_ID)
    assert route.call_count == 2


def test_should_retry_true_still_obeys_the_count(router, client_factory, sleeps) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(
        return_value=httpx.Response(409, headers={"X-Should-Retry": "true"}, json=problem(409))
    )
    client = client_factory(token="t", verify_tokens=False, max_retries=2)
    with pytest.raises(ConflictError):
        client.get_task(TASK_ID)
    assert route.call_count == 3


# -- copy() ------------------------------------------------------------------------------------


def test_copy_is_with_options(router: respx.Router, client_factory) -> None:
    client = client_factory(token="t", verify_tokens=False)
    copied = client.copy(max_retries=5, timeout=3.0, retry_budget=4.0)
    assert (copied.max_retries, copied.timeout.read, copied.retry_budget) == (5, 3.0, 4.0)
    assert copied._pool is client._pool
    assert type(client).copy is type(client).with_options


async def test_async_copy_is_with_options(async_client_factory) -> None:
    client = async_client_factory(token="t", verify_tokens=False)
    copied = client.copy(max_retries=0)
    assert copied.max_retries == 0
    assert client.max_retries == 2
    assert type(client).copy is type(client).with_options
