"""Tasks as file rows: the CSV and JSON Lines formats `export` writes and `import` reads.

One row per task. JSON Lines rows are `Task.to_dict()`; CSV rows are flat: `tags` joined with
commas, `metadata` as a JSON object. `import` reads the fields of a new task (`title`,
`description`, `status`, `priority`, `tags`, `due_at`, `project_id`, `metadata`) and skips the
ones the server owns (`id`, `created_at`, `version`, `subtasks`, ...) and `error`, so an export
and a failed-rows file can both be imported as they are. A `Columns` plan renames a file's own
columns to fields (`--map`) and drops the ones to ignore (`--ignore-unknown`) as rows are read.
"""

from __future__ import annotations

import csv
import enum
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

__all__ = [
    "CSV_COLUMNS",
    "SERVER_OWNED",
    "Columns",
    "FailedRows",
    "FileFormat",
    "Row",
    "RowError",
    "count_rows",
    "create_fields",
    "csv_header",
    "csv_row",
    "detect_format",
    "file_columns",
    "format_of",
    "read_rows",
]

CSV_COLUMNS = (
    "id",
    "title",
    "description",
    "status",
    "priority",
    "tags",
    "due_at",
    "project_id",
    "external_id",
    "metadata",
    "created_at",
    "updated_at",
    "completed_at",
    "version",
)
SERVER_OWNED = frozenset(
    {"id", "account_id", "created_at", "updated_at", "completed_at", "version", "subtasks"}
)
ERROR_FIELD = "error"


class FileFormat(enum.Enum):
    CSV = "csv"
    JSONL = "jsonl"


JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
CHUNK = 64 * 1024


def format_of(path: Path | None, given: FileFormat | None) -> FileFormat:
    """The format asked for, else the one the file name says (`.csv`), else JSON Lines."""
    if given is not None:
        return given
    if path is not None and path.suffix.lower() == ".csv":
        return FileFormat.CSV
    return FileFormat.JSONL


def detect_format(path: Path, given: FileFormat | None) -> FileFormat:
    """An input file's format: the one asked for, else what its content starts with (`[` or
    `{`: JSON), else its name (`.json`, `.jsonl`: JSON; anything else: CSV)."""
    if given is not None:
        return given
    first = _first_char(path)
    if first in ("[", "{") or path.suffix.lower() in JSON_SUFFIXES:
        return FileFormat.JSONL
    return FileFormat.CSV


def _first_char(path: Path) -> str:
    with _open(path) as f:
        while chunk := f.read(CHUNK):
            stripped = chunk.lstrip()
            if stripped:
                return stripped[0]
    return ""


@dataclass(frozen=True)
class Columns:
    """How a file's columns become fields: `rename` (column -> field), `drop` (columns)."""

    rename: dict[str, str] = field(default_factory=dict)
    drop: frozenset[str] = frozenset()

    def name(self, column: str) -> str | None:
        """The field a column is read as, or None to skip it."""
        if column in self.drop:
            return None
        name = self.rename.get(column, column)
        return None if name in SERVER_OWNED or name == ERROR_FIELD else name


AS_IS = Columns()


def file_columns(path: Path, fmt: FileFormat) -> list[str]:
    """A file's columns: a CSV header, or every key of a JSON file's rows (one pass)."""
    if fmt is FileFormat.CSV:
        return csv_header(path)
    seen: dict[str, None] = {}
    for row in read_rows(path, fmt):
        if isinstance(row.raw, dict):
            seen.update(dict.fromkeys(row.raw))
    return list(seen)


class RowError(Exception):
    """A row that cannot become a task (not JSON, a bad `metadata` cell)."""


@dataclass
class Row:
    """One input row and `number`, where the file has it: the line of a JSON Lines file, the
    row of a CSV file as a spreadsheet shows it (the header is row 1), the item of a JSON
    array (from 1). `raw` is what the file held."""

    number: int
    raw: dict[str, Any] | str
    error: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def csv_row(task: Any) -> dict[str, str]:
    """A task as a flat CSV row (every value a string)."""
    data = task.to_dict()
    row = {name: data.get(name) for name in CSV_COLUMNS}
    row["tags"] = ",".join(data.get("tags") or [])
    row["metadata"] = json.dumps(data.get("metadata") or {}, ensure_ascii=False)
    return {k: "" if v is None else str(v) for k, v in row.items()}


def _open(path: Path) -> IO[str]:
    # newline="" lets the csv module handle line ends inside quoted cells.
    return path.open("r", encoding="utf-8-sig", newline="")


def read_rows(path: Path, fmt: FileFormat, columns: Columns = AS_IS) -> Iterator[Row]:
    """The file's rows, lazily; a row that cannot be read carries `error` instead of failing."""
    with _open(path) as f:
        if fmt is FileFormat.CSV:
            reader = csv.DictReader(f)
            start = 2  # the header is line 1
            for record in reader:
                yield _from_csv(start, record, columns)
                start = reader.line_num + 1
            return
        if _first_char(path) == "[":
            yield from _array_rows(f, columns)
            return
        for number, line in enumerate(f, start=1):
            if line.strip():
                yield _from_jsonl(number, line.rstrip("\r\n"), columns)


def count_rows(path: Path, fmt: FileFormat) -> int:
    """How many rows `read_rows` will yield (one cheap pass, for the progress bar)."""
    if fmt is not FileFormat.CSV and _first_char(path) == "[":
        return sum(1 for _ in read_rows(path, fmt))
    with _open(path) as f:
        if fmt is FileFormat.CSV:
            return sum(1 for _ in csv.DictReader(f))
        return sum(1 for line in f if line.strip())


def _from_csv(number: int, record: dict[str | Any, Any], columns: Columns) -> Row:
    raw = {str(k): v for k, v in record.items() if k is not None}
    fields: dict[str, Any] = {}
    try:
        for column, value in raw.items():
            name = columns.name(column)
            if name is None or value in (None, ""):
                continue
            if name == "tags":
                fields[name] = [tag.strip() for tag in value.split(",") if tag.strip()]
            elif name == "metadata":
                fields[name] = _json_object(value, "metadata")
            else:
                fields[name] = value
    except RowError as exc:
        return Row(number, raw, error=str(exc))
    return Row(number, raw, fields=fields)


def _from_jsonl(number: int, line: str, columns: Columns) -> Row:
    try:
        data = _json_object(line, "the row")
    except RowError as exc:
        return Row(number, line, error=str(exc))
    return _from_object(number, data, columns)


def _from_object(number: int, data: dict[str, Any], columns: Columns) -> Row:
    fields = {
        name: v for k, v in data.items() if (name := columns.name(k)) is not None and v is not None
    }
    return Row(number, data, fields=fields)


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise RowError(f"{what} is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise RowError(f"{what} must be a JSON object, got {type(value).__name__}")
    return value


def create_fields(row: Row, project_id: str | None) -> dict[str, Any]:
    """The `TaskCreate` fields of a row; `project_id` (the `--project` option) wins."""
    if row.error is not None:
        raise RowError(row.error)
    return {**row.fields, "project_id": project_id} if project_id else dict(row.fields)


class FailedRows:
    """Writes rows that failed, as they were read plus an `error`, to a file created on the
    first failure (so a clean import leaves no file behind)."""

    def __init__(self, path: Path, fmt: FileFormat, header: list[str] | None) -> None:
        self.path = path
        self.fmt = fmt
        self.count = 0
        self._header = [*(header or []), *([] if ERROR_FIELD in (header or []) else [ERROR_FIELD])]
        self._file: IO[str] | None = None
        self._csv: csv.DictWriter[str] | None = None

    def write(self, row: Row, error: str) -> None:
        if self._file is None:
            self._file = self.path.open("w", encoding="utf-8", newline="")
            if self.fmt is FileFormat.CSV:
                self._csv = csv.DictWriter(self._file, fieldnames=self._header, restval="")
                self._csv.writeheader()
        self.count += 1
        if self._csv is not None:
            record = dict(row.raw) if isinstance(row.raw, dict) else {}
            self._csv.writerow({**record, ERROR_FIELD: error})
        elif isinstance(row.raw, dict):
            self._file.write(json.dumps({**row.raw, ERROR_FIELD: error}, ensure_ascii=False) + "\n")
        else:  # a line that was not a JSON object: keep it, so nothing is lost
            self._file.write(json.dumps({"raw": row.raw, ERROR_FIELD: error}) + "\n")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._file is not None:
            self._file.close()


def csv_header(path: Path) -> list[str]:
    with _open(path) as f:
        return next(csv.reader(f), [])


class _ArrayText:
    """A JSON array's text read a chunk at a time, so a large file is never read whole."""

    def __init__(self, f: IO[str]) -> None:
        self._f = f
        self.text = ""
        self.pos = 0
        self.eof = False

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self._f.read(CHUNK)
        self.eof = not chunk
        self.text = self.text[self.pos :] + chunk
        self.pos = 0
        return bool(chunk)

    def next_char(self) -> str:
        """The next non-blank character ('' at the end of the file), not consumed."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos].isspace():
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def value(self, decoder: json.JSONDecoder) -> Any:
        """The JSON value at the position; ValueError if there is none."""
        while True:
            try:
                value, end = decoder.raw_decode(self.text, self.pos)
            except ValueError:
                if self.more():
                    continue
                raise
            if end == len(self.text) and self.more():
                continue  # a number may go on in the next chunk
            self.pos = end
            return value


def _array_rows(f: IO[str], columns: Columns) -> Iterator[Row]:
    """The items of a JSON array, one row each; a malformed item ends the reading there."""
    text = _ArrayText(f)
    decoder = json.JSONDecoder()
    text.next_char()
    text.pos += 1  # the "["
    number = 0
    while True:
        char = text.next_char()
        if char == "]":
            return
        if number and char == ",":
            text.pos += 1
            char = text.next_char()
        elif number:
            char = ""
        snippet = text.text[text.pos : text.pos + 200]
        try:
            if not char or char in ",]":
                raise ValueError("expected a value")
            value = text.value(decoder)
        except ValueError as exc:
            error = f"not valid JSON ({exc}); the rest of the array was not read"
            yield Row(number + 1, snippet, error=error)
            return
        number += 1
        if isinstance(value, dict):
            yield _from_object(number, value, columns)
        else:
            kind = type(value).__name__
            yield Row(number, json.dumps(value), error=f"the row must be a JSON object, got {kind}")
