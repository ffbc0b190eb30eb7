from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import Model as _Model
from ..types import parse_uuid

T = TypeVar("T", bound="Project")


@_attrs_define
class Project(_Model):
    """
    Example:
        {'id': '2c5ea4c0-4067-41e9-8bad-9b1deb4d3b7d', 'account_id': '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'name':
            'Launch', 'description': 'Everything for the November launch.', 'external_id': 'erp-project-17', 'is_default':
            False, 'created_at': '2026-11-02T10:00:00+00:00', 'updated_at': '2026-11-02T10:00:00+00:00'}

    Attributes:
        id (UUID):
        account_id (UUID):
        name (str):
        description (None | str):
        external_id (None | str): Your own id for the project, unique within the account; `null` if none.
        is_default (bool): The account's default project, where tasks without `project_id` go.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    account_id: UUID
    name: str
    description: None | str
    external_id: None | str
    is_default: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        account_id = str(self.account_id)

        name = self.name

        description: None | str
        description = self.description

        external_id: None | str
        external_id = self.external_id

        is_default = self.is_default

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "account_id": account_id,
                "name": name,
                "description": description,
                "external_id": external_id,
                "is_default": is_default,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = parse_uuid(d.pop("id"))

        account_id = parse_uuid(d.pop("account_id"))

        name = d.pop("name")

        description = cast("None | str", d.pop("description"))

        external_id = cast("None | str", d.pop("external_id"))

        is_default = d.pop("is_default")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        project = cls(
            id=id,
            account_id=account_id,
            name=name,
            description=description,
            external_id=external_id,
            is_default=is_default,
            created_at=created_at,
            updated_at=updated_at,
        )

        project.additional_properties = d
        return project

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
