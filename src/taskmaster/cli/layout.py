"""Tables that fit the terminal: which columns to show, how wide, and never a wrapped cell.

Each column has a fixed width (an id, a status, a time) or is flexible (a title, a URL) and
shares what is left. When even the fixed columns do not fit, the columns marked droppable go
first, in their order (`drop=1` before `drop=2`); a flexible column never gets narrower than
`FLEX_MIN`. Every cell is one line: a value longer than its column ends in `…`, as `gh` and
`kubectl` do, so `pending` never prints as `pendi` / `ng` on two lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["FLEX_MIN", "Col", "Layout", "fit", "short_ids"]

FLEX_MIN = 12
SEPARATOR = 3  # the space rich's SIMPLE_HEAD box puts between two columns (no outer edge)
SHORT_ID = 8  # as git shows commits


@dataclass(frozen=True)
class Col:
    """A table column: `width` None is flexible; `drop` 0 is never dropped; `short_id` shows
    ids by their first characters (CSV and JSON keep them whole)."""

    name: str
    get: Callable[[Any], Any]
    width: int | None = None
    drop: int = 0
    short_id: bool = False


@dataclass(frozen=True)
class Layout:
    columns: list[Col]
    widths: list[int]


def fit(columns: Sequence[Col], cells: Sequence[Sequence[str]], width: int) -> Layout:
    """The columns to show and their widths for rows of `cells` in `width` characters."""
    shown = list(range(len(columns)))
    natural = [
        max([len(columns[i].name), *(len(row[i]) for row in cells)]) for i in range(len(columns))
    ]

    def fixed(i: int) -> int:
        w = columns[i].width
        return max(len(columns[i].name), min(w, natural[i])) if w is not None else 0

    def needed(indexes: list[int]) -> int:
        floor = sum(min(FLEX_MIN, natural[i]) for i in indexes if columns[i].width is None)
        return sum(fixed(i) for i in indexes) + floor + SEPARATOR * (len(indexes) - 1)

    droppable = sorted((c.drop, i) for i, c in enumerate(columns) if c.drop)
    while needed(shown) > width and droppable:
        shown.remove(droppable.pop(0)[1])
    widths = {i: fixed(i) for i in shown if columns[i].width is not None}
    flex = [i for i in shown if columns[i].width is None]
    room = width - sum(widths.values()) - SEPARATOR * (len(shown) - 1)
    # Narrowest first: a short column takes what it needs, the rest goes to the long ones.
    for k, i in enumerate(sorted(flex, key=lambda i: natural[i])):
        share = max(room // (len(flex) - k), 1) if room > 0 else 1
        widths[i] = max(1, min(natural[i], share))
        room -= widths[i]
    return Layout([columns[i] for i in shown], [widths[i] for i in shown])


def short_ids(ids: Sequence[str]) -> dict[str, str]:
    """Each id shortened to its first 8 characters, or more where 8 would be ambiguous."""
    length = SHORT_ID
    while length < 36 and len({i[:length] for i in ids}) < len(set(ids)):
        length += 1
    return {i: i[:length] for i in ids}
