"""Bulk task operations: any number of items, streamed as concurrent batch requests of 100.

    result = client.bulk_create_tasks(rows, concurrency=4, progress=print)
    result.ok, result.tasks, result.failed      # per-item outcomes, in input order
    result.raise_for_failures()                 # BulkError if any item failed

    result = client.bulk_upsert_tasks(rows)     # create or update each by its external_id
    result.created, result.updated, result.unchanged, result.failed_count

How the chunks are built, sent, paced and retried is in `_bulk_run.py`; what comes back is in
`_bulk_results.py`. This module holds the client methods and what turns an input item into a
request body item.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sized
from typing import TYPE_CHECKING, Any

from ._bulk_results import BulkError, BulkItemResult, BulkResult, BulkUpsertResult
from ._bulk_run import (
    CHUNK_SIZE,
    Build,
    BulkOptions,
    Chunk,
    Part,
    arun_chunks,
    asend_chunk,
    chunks_of,
    run_chunks,
    send_chunk,
)
from ._call import AsyncRequester, SyncRequester
from ._exceptions import InvalidRequestError
from ._options import RequestOptions
from ._pacing import ChunkRetry, Pacer
from ._params import BatchTaskUpdateParams, TaskCreateParams, build_model
from ._resources._common import operation, ref

if TYPE_CHECKING:
    from typing import Unpack

    from taskmaster_api.models import BatchTaskUpdate, Task, TaskCreate, TaskUpsert

    from ._generated._params import TaskUpsertParams

__all__ = [
    "CHUNK_SIZE",
    "UPSERT_KEYS",
    "AsyncBulkMixin",
    "BulkCallOptions",
    "BulkError",
    "BulkItemResult",
    "BulkMixin",
    "BulkResult",
    "BulkUpsertResult",
]

Id = uuid.UUID | str
ProgressCallback = Callable[[int, "int | None"], None]


def create_builder(i: int, item: TaskCreateParams | TaskCreate) -> TaskCreate:
    from taskmaster_api.models import TaskCreate

    return build_model(TaskCreate, item, f"bulk_create_tasks item {i}")


def update_builder(etag_for: Callable[[Any, str], str]) -> Build:
    def build(i: int, update: BatchTaskUpdateParams | BatchTaskUpdate) -> BatchTaskUpdate:
        from taskmaster_api.models import BatchTaskUpdate

        what = f"bulk_update_tasks item {i}"
        if isinstance(update, Mapping) and update.get("if_match") is not None:
            update = {**update, "if_match": etag_for(update["if_match"], what)}
        return build_model(BatchTaskUpdate, update, what)

    return build


# The fields an upsert finds a task by: the spec's `TaskUpsert` `x-upsert-key` less `project_id`,
# which is the scope the key is looked up in (tests/sdk/test_bulk_upsert.py checks the spec).
UPSERT_KEYS = ("external_id",)


def upsert_builder(key: str) -> Build:
    if key not in UPSERT_KEYS:
        raise InvalidRequestError(
            f"bulk_upsert_tasks: key={key!r} is not an upsert key; choose one of "
            + ", ".join(map(repr, UPSERT_KEYS))
        )

    def build(i: int, item: TaskUpsertParams | TaskUpsert) -> TaskUpsert:
        from taskmaster_api.models import TaskUpsert

        what = f"bulk_upsert_tasks item {i}"
        if isinstance(item, Mapping) and item.get(key) in (None, ""):
            raise InvalidRequestError(f"{what}: no {key!r}, the key the task is upserted by")
        return build_model(TaskUpsert, item, what)

    return build


def delete_builder(i: int, task: Any) -> uuid.UUID:
    return ref(task, f"bulk_delete_tasks item {i}")


def _total(items: Iterable[Any]) -> int | None:
    return len(items) if isinstance(items, Sized) else None


class BulkCallOptions(RequestOptions, total=False):
    """The keywords every bulk method takes (docs/bulk-import.md), besides `RequestOptions`
    (`extra_headers`, `extra_query`, `timeout`, `max_retries`: applied to each chunk's request).

    `atomic` (False): each chunk all-or-nothing (the server's `?atomic=true`).
    `concurrency` (4): chunks in flight at once (threads in sync, tasks in async).
    `progress` (None): `progress(done, total)`: items finished, the input's length or None.
    `raise_on_error` (False): raise `BulkError` (holding the result) if any item failed.
    `idempotency_key` (None): chunk n is sent with `"<key>-n"`, so a rerun of the import replays.
    `max_chunk_retries` (6): rounds of retries of a failed chunk, on top of the client's own.
    `account_id` (None): act in that account.
    """

    atomic: bool
    concurrency: int
    progress: ProgressCallback | None
    raise_on_error: bool
    idempotency_key: str | None
    max_chunk_retries: int
    account_id: Id | None


_BULK_KEYS = frozenset(BulkCallOptions.__optional_keys__) - frozenset(
    RequestOptions.__optional_keys__
)


def _options(given: Mapping[str, Any], result_type: type[BulkResult] = BulkResult) -> BulkOptions:
    """The bulk call's options, with their defaults; the rest goes on each chunk's request."""
    return BulkOptions(
        result_type=result_type,
        atomic=given.get("atomic", False),
        concurrency=given.get("concurrency", 4),
        progress=given.get("progress"),
        raise_on_error=given.get("raise_on_error", False),
        idempotency_key=given.get("idempotency_key"),
        account_id=given.get("account_id"),
        request_options={k: v for k, v in given.items() if k not in _BULK_KEYS},
        retry=ChunkRetry(max_retries=given.get("max_chunk_retries", 6)),
    )


class BulkMixin(SyncRequester):
    def _bulk(
        self, op: str, items: Iterable[Any], build: Build, options: BulkOptions
    ) -> BulkResult:
        pacer = Pacer(reserve=2 * options.concurrency)
        request = options.request_options

        def send(chunk: Chunk) -> Part:
            return send_chunk(lambda c: self._request(c, request), chunk, pacer, options.retry)

        chunks = chunks_of(op, items, build, options, pacer)
        return run_chunks(send, chunks, options, _total(items))

    @operation("batch_create_tasks")
    def bulk_create_tasks(
        self,
        tasks: Iterable[TaskCreateParams | TaskCreate],
        **options: Unpack[BulkCallOptions],
    ) -> BulkResult:
        """Create any number of tasks from any iterable, 100 per request, `concurrency`
        requests at a time. Returns one outcome per input item; see [](bulk-import.md)."""
        return self._bulk("batch_create_tasks", tasks, create_builder, _options(options))

    @operation("batch_update_tasks")
    def bulk_update_tasks(
        self,
        updates: Iterable[BatchTaskUpdateParams | BatchTaskUpdate],
        **options: Unpack[BulkCallOptions],
    ) -> BulkResult:
        """Update any number of tasks: each item is `{"id": ..., <fields>, "if_match"?: ...}`.
        Options as for `bulk_create_tasks`."""
        build = update_builder(self._etag_for)
        return self._bulk("batch_update_tasks", updates, build, _options(options))

    @operation("batch_delete_tasks")
    def bulk_delete_tasks(
        self,
        task_ids: Iterable[Id | Task],
        **options: Unpack[BulkCallOptions],
    ) -> BulkResult:
        """Delete any number of tasks; a task that does not exist is a per-item 404.
        Options as for `bulk_create_tasks`."""
        return self._bulk("batch_delete_tasks", task_ids, delete_builder, _options(options))

    @operation("batch_upsert_tasks")
    def bulk_upsert_tasks(
        self,
        tasks: Iterable[TaskUpsertParams | TaskUpsert],
        key: str = "external_id",
        **options: Unpack[BulkCallOptions],
    ) -> BulkUpsertResult:
        """Create or update any number of tasks by `(project_id, external_id)`, 100 per request:
        each item is a `TaskUpsert` (`external_id` required). Returns each item's outcome and
        its `action`, and the counts `created`, `updated`, `unchanged` and `failed_count`; a
        second run over unchanged rows writes nothing. Options as for `bulk_create_tasks`;
        see [](sync-by-external-id.md)."""
        build = upsert_builder(key)
        result = self._bulk("batch_upsert_tasks", tasks, build, _options(options, BulkUpsertResult))
        assert isinstance(result, BulkUpsertResult)
        return result


class AsyncBulkMixin(AsyncRequester):
    async def _bulk(
        self, op: str, items: Iterable[Any], build: Build, options: BulkOptions
    ) -> BulkResult:
        pacer = Pacer(reserve=2 * options.concurrency)
        request = options.request_options

        async def send(chunk: Chunk) -> Part:
            return await asend_chunk(
                lambda c: self._request(c, request), chunk, pacer, options.retry
            )

        chunks = chunks_of(op, items, build, options, pacer)
        return await arun_chunks(send, chunks, options, _total(items))

    @operation("batch_create_tasks")
    async def bulk_create_tasks(
        self,
        tasks: Iterable[TaskCreateParams | TaskCreate],
        **options: Unpack[BulkCallOptions],
    ) -> BulkResult:
        return await self._bulk("batch_create_tasks", tasks, create_builder, _options(options))

    @operation("batch_update_tasks")
    async def bulk_update_tasks(
        self,
        updates: Iterable[BatchTaskUpdateParams | BatchTaskUpdate],
        **options: Unpack[BulkCallOptions],
    ) -> BulkResult:
        build = update_builder(self._etag_for)
        return await self._bulk("batch_update_tasks", updates, build, _options(options))

    @operation("batch_delete_tasks")
    async def bulk_delete_tasks(
        self,
        task_ids: Iterable[Id | Task],
        **options: Unpack[BulkCallOptions],
    ) -> BulkResult:
        return await self._bulk("batch_delete_tasks", task_ids, delete_builder, _options(options))

    @operation("batch_upsert_tasks")
    async def bulk_upsert_tasks(
        self,
        tasks: Iterable[TaskUpsertParams | TaskUpsert],
        key: str = "external_id",
        **options: Unpack[BulkCallOptions],
    ) -> BulkUpsertResult:
        build = upsert_builder(key)
        result = await self._bulk(
            "batch_upsert_tasks", tasks, build, _options(options, BulkUpsertResult)
        )
        assert isinstance(result, BulkUpsertResult)
        return result
