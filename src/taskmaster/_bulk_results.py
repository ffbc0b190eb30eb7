"""What a bulk call returns: `BulkResult`, one `BulkItemResult` per input item, `BulkError`."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._exceptions import InvalidRequestError, TaskMasterError

if TYPE_CHECKING:
    from taskmaster_api.models import Task

__all__ = ["BulkError", "BulkItemResult", "BulkResult", "BulkUpsertResult", "Progress"]

#: `progress(done, total)`: items finished so far, and the input's length (None if unknown).
Progress = Callable[[int, "int | None"], None]


@dataclass(frozen=True, slots=True)
class BulkItemResult:
    """The outcome of one input item. `status` is what a single call would have answered
    (0 when no answer came for it). A failed item keeps its `input`, to fix or send again.
    `action` is what an upsert item did (`"created"`, `"updated"`, `"unchanged"`), else None."""

    index: int
    status: int
    id: uuid.UUID | None = None
    task: Task | None = None
    error: TaskMasterError | None = None
    input: Any = None
    action: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class BulkError(TaskMasterError):
    """Raised by `BulkResult.raise_for_failures()` (and `raise_on_error=True`); `result` holds
    every outcome."""

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
    def succeeded_count(self) -> int:
        return sum(1 for item in self.items if item.ok)

    @property
    def failed_count(self) -> int:
        return len(self.items) - self.succeeded_count

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
class BulkUpsertResult(BulkResult):
    """What `bulk_upsert_tasks` returns: every item's outcome, and how many of them were
    `created`, `updated` (some field given differed), left `unchanged` (nothing written) or
    failed. A second run over the same rows is all `unchanged`."""

    def _count(self, action: str) -> int:
        return sum(1 for item in self.items if item.ok and item.action == action)

    @property
    def created(self) -> int:
        return self._count("created")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def counts(self) -> dict[str, int]:
        """`{"created": n, "updated": n, "unchanged": n, "failed": n}`."""
        out = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        for item in self.items:
            if not item.ok:
                out["failed"] += 1
            elif item.action in out:
                out[item.action] += 1
        return out


def assemble(
    total: int, parts: Iterable[list[BulkItemResult]], result_type: type[BulkResult] = BulkResult
) -> BulkResult:
    """One result per input index; an index the server left out is reported as failed."""
    items: list[BulkItemResult | None] = [None] * total
    for part in parts:
        for item in part:
            if 0 <= item.index < total:
                items[item.index] = item
    missing = InvalidRequestError("the server's batch result did not mention this item")
    return result_type(
        [item or BulkItemResult(i, 0, None, None, missing) for i, item in enumerate(items)]
    )
