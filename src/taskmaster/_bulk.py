"""Bulk task operations: any number of items, sent as batch requests of at most 100.

    result = client.bulk_create_tasks([{"title": "a"}, {"title": "b"}, ...])
    result.ok, result.tasks, result.failed      # per-item outcomes, in input order
    result.raise_for_failures()                 # BulkError if any item failed

Each input item gets one `BulkItemResult` at its input index, whether the server answered for
it (a per-item success or problem) or its whole chunk failed (the chunk's exception is recorded
on each of its items; later chunks are still sent). Every item is checked before the first
request, so a bad item 250 raises `InvalidRequestError` without writing items 0-249. `atomic`
applies per chunk: the API makes one batch request all-or-nothing, not several.

The seam for later work (concurrency, pacing, fault handling) is `run_chunks` / `arun_chunks`:
everything else here is pure.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._call import AsyncRequester, Call, SyncRequester, make_call
from ._exceptions import APIStatusError, InvalidRequestError, TaskMasterError, error_for_problem
from ._params import BatchTaskUpdateParams, TaskCreateParams, build_model
from ._resources._common import account, operation, ref
from ._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    import httpx

    from taskmaster_api.models import BatchTaskUpdate, Task, TaskCreate

    from ._types import TimeoutTypes

__all__ = ["CHUNK_SIZE", "AsyncBulkMixin", "BulkError", "BulkItemResult", "BulkMixin", "BulkResult"]

CHUNK_SIZE = 100  # the batch endpoints' maxItems


@dataclass(frozen=True, slots=True)
class BulkItemResult:
    """The outcome of one input item. `status` is what a single call would have answered."""

    index: int
    status: int
    id: uuid.UUID | None = None
    task: Task | None = None
    error: TaskMasterError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class BulkError(TaskMasterError):
    """Raised by `BulkResult.raise_for_failures()`; `result` holds every outcome."""

    def __init__(self, result: BulkResult) -> None:
        self.result = result
        failed = result.failed
        first = failed[0]
        super().__init__(
            f"{len(failed)} of {len(result.items)} bulk items failed; first: item {first.index}: "
            f"{first.error}"
        )


@dataclass(frozen=True, slots=True)
class BulkResult:
    """Every item's outcome, in input order."""

    items: list[BulkItemResult]

    @property
    def succeeded(self) -> list[BulkItemResult]:
        return [item for item in self.items if item.ok]

    @property
    def failed(self) -> list[BulkItemResult]:
        return [item for item in self.items if not item.ok]

    @property
    def ok(self) -> bool:
        return all(item.ok for item in self.items)

    @property
    def tasks(self) -> list[Task]:
        """The tasks created or updated (in input order)."""
        return [item.task for item in self.items if item.task is not None]

    def raise_for_failures(self) -> None:
        if not self.ok:
            raise BulkError(self)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[BulkItemResult]:
        return iter(self.items)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One batch request: the items at `offset` ... `offset + len(call body) - 1`."""

    offset: int
    size: int
    call: Call[list[BulkItemResult]]


def chunked(items: list[Any], size: int = CHUNK_SIZE) -> Iterator[tuple[int, list[Any]]]:
    for offset in range(0, len(items), size):
        yield offset, items[offset : offset + size]


def item_results(offset: int) -> Callable[[Any, httpx.Response], list[BulkItemResult]]:
    """Converts a generated `BatchResult` into the chunk's items, at their input indexes."""

    def convert(batch: Any, response: httpx.Response) -> list[BulkItemResult]:
        from taskmaster_api.models import BatchItemFailure, Task

        out = []
        for item in batch.results:
            ident = item.id if isinstance(item.id, uuid.UUID) else None
            if isinstance(item, BatchItemFailure):
                problem = item.error.to_dict()
                error = error_for_problem(item.status, problem, response)
                out.append(BulkItemResult(offset + item.index, item.status, ident, None, error))
            else:
                task = item.task if isinstance(item.task, Task) else None
                out.append(BulkItemResult(offset + item.index, item.status, ident, task))
        return out

    return convert


def chunk_failed(chunk: Chunk, error: TaskMasterError) -> list[BulkItemResult]:
    status = error.status_code if isinstance(error, APIStatusError) else 0
    return [BulkItemResult(chunk.offset + i, status, None, None, error) for i in range(chunk.size)]


def assemble(total: int, parts: Iterable[list[BulkItemResult]]) -> BulkResult:
    """One result per input index; an index the server left out is reported as failed."""
    by_index = {item.index: item for part in parts for item in part}
    missing = InvalidRequestError("the server's batch result did not mention this item")
    items = [by_index.get(i) or BulkItemResult(i, 0, None, None, missing) for i in range(total)]
    return BulkResult(items)


def plan(
    operation_id: str,
    bodies: list[Any],
    *,
    atomic: bool,
    idempotency_key: str | None,
    account_id: Any,
) -> list[Chunk]:
    """The batch calls for `bodies`; with a key, chunk n uses `<key>-<n>`."""
    from taskmaster_api.api.tasks import batch_create_tasks, batch_delete_tasks, batch_update_tasks
    from taskmaster_api.models import BatchResult

    endpoint = {
        "batch_create_tasks": batch_create_tasks,
        "batch_update_tasks": batch_update_tasks,
        "batch_delete_tasks": batch_delete_tasks,
    }[operation_id]
    chunks = []
    for n, (offset, body) in enumerate(chunked(bodies)):
        extra: dict[str, Any] = {"atomic": atomic, **account(account_id)}
        if idempotency_key is not None:
            extra["idempotency_key"] = f"{idempotency_key}-{n}"
        call: Call[list[BulkItemResult]] = make_call(
            endpoint, BatchResult, body=body, convert=item_results(offset), **extra
        )
        chunks.append(Chunk(offset, len(body), call))
    return chunks


def create_bodies(tasks: Iterable[TaskCreateParams | TaskCreate]) -> list[TaskCreate]:
    from taskmaster_api.models import TaskCreate

    return [build_model(TaskCreate, t, f"bulk_create_tasks item {i}") for i, t in enumerate(tasks)]


def update_bodies(
    updates: Iterable[BatchTaskUpdateParams | BatchTaskUpdate], etag_for: Callable[[Any, str], str]
) -> list[BatchTaskUpdate]:
    from taskmaster_api.models import BatchTaskUpdate

    bodies = []
    for i, update in enumerate(updates):
        what = f"bulk_update_tasks item {i}"
        if isinstance(update, Mapping) and update.get("if_match") is not None:
            update = {**update, "if_match": etag_for(update["if_match"], what)}
        bodies.append(build_model(BatchTaskUpdate, update, what))
    return bodies


def delete_bodies(task_ids: Iterable[Any]) -> list[uuid.UUID]:
    return [ref(t, f"bulk_delete_tasks item {i}") for i, t in enumerate(task_ids)]


def run_chunks(
    send: Callable[[Call[list[BulkItemResult]]], list[BulkItemResult]], chunks: list[Chunk]
) -> list[list[BulkItemResult]]:
    """Send the chunks one after another; a failed chunk does not stop the others."""
    parts = []
    for chunk in chunks:
        try:
            parts.append(send(chunk.call))
        except TaskMasterError as exc:
            parts.append(chunk_failed(chunk, exc))
    return parts


async def arun_chunks(
    send: Callable[[Call[list[BulkItemResult]]], Awaitable[list[BulkItemResult]]],
    chunks: list[Chunk],
) -> list[list[BulkItemResult]]:
    parts = []
    for chunk in chunks:
        try:
            parts.append(await send(chunk.call))
        except TaskMasterError as exc:
            parts.append(chunk_failed(chunk, exc))
    return parts


Id = uuid.UUID | str


class BulkMixin(SyncRequester):
    def _bulk(
        self, op: str, bodies: list[Any], atomic: bool, key: Any, account_id: Any, timeout: Any
    ) -> BulkResult:
        chunks = plan(op, bodies, atomic=atomic, idempotency_key=key, account_id=account_id)
        return assemble(len(bodies), run_chunks(lambda c: self._request(c, timeout), chunks))

    @operation("batch_create_tasks")
    def bulk_create_tasks(
        self,
        tasks: Iterable[TaskCreateParams | TaskCreate],
        *,
        atomic: bool = False,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> BulkResult:
        """Create any number of tasks, 100 per request. See the module docstring."""
        bodies = create_bodies(tasks)
        return self._bulk(
            "batch_create_tasks", bodies, atomic, idempotency_key, account_id, timeout
        )

    @operation("batch_update_tasks")
    def bulk_update_tasks(
        self,
        updates: Iterable[BatchTaskUpdateParams | BatchTaskUpdate],
        *,
        atomic: bool = False,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> BulkResult:
        """Update any number of tasks: each item is `{"id": ..., <fields>, "if_match"?: ...}`."""
        bodies = update_bodies(updates, self._etag_for)
        return self._bulk(
            "batch_update_tasks", bodies, atomic, idempotency_key, account_id, timeout
        )

    @operation("batch_delete_tasks")
    def bulk_delete_tasks(
        self,
        task_ids: Iterable[Id | Task],
        *,
        atomic: bool = False,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> BulkResult:
        """Delete any number of tasks; a task that does not exist is a per-item 404."""
        bodies = delete_bodies(task_ids)
        return self._bulk(
            "batch_delete_tasks", bodies, atomic, idempotency_key, account_id, timeout
        )


class AsyncBulkMixin(AsyncRequester):
    async def _bulk(
        self, op: str, bodies: list[Any], atomic: bool, key: Any, account_id: Any, timeout: Any
    ) -> BulkResult:
        chunks = plan(op, bodies, atomic=atomic, idempotency_key=key, account_id=account_id)
        parts = await arun_chunks(lambda c: self._request(c, timeout), chunks)
        return assemble(len(bodies), parts)

    @operation("batch_create_tasks")
    async def bulk_create_tasks(
        self,
        tasks: Iterable[TaskCreateParams | TaskCreate],
        *,
        atomic: bool = False,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> BulkResult:
        bodies = create_bodies(tasks)
        return await self._bulk(
            "batch_create_tasks", bodies, atomic, idempotency_key, account_id, timeout
        )

    @operation("batch_update_tasks")
    async def bulk_update_tasks(
        self,
        updates: Iterable[BatchTaskUpdateParams | BatchTaskUpdate],
        *,
        atomic: bool = False,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> BulkResult:
        bodies = update_bodies(updates, self._etag_for)
        return await self._bulk(
            "batch_update_tasks", bodies, atomic, idempotency_key, account_id, timeout
        )

    @operation("batch_delete_tasks")
    async def bulk_delete_tasks(
        self,
        task_ids: Iterable[Id | Task],
        *,
        atomic: bool = False,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> BulkResult:
        bodies = delete_bodies(task_ids)
        return await self._bulk(
            "batch_delete_tasks", bodies, atomic, idempotency_key, account_id, timeout
        )
