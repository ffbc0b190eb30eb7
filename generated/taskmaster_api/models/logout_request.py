from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset
from ..types import Model as _Model

T = TypeVar("T", bound="LogoutRequest")


def _masked(value: object) -> str:
    """A secret's repr: its first characters only, nothing of a short one (`x-secret`)."""
    if isinstance(value, str):
        return repr(value[:6] + "...") if len(value) >= 24 else "'...'"
    return repr(value)


@_attrs_define
class LogoutRequest(_Model):
    """
    Example:
        {'refresh_token': 'rt_4QmZ8c2V0Xy1ZbE5nVjJ6a1d3R3FyQ0x0bWtQb0E'}

    Attributes:
        refresh_token (str | Unset): Revoke this token's family; without it, every session of the user.
    """

    refresh_token: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        refresh_token = self.refresh_token

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if refresh_token is not UNSET:
            field_dict["refresh_token"] = refresh_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        refresh_token = d.pop("refresh_token", UNSET)

        logout_request = cls(
            refresh_token=refresh_token,
        )

        return logout_request

    def __repr__(self) -> str:
        # taskmaster: the spec marks refresh_token `x-secret`.
        fields = [
            f"refresh_token={_masked(self.refresh_token)}",
        ]
        return f"{type(self).__name__}({', '.join(fields)})"
