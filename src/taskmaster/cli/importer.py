"""The work behind `taskmaster import`: rows in, tasks created 100 at a time, failures kept.

Rows are read lazily and handed to `bulk_create_tasks` a batch at a time (`concurrency` requests
of 100 rows each, sent in parallel by the SDK), so a file of any size needs one batch in memory. Each row is first checked alone (the SDK checks a whole
bulk call before sending any of it, and one bad row must not stop the others); rows that fail,
here or on the server, go to the failed-rows file with the reason.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._bulk import CHUNK_SIZE
from .._exceptions import APIStatusError, InvalidRequestError
from .._params import build_model
from .records import FailedRows, Row, RowError, create_fields

if TYPE_CHECKING:
    from .._client import TaskMasterClient

__all__ = ["ImportSummary", "import_rows", "server_reason"]

_ITEM_POINTER = re.compile(r"^/\d+(?=/|$)")
_ITEM_PREFIX = re.compile(r"^Item \d+\b[:.]?\s*")


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    failed: int = 0


def _batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def server_reason(error: BaseException | None) -> str:
    """Why the server refused one row, with the row's own field pointers (`/title`): the
    position the row had in its batch (`Item 6`, `/6/title`) means nothing in the file."""
    if not isinstance(error, APIStatusError):
        return str(error)
    fields = [f"{_ITEM_POINTER.sub('', f.pointer) or '/'}: {f.detail}" for f in error.errors]
    what = "; ".join(fields) or _ITEM_PREFIX.sub("", error.detail or error.message)
    request = f" (request_id: {error.request_id})" if error.request_id else ""
    return f"{error.status_code} {what}{request}"


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
            except RowError as exc:
                errors[position] = f"row {row.number}: {exc}"
            except InvalidRequestError as exc:
                errors[position] = str(exc)  # already "row N: ..." (the label given)
        if bodies:
            result = client.bulk_create_tasks(bodies, atomic=atomic, concurrency=concurrency)
            for item in result.failed:
                row = batch[valid[item.index]]
                errors[valid[item.index]] = f"row {row.number}: {server_reason(item.error)}"
            summary.created += len(result.succeeded)
        for position in sorted(errors):
            failed.write(batch[position], errors[position])
        summary.rows += len(batch)
        summary.failed = failed.count
        advance(len(batch))
    return summary
