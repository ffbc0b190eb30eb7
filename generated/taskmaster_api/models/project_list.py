from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import Model as _Model

if TYPE_CHECKING:
    from ..models.project import Project


T = TypeVar("T", bound="ProjectList")


@_attrs_define
class ProjectList(_Model):
    """
    Example:
        {'data': [{'id': '2c5ea4c0-4067-41e9-8bad-9b1deb4d3b7d', 'account_id': '7c9e6679-7425-40de-944b-e07fc1f90ae7',
            'name': 'Launch', 'description': None, 'external_id': None, 'is_default': False, 'created_at':
            '2026-11-02T10:00:00+00:00', 'updated_at': '2026-11-02T10:00:00+00:00'}], 'next_cursor': None, 'has_more':
            False}

    Attributes:
        data (list[Project]):
        next_cursor (None | str): Pass as `cursor` for the next page.
        has_more (bool):
    """

    data: list[Project]
    next_cursor: None | str
    has_more: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        has_more = self.has_more

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "next_cursor": next_cursor,
                "has_more": has_more,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.project import Project  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = Project.from_dict(data_item_data)

            data.append(data_item)

        next_cursor = cast("None | str", d.pop("next_cursor"))

        has_more = d.pop("has_more")

        project_list = cls(
            data=data,
            next_cursor=next_cursor,
            has_more=has_more,
        )

        project_list.additional_properties = d
        return project_list

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
