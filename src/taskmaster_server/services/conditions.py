"""ETag preconditions (``If-Match`` / ``If-None-Match``), shared by projects and tasks."""

from __future__ import annotations

from taskmaster_server.problems import Problem

__all__ = ["check_if_match", "matches"]


def _tags(header: str) -> list[str]:
    return [part.strip().removeprefix("W/") for part in header.split(",") if part.strip()]


def matches(header: str | None, current: str) -> bool:
    """Weak comparison of ``current`` with an ``If-Match``/``If-None-Match`` list (or ``*``)."""
    if header is None:
        return False
    if header.strip() == "*":
        return True
    return current.removeprefix("W/") in _tags(header)


def check_if_match(header: str | None, current: str) -> None:
    if header is not None and not matches(header, current):
        raise Problem(
            "precondition-failed",
            "The resource changed since you read it (If-Match does not match); re-read it.",
            headers={"ETag": current},
        )
