from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import Model as _Model

T = TypeVar("T", bound="EventData")

# taskmaster: a free-form object is a mapping (see templates/model.py.jinja). The value type is
# for type checkers only: it may name a model imported only for them.
if TYPE_CHECKING:
    _Mapping = MutableMapping[str, Any]
else:
    _Mapping = MutableMapping


@_attrs_define(eq=False)
class EventData(_Model, _Mapping):
    """The event's payload. For `*.created` and `*.completed`: `{"object": <the resource>}`; for
    `*.updated`: `{"object": ..., "changes": {"<field>": {"old": ..., "new": ...}}}`; for
    `*.deleted`: `{"id": ...}`.

        Example:
            {'object': {'id': '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'title': 'Announce the launch'}, 'changes': {'status':
                {'old': 'pending', 'new': 'in_progress'}}}

    """

    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_data = cls()

        event_data.additional_properties = d
        return event_data

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: object) -> bool:
        return key in self.additional_properties

    def __iter__(self) -> Iterator[str]:
        return iter(self.additional_properties)

    def __len__(self) -> int:
        return len(self.additional_properties)
