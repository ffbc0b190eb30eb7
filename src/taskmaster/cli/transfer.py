"""`taskmaster import FILE` and `taskmaster export`: tasks in and out as CSV or JSON Lines."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import ids
from .complete import complete_project
from .context import connect
from .errors import ExitCode
from .filters import (
    DueAfter,
    DueBefore,
    PriorityOpt,
    ProjectOpt,
    Search,
    Sort,
    StatusOpt,
    TagOpt,
    UpdatedSince,
    task_filters,
)
from .importer import import_rows, plan_columns
from .output import console, print_json
from .records import (
    CSV_COLUMNS,
    FailedRows,
    FileFormat,
    count_rows,
    csv_header,
    csv_row,
    detect_format,
    file_columns,
    format_of,
    read_rows,
)

__all__ = ["export_tasks", "import_tasks"]

FormatOpt = Annotated[
    FileFormat | None,
    typer.Option(
        "--format",
        help="csv or jsonl (JSON Lines; import also reads a JSON array). Default for import: "
        "from the content; for export: from the file name, else jsonl.",
    ),
]


def default_failed_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.failed{path.suffix or '.jsonl'}")


def import_tasks(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="A CSV file, a JSON array or JSON Lines (told apart by content).",
        ),
    ],
    fmt: FormatOpt = None,
    failed_path: Annotated[
        Path | None,
        typer.Option(
            "--failed",
            dir_okay=False,
            help="Where failed rows go, with an `error` column (default: FILE.failed.EXT).",
        ),
    ] = None,
    project: Annotated[
        str | None,
        typer.Option(
            "--project",
            metavar="PROJECT",
            help="Put every task in this project (name or id).",
            autocompletion=complete_project,
        ),
    ] = None,
    atomic: Annotated[bool, typer.Option(help="All or nothing per batch of 100 rows.")] = False,
    concurrency: Annotated[
        int, typer.Option(min=1, max=16, help="Requests of 100 rows sent at a time.")
    ] = 4,
    key: Annotated[
        str | None,
        typer.Option(
            "--key",
            metavar="FIELD",
            help="Upsert by this field (external_id): a row whose task exists updates it, so "
            "importing the file again changes nothing.",
        ),
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COLUMN=FIELD",
            help='Read a column as a task field, e.g. --map "Ticket ID=external_id" (repeatable).',
        ),
    ] = None,
    ignore_unknown: Annotated[
        bool,
        typer.Option(
            "--ignore-unknown", help="Skip columns that are not task fields instead of stopping."
        ),
    ] = False,
) -> None:
    """Create tasks from a file (or upsert them with --key), 100 per request; failed rows go to
    a file to fix and re-import."""
    file_format = detect_format(file, fmt)
    failed_file = failed_path or default_failed_path(file)
    header = csv_header(file) if file_format is FileFormat.CSV else None
    with connect(ctx) as client:
        # The columns first: a file that cannot be read right is one error, and sends nothing.
        columns = plan_columns(
            file_columns(file, file_format), maps or [], ignore_unknown=ignore_unknown,
            key=key, where=file.name,
        )  # fmt: skip
        client.get_me()  # fail on a missing login before reading the rows
        project = ids.project_id(client, project)
        total = count_rows(file, file_format)
        with FailedRows(failed_file, file_format, header) as failed, _progress() as progress:
            bar = progress.add_task(f"importing {file.name}", total=total)
            summary = import_rows(
                client, read_rows(file, file_format, columns), failed, project_id=project,
                atomic=atomic, concurrency=concurrency, key=key,
                advance=lambda n: progress.advance(bar, n),
            )  # fmt: skip
    if key is None:
        typer.echo(f"Imported {summary.created} of {summary.rows} rows from {file}.")
    else:
        typer.echo(
            f"Upserted {summary.rows} rows from {file} by {key}: {summary.created} created, "
            f"{summary.updated} updated, {summary.unchanged} unchanged, {summary.failed} failed."
        )
    if summary.failed:
        typer.echo(
            f"{summary.failed} row(s) failed; they are in {failed_file} with an `error` "
            "column: fix them and import that file.",
            err=True,
        )
        raise typer.Exit(ExitCode.SOME_ROWS_FAILED)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=False,
    )


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as f:
        yield f


def export_tasks(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False, help="Write here instead of stdout."),
    ] = None,
    fmt: FormatOpt = None,
    project: ProjectOpt = None,
    status: StatusOpt = None,
    priority: PriorityOpt = None,
    tag: TagOpt = None,
    due_before: DueBefore = None,
    due_after: DueAfter = None,
    updated_since: UpdatedSince = None,
    search: Search = None,
    sort: Sort = None,
) -> None:
    """Write every matching task as JSON Lines or CSV, streaming page by page."""
    file_format = format_of(output, fmt)
    count = 0
    with connect(ctx) as client:
        # Resolved before the output file is created: a bad --project leaves no empty file.
        filters = task_filters(
            project=ids.project_id(client, project), status=status, priority=priority, tag=tag,
            due_before=due_before, due_after=due_after, updated_since=updated_since,
            search=search, sort=sort,
        )  # fmt: skip
        with _output(output) as out:
            writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
            if file_format is FileFormat.CSV:
                writer.writeheader()
            for task in client.list_tasks(filters, limit=100):
                if file_format is FileFormat.CSV:
                    writer.writerow(csv_row(task))
                else:
                    print_json(task, out)
                count += 1
    if output is not None:
        typer.echo(f"Exported {count} task(s) to {output}.", err=True)
