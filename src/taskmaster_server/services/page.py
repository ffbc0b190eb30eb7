"""One page of a list answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Page"]


@dataclass(frozen=True)
class Page:
    data: list[dict[str, Any]]
    next_cursor: str | None
    has_more: bool
    total: int | None = None
    next_offset: int | None = None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "data": self.data,
            "next_cursor": self.next_cursor,
            "has_more": self.has_more,
        }
        if self.total is not None:
            body["total"] = self.total
        return body
