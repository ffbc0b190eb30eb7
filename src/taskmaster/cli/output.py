"""How results are printed: rich tables for people, JSON lines and CSV for scripts.

Lists are written as they arrive, page by page, so `--all` over a large account starts printing
at once and holds one page in memory. `--json` writes one JSON object per line (JSON Lines:
`jq -c`, `jq -s` or a line-by-line reader take it); `show` commands print one object.
"""

from __future__ import annotations

import csv
import enum
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, TextIO

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from .layout import Col, fit, short_ids

__all__ = [
    "AsCsv",
    "AsJson",
    "Format",
    "FormatOpt",
    "chosen_format",
    "console",
    "print_detail",
    "print_json",
    "print_rows",
    "short_time",
]


class Format(enum.Enum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (JSON Lines for lists).")]
AsCsv = Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format", help="table (fitted to the terminal), json (JSON Lines) or csv; for scripts."
    ),
]


def chosen_format(as_json: bool, as_csv: bool, fmt: Format | None = None) -> Format:
    given = [
        f for f in (Format.JSON if as_json else None, Format.CSV if as_csv else None, fmt) if f
    ]
    if len(set(given)) > 1:
        raise typer.BadParameter("--json, --csv and --format exclude each other")
    return given[0] if given else Format.TABLE


def console(stderr: bool = False) -> Console:
    # Created per use: the stream of the moment, as a test runner swaps sys.stdout.
    return Console(file=sys.stderr if stderr else sys.stdout, highlight=False)


def to_json(obj: Any) -> Any:
    """A generated model (or a plain value) in its JSON form."""
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def print_json(obj: Any, out: TextIO | None = None) -> None:
    (out or sys.stdout).write(json.dumps(to_json(obj), ensure_ascii=False) + "\n")


def short_time(value: Any) -> str:
    """A datetime as `2026-05-01 14:30` (UTC as given by the server); '' for None."""
    if value is None or not hasattr(value, "strftime"):
        return "" if value is None else str(value)
    return str(value.strftime("%Y-%m-%d %H:%M"))


def print_rows(
    pages: Iterable[Sequence[Any]],
    fmt: Format,
    columns: Sequence[Col],
    *,
    csv_row: Callable[[Any], dict[str, str]] | None = None,
    csv_columns: Sequence[str] | None = None,
    title: str | None = None,
) -> int:
    """Print every item of every page in `fmt`; returns how many were printed.

    Tables get one per page (the header on the first only), so output starts with page one.
    """
    count = 0
    writer: csv.DictWriter[str] | None = None
    for page_number, page in enumerate(pages):
        if fmt is Format.JSON:
            for item in page:
                print_json(item)
        elif fmt is Format.CSV:
            if writer is None:
                names = list(csv_columns or [column.name for column in columns])
                writer = csv.DictWriter(sys.stdout, fieldnames=names, extrasaction="ignore")
                writer.writeheader()
            for item in page:
                writer.writerow(csv_row(item) if csv_row else _cells(item, columns))
        elif page or page_number == 0:
            _print_table(page, columns, title if page_number == 0 else None, page_number == 0)
        count += len(page)
    return count


def _cells(item: Any, columns: Sequence[Col]) -> dict[str, str]:
    return {column.name: _text(column.get(item)) for column in columns}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ",".join(map(str, value))
    return str(value)


def _print_table(
    items: Sequence[Any], columns: Sequence[Col], title: str | None, header: bool
) -> None:
    # One line per row: a newline in a title would break the table as a wrap does.
    cells = [[_text(c.get(item)).replace("\n", " ") for c in columns] for item in items]
    for index, column in enumerate(columns):
        if column.short_id:
            short = short_ids([row[index] for row in cells])
            for row in cells:
                row[index] = short[row[index]]
    out = console()
    layout = fit(columns, cells, out.width)
    table = Table(
        title=title, show_header=header, title_justify="left", box=box.SIMPLE_HEAD,
        show_edge=False, pad_edge=False, padding=(0, 1), expand=False,
    )  # fmt: skip
    for column, width in zip(layout.columns, layout.widths, strict=True):
        table.add_column(column.name, width=width, no_wrap=True, overflow="ellipsis")
    positions = [columns.index(column) for column in layout.columns]
    for row in cells:
        table.add_row(*(row[i] for i in positions))
    out.print(table)


def print_detail(title: str, fields: Sequence[tuple[str, Any]]) -> None:
    """One object as a two-column grid of `name  value`."""
    table = Table(title=title, show_header=False, title_justify="left", box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for name, value in fields:
        table.add_row(name, _text(value))
    console().print(table)
