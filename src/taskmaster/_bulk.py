"""Bulk task operations: any number of items, streamed as concurrent batch requests of 100.

    result = client.bulk_create_tasks(rows, concurrency=4, progress=print)
    result.ok, result.tasks, result.failed      # per-item outcomes, in input order
    result.raise_for_failures()                 # BulkError if any item failed

How the chunks are built, sent, paced and retried is in `_bulk_run.py`; what comes back is in
`_bulk_results.py`. This module holds the client methods and what turns an input item into a
request body item.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sized
from typing import TYPE_CHECKING, Any

from ._bulk_results import BulkError, BulkItemResult, BulkResult
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
from ._pacing import ChunkRetry, Pacer
from ._params import BatchTaskUpdateParams, TaskCreateParams, build_model
from ._resources._common import operation, ref

if TYPE_CHECKING:
    from typing import Unpack

    from taskmaster_api.models import BatchTaskUpdate, Task, TaskCreate

    from ._options import RequestOptions

__all__ = ["CHUNK_SIZE", "AsyncBulkMixin", "BulkError", "BulkItemResult", "BulkMixin", "BulkResult"]

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


def delete_builder(i: int, task: Any) -> uuid.UUID:
    return ref(task, f"bulk_delete_tasks item {i}")


def _total(items: Iterable[Any]) -> int | None:
    return len(items) if isinstance(items, Sized) else None


def _options(
    atomic: bool,
    concurrency: int,
    progress: ProgressCallback | None,
    raise_on_error: bool,
    idempotency_key: str | None,
    max_chunk_retries: int,
    account_id: Any,
    request: Mapping[str, Any],
) -> BulkOptions:
    return BulkOptions(
        atomic, concurrency, progress, raise_on_error, idempotency_key, account_id, request,
        ChunkRetry(max_retries=max_chunk_retries),
    )  # fmt: skip


# The keyword options every bulk method takes (documented in docs/bulk-import.md):
#   atomic             each chunk all-or-nothing (the server's ?atomic=true)
#   concurrency        chunks in flight at once (threads in sync, tasks in async)
#   progress           progress(done, total): items finished, input length or None
#   raise_on_error     raise BulkError (holding the result) if any item failed
#   idempotency_key    chunk n is sent with "<key>-n", so a rerun of the import replays
#   max_chunk_retries  rounds of retries of a failed chunk, on top of the client's own
#   extra_headers, extra_query, timeout   as for every method, on each chunk's request


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
        *,
        atomic: bool = False,
        concurrency: int = 4,
        progress: ProgressCallback | None = None,
        raise_on_error: bool = False,
        idempotency_key: str | None = None,
        max_chunk_retries: int = 6,
        account_id: Id | None = None,
        **request: Unpack[RequestOptions],
    ) -> BulkResult:
        """Create any number of tasks from any iterable, 100 per request, `concurrency`
        requests at a time. Returns one outcome per input item; see [](bulk-import.md)."""
        options = _options(
            atomic, concurrency, progress, raise_on_error, idempotency_key, max_chunk_retries,
            account_id, request,
        )  # fmt: skip
        return self._bulk("batch_create_tasks", tasks, create_builder, options)

    @operation("batch_update_tasks")
    def bulk_update_tasks(
        self,
        updates: Iterable[BatchTaskUpdateParams | BatchTaskUpdate],
        *,
        atomic: bool = False,
        concurrency: int = 4,
        progress: ProgressCallback | None = None,
        raise_on_error: bool = False,
        idempotency_key: str | None = None,
        max_chunk_retries: int = 6,
        account_id: Id | None = None,
        **request: Unpack[RequestOptions],
    ) -> BulkResult:
        """Update any number of tasks: each item is `{"id": ..., <fields>, "if_match"?: ...}`.
        Options as for `bulk_create_tasks`."""
        options = _options(
            atomic, concurrency, progress, raise_on_error, idempotency_key, max_chunk_retries,
            account_id, request,
        )  # fmt: skip
        return self._bulk("batch_update_tasks", updates, update_builder(self._etag_for), options)

    @operation("batch_delete_tasks")
    def bulk_delete_tasks(
        self,
        task_ids: Iterable[Id | Task],
        *,
        atomic: bool = False,
        concurrency: int = 4,
        progress: ProgressCallback | None = None,
        raise_on_error: bool = False,
        idempotency_key: str | None = None,
        max_chunk_retries: int = 6,
        account_id: Id | None = None,
        **request: Unpack[RequestOptions],
    ) -> BulkResult:
        """Delete any number of tasks; a task that does not exist is a per-item 404.
        Options as for `bulk_create_tasks`."""
        options = _options(
            atomic, concurrency, progress, raise_on_error, idempotency_key, max_chunk_retries,
            account_id, request,
        )  # fmt: skip
        return self._bulk("batch_delete_tasks", task_ids, delete_builder, options)


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
        *,
        atomic: bool = False,
        concurrency: int = 4,
        progress: ProgressCallback | None = None,
        raise_on_error: bool = False,
        idempotency_key: str | None = None,
        max_chunk_retries: int = 6,
        account_id: Id | None = None,
        **request: Unpack[RequestOptions],
    ) -> BulkResult:
        options = _options(
            atomic, concurrency, progress, raise_on_error, idempotency_key, max_chunk_retries,
            account_id, request,
        )  # fmt: skip
        return await self._bulk("batch_create_tasks", tasks, create_builder, options)

    @operation("batch_update_tasks")
    async def bulk_update_tasks(
        self,
        updates: Iterable[BatchTaskUpdateParams | BatchTaskUpdate],
        *,
        atomic: bool = False,
        concurrency: int = 4,
        progress: ProgressCallback | None = None,
        raise_on_error: bool = False,
        idempotency_key: str | None = None,
        max_chunk_retries: int = 6,
        account_id: Id | None = None,
        **request: Unpack[RequestOptions],
    ) -> BulkResult:
        options = _options(
            atomic, concurrency, progress, raise_on_error, idempotency_key, max_chunk_retries,
            account_id, request,
        )  # fmt: skip
        build = update_builder(self._etag_for)
        return await self._bulk("batch_update_tasks", updates, build, options)

    @operation("batch_delete_tasks")
    async def bulk_delete_tasks(
        self,
        task_ids: Iterable[Id | Task],
        *,
        atomic: bool = False,
        concurrency: int = 4,
        progress: ProgressCallback | None = None,
        raise_on_error: bool = False,
        idempotency_key: str | None = None,
        max_chunk_retries: int = 6,
        account_id: Id | None = None,
        **request: Unpack[RequestOptions],
    ) -> BulkResult:
        options = _options(
            atomic, concurrency, progress, raise_on_error, idempotency_key, max_chunk_retries,
            account_id, request,
        )  # fmt: skip
        return await self._bulk("batch_delete_tasks", task_ids, delete_builder, options)
