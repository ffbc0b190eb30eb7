from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import Model as _Model

if TYPE_CHECKING:
    from ..models.sub_task import SubTask


T = TypeVar("T", bound="SubTaskList")


@_attrs_define
class SubTaskList(_Model):
    """
    Example:
        {'data': [{'id': '9b2d1c4e-8f3a-4b5c-9d6e-7f8a9b0c1d2e', 'parent_id': '3fa85f64-5717-4562-b3fc-2c963f66afa6',
            'title': 'Draft the announcement', 'status': 'done', 'position': 0, 'created_at': '2026-11-03T09:00:00+00:00',
            'updated_at': '2026-11-04T16:20:00+00:00'}]}

    Attributes:
        data (list[SubTask]):
    """

    data: list[SubTask]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sub_task import SubTask  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = SubTask.from_dict(data_item_data)

            data.append(data_item)

        sub_task_list = cls(
            data=data,
        )

        sub_task_list.additional_properties = d
        return sub_task_list

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
