"""The work behind `taskmaster import`: rows in, tasks created 100 at a time, failures kept.

Rows are read lazily and handed to `bulk_create_tasks` a batch at a time (`concurrency` requests
of 100 rows each, sent in parallel by the SDK), so a file of any size needs one batch in memory. Each row is first checked alone (the SDK checks a whole
bulk call before sending any of it, and one bad row must not stop the others); rows that fail,
here or on the server, go to the failed-rows file with the reason.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._bulk import CHUNK_SIZE
from .._exceptions import InvalidRequestError
from .._params import build_model
from .records import FailedRows, Row, RowError, create_fields

if TYPE_CHECKING:
    from .._client import TaskMasterClient

__all__ = ["ImportSummary", "import_rows"]


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    failed: int = 0


def _batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _checked(row: Row, project_id: str | None) -> Any:
    """The row as a `TaskCreate`, or RowError/InvalidRequestError saying why it cannot be."""
    from taskmaster_api.models import TaskCreate

    return build_model(TaskCreate, create_fields(row, project_id), f"row {row.number}")


def import_rows(
    client: TaskMasterClient,
    rows: Iterable[Row],
    failed: FailedRows,
    *,
    project_id: str | None = None,
    atomic: bool = False,
    concurrency: int = 4,
    advance: Callable[[int], None] = lambda n: None,
) -> ImportSummary:
    """Create a task per row; `advance(n)` is called after each batch of n rows."""
    summary = ImportSummary()
    for batch in _batches(rows, CHUNK_SIZE * concurrency):
        errors: dict[int, str] = {}  # position in batch -> why; written in input order
        valid: list[int] = []
        bodies: list[Any] = []
        for position, row in enumerate(batch):
            try:
                bodies.append(_checked(row, project_id))
                valid.append(position)
            except (RowError, InvalidRequestError) as exc:
                errors[position] = str(exc)
        if bodies:
            result = client.bulk_create_tasks(bodies, atomic=atomic, concurrency=concurrency)
            for item in result.failed:
                errors[valid[item.index]] = str(item.error)
            summary.created += len(result.succeeded)
        for position in sorted(errors):
            failed.write(batch[position], errors[position])
        summary.rows += len(batch)
        summary.failed = failed.count
        advance(len(batch))
    return summary
