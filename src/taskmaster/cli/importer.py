"""The work behind `taskmaster import`: rows in, tasks created 100 at a time, failures kept.

Rows are read lazily and handed to `bulk_create_tasks` a batch at a time (`concurrency` requests
of 100 rows each, sent in parallel by the SDK), so a file of any size needs one batch in memory. Each row is first checked alone (the SDK checks a whole
bulk call before sending any of it, and one bad row must not stop the others); rows that fail,
here or on the server, go to the failed-rows file with the reason.

With a `key` (`--key external_id`) each row is upserted instead (`bulk_upsert_tasks`): a row
whose task exists is updated, or left unchanged, so a re-run writes nothing. A file's columns
are checked before any row is sent (`plan_columns`): one error names every column that is not a
field, rather than the same error on every row.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._bulk import CHUNK_SIZE, UPSERT_KEYS
from .._exceptions import APIStatusError, InvalidRequestError
from .._params import build_model, field_names
from .errors import CliError, ExitCode
from .records import ERROR_FIELD, SERVER_OWNED, Columns, FailedRows, Row, RowError, create_fields

if TYPE_CHECKING:
    from .._client import TaskMasterClient

__all__ = ["ImportSummary", "import_rows", "plan_columns", "server_reason", "task_fields"]

_ITEM_POINTER = re.compile(r"^/\d+(?=/|$)")
_ITEM_PREFIX = re.compile(r"^Item \d+\b[:.]?\s*")


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0


def task_fields() -> frozenset[str]:
    """The fields a row may set: those of a new task."""
    from taskmaster_api.models import TaskCreate

    return field_names(TaskCreate)


def _names(names: Iterable[str]) -> str:
    return ", ".join(map(repr, names))


def plan_columns(
    columns: list[str],
    maps: list[str],
    *,
    ignore_unknown: bool = False,
    key: str | None = None,
    where: str = "the file",
) -> Columns:
    """How the file's `columns` are read, or one `CliError` naming every problem with them:
    a `--map` that is not `COLUMN=FIELD` of a column of the file and a task field, a column that
    is not a field (unless `ignore_unknown`), or no column for the `key`."""
    fields = task_fields()
    choices = ", ".join(sorted(fields))
    rename: dict[str, str] = {}
    for given in maps:
        column, sep, name = given.rpartition("=")
        column, name = column.strip(), name.strip()
        if not sep or not column:
            raise CliError(f"--map {given!r}: expected COLUMN=FIELD", ExitCode.USAGE)
        if name not in fields:
            raise CliError(
                f"--map {given!r}: {name!r} is not a task field; the fields are {choices}",
                ExitCode.USAGE,
            )
        if column not in columns:
            raise CliError(
                f"--map {given!r}: {where} has no column {column!r}; its columns are "
                f"{_names(columns)}",
                ExitCode.USAGE,
            )
        rename[column] = name
    own = SERVER_OWNED | {ERROR_FIELD}
    unknown = [c for c in columns if c not in rename and c not in fields and c not in own]
    if unknown and not ignore_unknown:
        example = f"{unknown[0]}=FIELD"
        raise CliError(
            f"{where} has {len(unknown)} column(s) that are not task fields: {_names(unknown)}. "
            f'Read one as a field with --map "{example}" (repeatable; the fields are {choices}), '
            "or skip them with --ignore-unknown. No row was sent.",
            ExitCode.USAGE,
        )
    if key is not None:
        if key not in UPSERT_KEYS:
            raise CliError(
                f"--key {key!r} is not an upsert key; choose one of {_names(UPSERT_KEYS)}",
                ExitCode.USAGE,
            )
        read_as = {rename.get(c, c) for c in columns if c not in unknown}
        if key not in read_as:
            raise CliError(
                f"--key {key}: {where} has no {key!r} column; name the column that holds it "
                f'with --map "COLUMN={key}"',
                ExitCode.USAGE,
            )
    return Columns(rename=rename, drop=frozenset(unknown))


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


def _checked(row: Row, project_id: str | None, key: str | None) -> Any:
    """The row as a `TaskCreate` (a `TaskUpsert` with a `key`), or RowError or
    InvalidRequestError saying why it cannot be."""
    from taskmaster_api.models import TaskCreate, TaskUpsert

    fields = create_fields(row, project_id)
    if key is None:
        return build_model(TaskCreate, fields, f"row {row.number}")
    if fields.get(key) in (None, ""):
        raise RowError(f"no {key}: the row cannot be matched to a task")
    return build_model(TaskUpsert, fields, f"row {row.number}")


def import_rows(
    client: TaskMasterClient,
    rows: Iterable[Row],
    failed: FailedRows,
    *,
    project_id: str | None = None,
    atomic: bool = False,
    concurrency: int = 4,
    key: str | None = None,
    advance: Callable[[int], None] = lambda n: None,
) -> ImportSummary:
    """Create a task per row (upsert it by `key`, if given); `advance(n)` is called after each
    batch of n rows."""
    summary = ImportSummary()
    for batch in _batches(rows, CHUNK_SIZE * concurrency):
        errors: dict[int, str] = {}  # position in batch -> why; written in input order
        valid: list[int] = []
        bodies: list[Any] = []
        for position, row in enumerate(batch):
            try:
                bodies.append(_checked(row, project_id, key))
                valid.append(position)
            except RowError as exc:
                errors[position] = f"row {row.number}: {exc}"
            except InvalidRequestError as exc:
                errors[position] = str(exc)  # already "row N: ..." (the label given)
        if bodies and key is not None:
            upserted = client.bulk_upsert_tasks(
                bodies, key=key, atomic=atomic, concurrency=concurrency
            )
            summary.created += upserted.created
            summary.updated += upserted.updated
            summary.unchanged += upserted.unchanged
            failures = upserted.failed
        elif bodies:
            result = client.bulk_create_tasks(bodies, atomic=atomic, concurrency=concurrency)
            summary.created += len(result.succeeded)
            failures = result.failed
        if bodies:
            for item in failures:
                row = batch[valid[item.index]]
                errors[valid[item.index]] = f"row {row.number}: {server_reason(item.error)}"
        for position in sorted(errors):
            failed.write(batch[position], errors[position])
        summary.rows += len(batch)
        summary.failed = failed.count
        advance(len(batch))
    return summary
