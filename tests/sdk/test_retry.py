"""Retries: the pure policy, and the transports applying it to every request."""

from __future__ import annotations

import email.utils
import time
import uuid

import httpx
import pytest
import respx

from taskmaster import APIConnectionError, APITimeoutError, RetryPolicy, ServerError
from taskmaster._retry import RETRY_COUNT, parse_retry_after
from tests.sdk.conftest import Recorder, task_json

TASK_ID = str(uuid.uuid4())


# -- the policy (pure) -----------------------------------------------------------------------


@pytest.mark.parametrize("retries_done", range(8))
def test_backoff_is_exponential_capped_and_jittered_within_bounds(retries_done: int) -> None:
    policy = RetryPolicy(backoff=0.5, max_backoff=8.0, jitter=0.25)
    base = min(0.5 * 2**retries_done, 8.0)
    assert policy.backoff_delay(retries_done, rand=lambda: 0.0) == base
    assert policy.backoff_delay(retries_done, rand=lambda: 1.0) == pytest.approx(base * 0.75)
    samples = [policy.backoff_delay(retries_done) for _ in range(200)]
    assert all(base * 0.75 <= s <= base for s in samples)
    assert len(set(samples)) > 1, "jitter must vary the delay"


def test_retry_after_seconds_and_http_date_are_honoured_up_to_the_cap() -> None:
    policy = RetryPolicy(max_retry_after=30.0)
    assert policy.delay(0, "3") == 3.0
    assert policy.delay(0, "1.5") == 1.5
    assert policy.delay(0, "30") == 30.0
    assert policy.delay(0, "600") is None  # longer than the cap: give up now, not in 30 s
    in_10s = email.utils.formatdate(time.time() + 10, usegmt=True)
    assert 8.0 <= policy.delay(0, in_10s) <= 10.0
    in_an_hour = email.utils.formatdate(time.time() + 3600, usegmt=True)
    assert policy.delay(0, in_an_hour) is None
    past = email.utils.formatdate(time.time() - 60, usegmt=True)
    assert policy.delay(0, past) == 0.0


@pytest.mark.parametrize("value", ["", "soon", "-", "nan", "inf", "Mon, 99 Foo 2026 00:00:00"])
def test_unusable_retry_after_falls_back_to_backoff(value: str) -> None:
    policy = RetryPolicy(backoff=1.0, jitter=0.0)
    assert parse_retry_after(value) is None
    assert policy.delay(2, value) == 4.0


def test_negative_retry_after_means_now() -> None:
    assert parse_retry_after("-5") == 0.0


@pytest.mark.parametrize(
    ("method", "headers", "replayable"),
    [
        ("GET", {}, True),
        ("DELETE", {}, True),
        ("PUT", {}, True),
        ("POST", {}, False),
        ("PATCH", {}, False),
        ("POST", {"Idempotency-Key": "k"}, True),
        ("PATCH", {"Idempotency-Key": "k"}, True),
    ],
)
def test_writes_without_idempotency_key_are_never_retried(
    method: str, headers: dict[str, str], replayable: bool
) -> None:
    policy = RetryPolicy(max_retries=5)
    request = httpx.Request(method, "http://x/", headers=headers)
    assert policy.retry_status(request, 503, 0) is replayable
    assert policy.retry_error(request, httpx.ConnectError("refused"), 0) is replayable


def test_policy_stops_after_max_retries_and_only_for_retry_on() -> None:
    policy = RetryPolicy(max_retries=2, retry_on=frozenset({503}))
    get = httpx.Request("GET", "http://x/")
    assert policy.retry_status(get, 503, 1)
    assert not policy.retry_status(get, 503, 2)
    assert not policy.retry_status(get, 500, 0)
    assert not policy.retry_error(get, httpx.UnsupportedProtocol("ftp"), 0)
    assert not policy.retry_error(get, ValueError("not ours"), 0)


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError, match="jitter"):
        RetryPolicy(jitter=2)


# -- the transport, through the client ---------------------------------------------------------


def test_retries_retry_on_statuses_then_succeeds(
    router: respx.Router, client_factory, sleeps
) -> None:
    server = Recorder(
        httpx.Response(503, headers={"Retry-After": "2"}),
        httpx.Response(502),
        httpx.Response(200, json=task_json(id=TASK_ID)),
    )
    route = router.get(f"/tasks/{TASK_ID}").mock(side_effect=server)
    client = client_factory(token="t", verify_tokens=False, max_retries=3, retry_backoff=0.25)
    task = client.get_task(TASK_ID)
    assert str(task.id) == TASK_ID
    assert route.call_count == 3
    assert sleeps[0] == 2.0  # Retry-After wins over backoff
    assert 0.25 * 2 * 0.75 <= sleeps[1] <= 0.25 * 2  # second retry: backoff * 2**1, jittered
    assert server.values(RETRY_COUNT) == ["0", "1", "2"]
    ids = set(server.values("X-Request-ID"))
    assert len(ids) == 1, "every attempt shares one X-Request-ID"
    assert None not in ids


def test_gives_up_after_max_retries_with_the_last_error(router, client_factory, sleeps) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(return_value=httpx.Response(500))
    client = client_factory(token="t", verify_tokens=False, max_retries=2)
    with pytest.raises(ServerError) as caught:
        client.get_task(TASK_ID)
    assert caught.value.status_code == 500
    assert route.call_count == 3
    assert len(sleeps) == 2


def test_retry_after_beyond_the_cap_is_raised_at_once(router, client_factory, sleeps) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(
        return_value=httpx.Response(503, headers={"Retry-After": "3600"})
    )
    client = client_factory(token="t", verify_tokens=False, max_retries=3)
    with pytest.raises(ServerError):
        client.get_task(TASK_ID)
    assert route.call_count == 1
    assert sleeps == []


def test_status_not_in_retry_on_is_not_retried(router, client_factory, sleeps) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(return_value=httpx.Response(504))
    client = client_factory(token="t", verify_tokens=False, retry_on=[429, 500, 502, 503])
    with pytest.raises(ServerError):
        client.get_task(TASK_ID)
    assert route.call_count == 1
    assert sleeps == []


def test_post_gets_an_idempotency_key_reused_by_every_retry(router, client_factory) -> None:
    server = Recorder(
        httpx.ConnectError("refused"), httpx.Response(503), httpx.Response(201, json=task_json())
    )
    router.post("/tasks").mock(side_effect=server)
    client = client_factory(token="t", verify_tokens=False, max_retries=3)
    client.create_task(title="once")
    keys = server.values("Idempotency-Key")
    assert len(keys) == 3
    assert keys[0]
    assert len(set(keys)) == 1
    uuid.UUID(keys[0])


def test_caller_idempotency_key_is_kept(router, client_factory) -> None:
    server = Recorder(httpx.Response(500), httpx.Response(201, json=task_json()))
    router.post("/tasks").mock(side_effect=server)
    client = client_factory(token="t", verify_tokens=False)
    client.create_task(title="x", idempotency_key="my-key-1")
    assert server.values("Idempotency-Key") == ["my-key-1"] * 2


def test_each_logical_request_gets_its_own_key(router, client_factory) -> None:
    server = Recorder(httpx.Response(200, json=task_json(id=TASK_ID)))
    router.patch(f"/tasks/{TASK_ID}").mock(side_effect=server)
    client = client_factory(token="t", verify_tokens=False)
    client.update_task(TASK_ID, {"title": "a"})
    client.update_task(TASK_ID, {"title": "b"})
    keys = server.values("Idempotency-Key")
    assert len(keys) == 2
    assert len(set(keys)) == 2


def test_connection_errors_and_timeouts_become_sdk_errors(router, client_factory, sleeps) -> None:
    router.get(f"/tasks/{TASK_ID}").mock(side_effect=httpx.ConnectError("refused"))
    router.get("/me").mock(side_effect=httpx.ReadTimeout("slow"))
    client = client_factory(token="t", verify_tokens=False, max_retries=1)
    with pytest.raises(APIConnectionError) as caught:
        client.get_task(TASK_ID)
    assert not isinstance(caught.value, APITimeoutError)
    assert "request_id" in str(caught.value), "the message names the request id"
    # A refused connection is an outage: retried past max_retries, within the retry budget.
    assert len(sleeps) > 1
    assert sum(sleeps) <= client.retry_budget
    sleeps.clear()
    with pytest.raises(APITimeoutError):
        client.get_me()
    assert len(sleeps) == 1  # a read timeout is not an outage: max_retries applies


def test_intermediate_responses_are_closed(router, client_factory) -> None:
    failures = [httpx.Response(503), httpx.Response(503)]
    router.get(f"/tasks/{TASK_ID}").mock(
        side_effect=[*failures, httpx.Response(200, json=task_json(id=TASK_ID))]
    )
    client = client_factory(token="t", verify_tokens=False, max_retries=2)
    client.get_task(TASK_ID)
    assert all(r.is_closed for r in failures)


async def test_async_client_retries_the_same_way(router, async_client_factory, sleeps) -> None:
    server = Recorder(
        httpx.Response(429, headers={"Retry-After": "1"}),
        httpx.ReadTimeout("slow"),
        httpx.Response(201, json=task_json()),
    )
    router.post("/tasks").mock(side_effect=server)
    client = async_client_factory(token="t", verify_tokens=False, max_retries=2)
    await client.create_task({"title": "async"})
    assert sleeps[0] == 1.0
    keys = server.values("Idempotency-Key")
    assert len(keys) == 3
    assert len(set(keys)) == 1
    assert keys[0]
    assert server.values(RETRY_COUNT) == ["0", "1", "2"]


def test_with_options_changes_retries_but_shares_the_pool(router, client_factory) -> None:
    route = router.get(f"/tasks/{TASK_ID}").mock(return_value=httpx.Response(503))
    client = client_factory(token="t", verify_tokens=False, max_retries=3)
    patient = client.with_options(max_retries=0, timeout=5.0)
    assert patient.max_retries == 0
    assert patient.timeout.read == 5.0
    assert client.max_retries == 3
    assert client.timeout.read == 30.0
    assert patient._pool is client._pool
    with pytest.raises(ServerError):
        patient.get_task(TASK_ID)
    assert route.call_count == 1
    patient.close()
    assert not client.is_closed  # closing the copy leaves the original usable


def test_retry_after_ms_is_the_finer_hint(router: respx.Router, client_factory, sleeps) -> None:
    # The reference server answers a database restart with `Retry-After: 1` (whole seconds
    # only) and `Retry-After-Ms: 250`: waiting the finer hint is what keeps a 1 s restart
    # from costing 2 s.
    server = Recorder(
        httpx.Response(503, headers={"Retry-After": "1", "Retry-After-Ms": "250"}),
        httpx.Response(503, headers={"Retry-After": "1", "Retry-After-Ms": "nonsense"}),
        httpx.Response(200, json=task_json(id=TASK_ID)),
    )
    router.get(f"/tasks/{TASK_ID}").mock(side_effect=server)
    client = client_factory(token="t", verify_tokens=False, max_retries=3)
    client.get_task(TASK_ID)
    assert sleeps == [0.25, 1.0]  # an unusable Retry-After-Ms falls back to Retry-After
