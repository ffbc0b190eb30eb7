from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import Model as _Model

T = TypeVar("T", bound="EventHead")


@_attrs_define
class EventHead(_Model):
    """Where the account's event log stands.

    Example:
        {'latest_seq': 7147, 'oldest_seq': 1}

    Attributes:
        latest_seq (int): The last seq handed out (0 before the first event); resume after it.
        oldest_seq (int): The first seq the log still keeps (`latest_seq + 1` when retention removed every
            event): `after` may be as old as `oldest_seq - 1`.
    """

    latest_seq: int
    oldest_seq: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        latest_seq = self.latest_seq

        oldest_seq = self.oldest_seq

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "latest_seq": latest_seq,
                "oldest_seq": oldest_seq,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        latest_seq = d.pop("latest_seq")

        oldest_seq = d.pop("oldest_seq")

        event_head = cls(
            latest_seq=latest_seq,
            oldest_seq=oldest_seq,
        )

        event_head.additional_properties = d
        return event_head

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
