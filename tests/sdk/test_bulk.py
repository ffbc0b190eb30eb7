"""Bulk operations: chunks of 100, results at input indexes, failures kept per item, retries
of whole chunks with their own key, lazy input."""

from __future__ import annotations

import json
import threading
import uuid

import httpx
import pytest

from taskmaster import (
    BulkError,
    BulkResult,
    InvalidRequestError,
    NotFoundError,
    PreconditionFailedError,
    ServerError,
    _bulk_run,
)
from tests.sdk.conftest import problem, task_json


@pytest.fixture(autouse=True)
def bulk_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Chunk retry and pacing waits are recorded instead of slept."""
    waited: list[float] = []

    async def asleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(_bulk_run, "_sleep", waited.append)
    monkeypatch.setattr(_bulk_run, "_asleep", asleep)
    return waited


def batch_answer(fail_titles: frozenset[str] = frozenset()) -> object:
    """A fake batch endpoint: every item succeeds except titles in `fail_titles` (422)."""

    def answer(request: httpx.Request) -> httpx.Response:
        items = json.loads(request.content)
        results = []
        for index, item in enumerate(items):
            title = item.get("title") if isinstance(item, dict) else None
            if title in fail_titles:
                error = problem(
                    422,
                    "validation-error",
                    errors=[{"pointer": f"/{index}/title", "detail": "bad"}],
                )
                results.append({"outcome": "failed", "index": index, "status": 422, "error": error})
            else:
                ident = item if isinstance(item, str) else item.get("id", str(uuid.uuid4()))
                results.append(
                    {"outcome": "succeeded", "index": index, "status": 201, "id": ident,
                     "task": task_json(id=ident, title=title or "t")}
                )  # fmt: skip
        failed = sum(r["outcome"] == "failed" for r in results)
        return httpx.Response(
            200,
            json={"results": results, "succeeded": len(results) - failed, "failed": failed},
        )

    return answer


def test_250_items_make_three_requests_and_keep_input_order(router, client_factory) -> None:
    route = router.post("/tasks/batch").mock(side_effect=batch_answer(frozenset({"t-150"})))
    client = client_factory(token="t", verify_tokens=False)
    result = client.bulk_create_tasks([{"title": f"t-{i}"} for i in range(250)])
    assert isinstance(result, BulkResult)
    assert sorted(len(json.loads(c.request.content)) for c in route.calls) == [50, 100, 100]
    assert [item.index for item in result] == list(range(250))
    assert len(result) == 250
    assert [t.title for t in result.tasks][:2] == ["t-0", "t-1"]
    assert [item.index for item in result.failed] == [150]
    failure = result.failed[0].error
    assert failure is not None
    assert failure.status_code == 422  # type: ignore[union-attr]
    assert not result.ok
    with pytest.raises(BulkError, match="1 of 250 bulk items failed; first: item 150"):
        result.raise_for_failures()
    keys = {c.request.headers["Idempotency-Key"] for c in route.calls}
    assert len(keys) == 3  # one per chunk


def test_caller_key_is_derived_per_chunk_and_atomic_is_sent(router, client_factory) -> None:
    route = router.post("/tasks/batch").mock(side_effect=batch_answer())
    client = client_factory(token="t", verify_tokens=False)
    client.bulk_create_tasks([{"title": "x"}] * 101, atomic=True, idempotency_key="import-7")
    assert sorted(c.request.headers["Idempotency-Key"] for c in route.calls) == [
        "import-7-0",
        "import-7-1",
    ]
    assert all(c.request.url.params["atomic"] == "true" for c in route.calls)


def test_a_chunk_failing_after_its_retries_marks_its_items_and_the_next_still_runs(
    router, client_factory
) -> None:
    answer = batch_answer()
    route = router.post("/tasks/batch").mock(
        side_effect=[httpx.Response(500, json=problem(500, "internal-error")), answer]
    )
    client = client_factory(token="t", verify_tokens=False, max_retries=0)
    items = [{"title": str(i)} for i in range(150)]
    result = client.bulk_create_tasks(items, concurrency=1, max_chunk_retries=0)
    assert route.call_count == 2
    assert result.failed_count == 100
    assert all(isinstance(item.error, ServerError) for item in result.failed)
    assert [item.input for item in result.failed] == items[:100]
    assert [item.index for item in result.succeeded] == list(range(100, 150))


def test_a_failed_chunk_is_retried_with_its_own_key(router, client_factory) -> None:
    answer = batch_answer()
    in_progress = httpx.Response(
        409, json=problem(409, "idempotency-in-progress"), headers={"Retry-After": "1"}
    )
    route = router.post("/tasks/batch").mock(
        side_effect=[
            httpx.Response(502, text="<html>Bad Gateway</html>"),
            httpx.ConnectError("reset"),
            in_progress,
            answer,
        ]
    )
    client = client_factory(token="t", verify_tokens=False, max_retries=0)
    result = client.bulk_create_tasks([{"title": "a"}] * 10)
    assert result.ok
    assert route.call_count == 4
    assert len({c.request.headers["Idempotency-Key"] for c in route.calls}) == 1


def test_update_and_delete_items(router, client_factory) -> None:
    body = task_json(version=2)
    router.get(f"/tasks/{body['id']}").mock(
        return_value=httpx.Response(200, json=body, headers={"ETag": 'W/"x-2"'})
    )
    update = router.patch("/tasks/batch").mock(side_effect=batch_answer())
    missing = str(uuid.uuid4())

    def deleted(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)
        results = [
            {"outcome": "failed", "index": i, "status": 404, "id": v, "error": problem(404)}
            if v == missing
            else {"outcome": "succeeded", "index": i, "status": 204, "id": v}
            for i, v in enumerate(ids)
        ]
        return httpx.Response(200, json={"results": results, "succeeded": 1, "failed": 1})

    router.post("/tasks/batch/delete").mock(side_effect=deleted)
    client = client_factory(token="t", verify_tokens=False)
    task = client.get_task(body["id"])
    result = client.bulk_update_tasks(
        [
            {"id": task.id, "status": "done", "if_match": task},
            {"id": str(uuid.uuid4()), "title": "n"},
        ]
    )
    sent = json.loads(update.calls.last.request.content)
    assert sent[0] == {"id": body["id"], "status": "done", "if_match": 'W/"x-2"'}
    assert result.ok
    gone = client.bulk_delete_tasks([task, missing])
    assert [item.ok for item in gone] == [True, False]
    assert isinstance(gone.items[1].error, NotFoundError)
    assert gone.items[1].id == uuid.UUID(missing)
    assert gone.items[0].task is None


def test_a_bad_item_fails_alone_and_an_atomic_chunk_with_one_is_not_sent(
    router, client_factory
) -> None:
    route = router.post("/tasks/batch").mock(side_effect=batch_answer())
    client = client_factory(token="t", verify_tokens=False)
    items = [{"title": str(i)} for i in range(150)] + [{"titel": "typo"}]
    result = client.bulk_create_tasks(items)
    assert [item.index for item in result.failed] == [150]
    assert isinstance(result.failed[0].error, InvalidRequestError)
    assert result.failed[0].input == {"titel": "typo"}
    assert sum(len(json.loads(c.request.content)) for c in route.calls) == 150
    atomic = client.bulk_create_tasks(items, atomic=True)
    assert atomic.failed_count == 51  # the second chunk: nothing of it was sent
    assert sum(len(json.loads(c.request.content)) for c in route.calls) == 250


def test_a_generator_is_read_lazily_with_bounded_chunks_in_flight(router, client_factory) -> None:
    produced = 0
    most_ahead = 0
    sent = 0

    def rows():
        nonlocal produced
        for i in range(20_000):
            produced += 1
            yield {"title": f"t{i}"}

    answer = batch_answer()

    counted = threading.Lock()

    def counting(request: httpx.Request) -> httpx.Response:
        nonlocal sent, most_ahead
        size = len(json.loads(request.content))
        # Three workers' handlers run at once: unlocked, `sent += size` loses updates and the
        # read-ahead looks larger than it is.
        with counted:
            most_ahead = max(most_ahead, produced - sent)
            sent += size
        return answer(request)  # type: ignore[operator]

    router.post("/tasks/batch").mock(side_effect=counting)
    client = client_factory(token="t", verify_tokens=False)
    seen: list[tuple[int, int | None]] = []
    result = client.bulk_create_tasks(
        rows(), concurrency=3, progress=lambda d, t: seen.append((d, t))
    )
    assert result.succeeded_count == 20_000
    # Read-ahead stays bounded whatever the input's length: 2 chunks per worker queued or in
    # flight plus the chunk being read is 700; `produced` is read without the producer's lock,
    # so the assertion allows some slack while staying 20x below the input size.
    assert most_ahead <= 10 * 100, most_ahead
    assert seen[-1] == (20_000, None)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_progress_knows_the_total_and_raise_on_error_raises(router, client_factory) -> None:
    router.post("/tasks/batch").mock(side_effect=batch_answer(frozenset({"bad"})))
    client = client_factory(token="t", verify_tokens=False)
    seen: list[tuple[int, int | None]] = []
    items = [{"title": "ok"}] * 150 + [{"title": "bad"}]
    with pytest.raises(BulkError) as caught:
        client.bulk_create_tasks(
            items, progress=lambda d, t: seen.append((d, t)), raise_on_error=True
        )
    assert caught.value.result.failed_count == 1
    assert sorted(seen)[-1] == (151, 151)
    with pytest.raises(InvalidRequestError):
        client.bulk_create_tasks(items, concurrency=0)


def test_empty_input_sends_nothing(router, client_factory) -> None:
    client = client_factory(token="t", verify_tokens=False)
    assert client.bulk_delete_tasks([]).items == []
    assert not router.calls


async def test_async_bulk(router, async_client_factory) -> None:
    answer = batch_answer(frozenset({"bad"}))
    first = [httpx.Response(503, json=problem(503, "unavailable"))]
    route = router.post("/tasks/batch").mock(
        side_effect=lambda request: first.pop() if first else answer(request)  # type: ignore[operator]
    )
    client = async_client_factory(token="t", verify_tokens=False, max_retries=0)
    items = ({"title": "ok" if i < 120 else "bad"} for i in range(121))  # a generator
    result = await client.bulk_create_tasks(items, concurrency=1)
    assert route.call_count == 3
    assert [item.index for item in result.failed] == [120]
    assert len(result.tasks) == 120


def test_per_item_precondition_failure_is_typed(router, client_factory) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        item = json.loads(request.content)[0]
        failure = {"outcome": "failed", "index": 0, "status": 412, "id": item["id"],
                   "error": problem(412, "precondition-failed")}  # fmt: skip
        return httpx.Response(200, json={"results": [failure], "succeeded": 0, "failed": 1})

    router.patch("/tasks/batch").mock(side_effect=answer)
    client = client_factory(token="t", verify_tokens=False)
    result = client.bulk_update_tasks([{"id": str(uuid.uuid4()), "title": "x", "if_match": "W/1"}])
    assert isinstance(result.items[0].error, PreconditionFailedError)
    assert result.items[0].status == 412
