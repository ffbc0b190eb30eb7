"""How bulk calls run: chunking the input, sending chunks concurrently, retrying them.

The input is read lazily, one chunk of 100 at a time, and at most a few chunks per worker are in
flight: a generator of 100,000 rows is never held in memory as requests. Each chunk gets its own
`Idempotency-Key` (`<idempotency_key>-<n>` when the caller gives one), reused by every retry of it,
so an answer lost after the server committed is replayed rather than written twice.

The server numbers items by their position in one request; every error the SDK hands back
numbers them by their position in the caller's input instead (`relocate`): item 150 of an import
is "Item 150" and `/150/title`, not item 50 of its chunk.

A chunk that fails as a whole is retried (see `ChunkRetry`) on top of the client's own retries;
if it still fails, its exception is recorded on each of its items and the other chunks go on.
An item that cannot be sent (a missing `title`, an unknown ETag) fails alone with
`InvalidRequestError`, before anything of it is sent. `atomic` applies per chunk: the API makes
one batch request all-or-nothing, so a chunk with such an item is not sent at all.
"""

from __future__ import annotations

import itertools
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Generator, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._bulk_results import BulkItemResult, BulkResult, Progress, assemble
from ._call import Call, make_call
from ._exceptions import (
    APIStatusError,
    InvalidRequestError,
    RateLimitError,
    TaskMasterError,
    error_for_problem,
)
from ._pacing import ChunkRetry, Pacer
from ._resources._common import account
from ._retry import _asleep as _retry_asleep

if TYPE_CHECKING:
    import httpx

__all__ = [
    "CHUNK_SIZE",
    "BulkOptions",
    "Chunk",
    "arun_chunks",
    "asend_chunk",
    "chunks_of",
    "run_chunks",
    "send_chunk",
]

CHUNK_SIZE = 100  # the batch endpoints' maxItems
Build = Callable[[int, Any], Any]  # (input index, input item) -> request body item
Part = list[BulkItemResult]

# Module attributes so tests can wait without really waiting.
_sleep: Callable[[float], None] = time.sleep
_asleep = _retry_asleep  # anyio is imported on first use (_retry.py)


@dataclass(slots=True)
class Chunk:
    """One batch request: body item i is input item `positions[i]`. `rejected` are the chunk's
    items refused before sending; `call` is None when nothing of the chunk is sent."""

    number: int
    size: int
    positions: list[int]
    inputs: list[Any]
    rejected: Part
    call: Call[Part] | None = None


@dataclass(frozen=True, slots=True)
class BulkOptions:
    atomic: bool = False
    concurrency: int = 4
    progress: Progress | None = None
    raise_on_error: bool = False
    idempotency_key: str | None = None
    account_id: Any = None
    request_options: Mapping[str, Any] = field(default_factory=dict)  # extra_headers...
    retry: ChunkRetry = field(default_factory=ChunkRetry)
    result_type: type[BulkResult] = BulkResult

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise InvalidRequestError("concurrency must be at least 1")
        if self.retry.max_retries < 0:
            raise InvalidRequestError("max_chunk_retries must be >= 0")


_ITEM_POINTER = re.compile(r"^/(\d+)(?=/|$)")
_ITEM_DETAIL = re.compile(r"^Item (\d+)\b")


def relocate(problem: dict[str, Any] | None, positions: list[int]) -> dict[str, Any] | None:
    """`problem` with the request's item positions (each `errors[].pointer`'s first segment, and
    a `detail` opening "Item <n>") replaced by the caller's: request item i is input item
    `positions[i]`. The same problem when nothing in it names an item."""
    if not problem:
        return problem

    def position(match: re.Match[str], template: str) -> str:
        index = int(match.group(1))
        return template.format(positions[index]) if index < len(positions) else match.group(0)

    out = dict(problem)
    detail = problem.get("detail")
    if isinstance(detail, str):
        out["detail"] = _ITEM_DETAIL.sub(lambda m: position(m, "Item {}"), detail, count=1)
    errors = problem.get("errors")
    if isinstance(errors, list):
        out["errors"] = [
            {**item, "pointer": _ITEM_POINTER.sub(lambda m: position(m, "/{}"), pointer)}
            if isinstance(item, dict) and isinstance(pointer := item.get("pointer"), str)
            else item
            for item in errors
        ]
    return problem if out == problem else out


def relocated_error(error: TaskMasterError, positions: list[int]) -> TaskMasterError:
    """A whole-chunk API error (an atomic chunk's 422 lists every bad item) at input positions."""
    if not isinstance(error, APIStatusError):
        return error
    problem = relocate(error.problem, positions)
    if problem is error.problem:
        return error
    moved = error_for_problem(error.status_code, problem, error.response)
    if type(moved) is not type(error):
        return error
    moved.__cause__ = error.__cause__
    return moved


def item_results(chunk: Chunk, pacer: Pacer) -> Callable[[Any, httpx.Response], Part]:
    """Converts a generated `BatchResult` into the chunk's items, at their input indexes."""

    def convert(batch: Any, response: httpx.Response) -> Part:
        from taskmaster_api.models import BatchItemFailure, Task, UpsertAction

        pacer.observe(response.headers)
        out = []
        for item in batch.results:
            if not 0 <= item.index < len(chunk.positions):
                continue  # not an item of this chunk; `assemble` reports the unanswered ones
            index = chunk.positions[item.index]
            ident = item.id if isinstance(item.id, uuid.UUID) else None
            if isinstance(item, BatchItemFailure):
                problem = relocate(item.error.to_dict(), chunk.positions)
                error = error_for_problem(item.status, problem, response)
                given = chunk.inputs[item.index]
                out.append(BulkItemResult(index, item.status, ident, None, error, given))
            else:
                task = item.task if isinstance(item.task, Task) else None
                action = item.action.value if isinstance(item.action, UpsertAction) else None
                out.append(BulkItemResult(index, item.status, ident, task, action=action))
        return out

    return convert


def chunk_failed(chunk: Chunk, error: TaskMasterError) -> Part:
    error = relocated_error(error, chunk.positions)
    status = error.status_code if isinstance(error, APIStatusError) else 0
    return [
        BulkItemResult(index, status, None, None, error, given)
        for index, given in zip(chunk.positions, chunk.inputs, strict=True)
    ]


def _build_chunk(
    first: int, items: list[Any], build: Build, atomic: bool
) -> tuple[list[Any], Chunk]:
    """Build one chunk's bodies; items that cannot be built are refused (all, if atomic)."""
    chunk = Chunk(0, len(items), [], [], [])
    bodies = []
    for index, given in enumerate(items, first):
        try:
            bodies.append(build(index, given))
        except InvalidRequestError as exc:
            chunk.rejected.append(BulkItemResult(index, 0, None, None, exc, given))
            continue
        chunk.positions.append(index)
        chunk.inputs.append(given)
    if atomic and chunk.rejected and bodies:
        bad = ", ".join(str(item.index) for item in chunk.rejected)
        reason = InvalidRequestError(f"not sent: this atomic chunk has invalid item(s) {bad}")
        chunk.rejected.extend(chunk_failed(chunk, reason))
        chunk.positions, chunk.inputs, bodies = [], [], []
    return bodies, chunk


def chunks_of(
    operation_id: str, items: Iterable[Any], build: Build, options: BulkOptions, pacer: Pacer
) -> Iterator[Chunk]:
    """The chunks of `items`, read from the input lazily, 100 at a time."""
    from taskmaster_api.api.tasks import (
        batch_create_tasks,
        batch_delete_tasks,
        batch_update_tasks,
        batch_upsert_tasks,
    )
    from taskmaster_api.models import BatchResult

    endpoint = {
        "batch_create_tasks": batch_create_tasks,
        "batch_update_tasks": batch_update_tasks,
        "batch_delete_tasks": batch_delete_tasks,
        "batch_upsert_tasks": batch_upsert_tasks,
    }[operation_id]
    source = iter(items)
    first = 0
    for number in itertools.count():
        batch = list(itertools.islice(source, CHUNK_SIZE))
        if not batch:
            return
        bodies, chunk = _build_chunk(first, batch, build, options.atomic)
        chunk.number = number
        first += len(batch)
        if bodies:
            key = options.idempotency_key
            chunk.call = make_call(
                endpoint,
                BatchResult,
                body=bodies,
                convert=item_results(chunk, pacer),
                atomic=options.atomic,
                idempotency_key=str(uuid.uuid4()) if key is None else f"{key}-{number}",
                **account(options.account_id),
            )
        yield chunk


def _after_failure(error: TaskMasterError, pacer: Pacer) -> None:
    if isinstance(error, APIStatusError):
        pacer.observe(error.response.headers)
    if isinstance(error, RateLimitError) and error.retry_after:
        pacer.block(error.retry_after)  # the whole budget is spent: every worker waits


# A chunk's sends, written once: `chunk_flow` yields a wait (seconds) or the call to send, and
# gets the call's result back (or its `TaskMasterError` thrown in); `send_chunk` and
# `asend_chunk` only sleep and send for it.
Flow = Generator["float | Call[Part]", Part | None, Part]


def chunk_flow(chunk: Chunk, pacer: Pacer, retry: ChunkRetry) -> Flow:
    """Send one chunk until it gets an answer or `retry` gives up; never raises an API error."""
    if chunk.call is None:
        return chunk.rejected
    for retries in itertools.count():
        if wait_for := pacer.delay():
            yield wait_for
        try:
            answer = yield chunk.call
        except TaskMasterError as exc:
            _after_failure(exc, pacer)
            delay = retry.wait(exc, retries)
            if delay is None:
                return chunk.rejected + chunk_failed(chunk, exc)
            yield delay
        else:
            assert answer is not None  # the shells send the call's result back
            return chunk.rejected + answer
    raise AssertionError("unreachable")  # pragma: no cover


def send_chunk(
    request: Callable[[Call[Part]], Part], chunk: Chunk, pacer: Pacer, retry: ChunkRetry
) -> Part:
    flow = chunk_flow(chunk, pacer, retry)
    try:
        step = flow.send(None)
        while True:
            if not isinstance(step, Call):
                _sleep(step)
                step = flow.send(None)
                continue
            try:
                answer = request(step)
            except TaskMasterError as exc:
                step = flow.throw(exc)
            else:
                step = flow.send(answer)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


async def asend_chunk(
    request: Callable[[Call[Part]], Awaitable[Part]], chunk: Chunk, pacer: Pacer, retry: ChunkRetry
) -> Part:
    flow = chunk_flow(chunk, pacer, retry)
    try:
        step = flow.send(None)
        while True:
            if not isinstance(step, Call):
                await _asleep(step)
                step = flow.send(None)
                continue
            try:
                answer = await request(step)
            except TaskMasterError as exc:
                step = flow.throw(exc)
            else:
                step = flow.send(answer)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


class _Collector:
    """Gathers the chunks' results and reports progress (always from the caller's thread)."""

    def __init__(self, options: BulkOptions, total: int | None) -> None:
        self.parts: list[Part] = []
        self.done = 0
        self.seen = 0
        self._progress = options.progress
        self._total = total

    def add(self, part: Part) -> None:
        self.parts.append(part)
        self.done += len(part)
        if self._progress is not None:
            self._progress(self.done, self._total)

    def result(self, options: BulkOptions) -> BulkResult:
        result = assemble(self.seen, self.parts, options.result_type)
        if options.raise_on_error:
            result.raise_for_failures()
        return result


def run_chunks(
    send: Callable[[Chunk], Part], chunks: Iterator[Chunk], options: BulkOptions, total: int | None
) -> BulkResult:
    """Send the chunks on `concurrency` threads, at most two per thread queued or in flight."""
    out = _Collector(options, total)
    if options.concurrency == 1:
        for chunk in chunks:
            out.seen += chunk.size
            out.add(send(chunk))
        return out.result(options)
    with ThreadPoolExecutor(options.concurrency, thread_name_prefix="taskmaster-bulk") as pool:
        pending: set[Future[Part]] = set()
        for chunk in chunks:
            out.seen += chunk.size
            while len(pending) >= 2 * options.concurrency:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    out.add(future.result())
            pending.add(pool.submit(send, chunk))
        for future in pending:
            out.add(future.result())
    return out.result(options)


async def arun_chunks(
    send: Callable[[Chunk], Awaitable[Part]],
    chunks: Iterator[Chunk],
    options: BulkOptions,
    total: int | None,
) -> BulkResult:
    """Send the chunks as tasks of one anyio task group (asyncio or trio), at most
    `concurrency` at a time; the input is read only as slots free up."""
    import anyio

    out = _Collector(options, total)
    slots = anyio.Semaphore(options.concurrency)

    async def run(chunk: Chunk) -> None:
        try:
            out.add(await send(chunk))
        finally:
            slots.release()

    try:
        async with anyio.create_task_group() as group:
            for chunk in chunks:
                out.seen += chunk.size
                await slots.acquire()
                group.start_soon(run, chunk)
    except BaseExceptionGroup as errors:  # the input or a chunk raised: raise that, unwrapped
        if len(errors.exceptions) == 1:
            raise errors.exceptions[0] from None
        raise
    return out.result(options)
