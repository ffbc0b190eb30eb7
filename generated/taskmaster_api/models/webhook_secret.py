from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import Model as _Model

T = TypeVar("T", bound="WebhookSecret")


def _masked(value: object) -> str:
    """A secret's repr: its first characters only, nothing of a short one (`x-secret`)."""
    if isinstance(value, str):
        return repr(value[:6] + "...") if len(value) >= 24 else "'...'"
    return repr(value)


@_attrs_define
class WebhookSecret(_Model):
    """
    Example:
        {'secret': 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD', 'previous_secret_expires_at': '2026-11-29T09:30:00+00:00'}

    Attributes:
        secret (str): The new signing secret; shown only here.
        previous_secret_expires_at (datetime.datetime): Until then deliveries are signed with both secrets.
    """

    secret: str
    previous_secret_expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        secret = self.secret

        previous_secret_expires_at = self.previous_secret_expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "secret": secret,
                "previous_secret_expires_at": previous_secret_expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        secret = d.pop("secret")

        previous_secret_expires_at = datetime.datetime.fromisoformat(
            d.pop("previous_secret_expires_at")
        )

        webhook_secret = cls(
            secret=secret,
            previous_secret_expires_at=previous_secret_expires_at,
        )

        webhook_secret.additional_properties = d
        return webhook_secret

    def __repr__(self) -> str:
        # taskmaster: the spec marks secret `x-secret`.
        fields = [
            f"secret={_masked(self.secret)}",
            f"previous_secret_expires_at={self.previous_secret_expires_at!r}",
            f"additional_properties={self.additional_properties!r}",
        ]
        return f"{type(self).__name__}({', '.join(fields)})"

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
