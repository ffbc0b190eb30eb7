"""Small shared types: the "argument not given" sentinel and per-call timeout types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal, TypeAlias

if TYPE_CHECKING:
    import httpx

__all__ = ["NOT_GIVEN", "NotGiven", "TimeoutTypes"]


class NotGiven:
    """The type of `NOT_GIVEN`: an argument the caller left out.

    Distinct from `None`, which is a value (`description=None` clears a task's description).
    It only ever appears in signatures: nothing the SDK returns contains it.
    """

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

# What `timeout=` accepts, per client and per call: seconds, an httpx.Timeout, or None (no limit).
TimeoutTypes: TypeAlias = "float | httpx.Timeout | None"
