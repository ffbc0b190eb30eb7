from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset
from ..types import Model as _Model

T = TypeVar("T", bound="ProjectCreate")


@_attrs_define
class ProjectCreate(_Model):
    """
    Example:
        {'name': 'Launch', 'description': 'Everything for the November launch.'}

    Attributes:
        name (str):
        description (None | str | Unset):
        external_id (str | Unset): Your own id for the project, unique within the account (a duplicate answers `409`).
    """

    name: str
    description: None | str | Unset = UNSET
    external_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        external_id = self.external_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if external_id is not UNSET:
            field_dict["external_id"] = external_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast("None | str | Unset", data)

        description = _parse_description(d.pop("description", UNSET))

        external_id = d.pop("external_id", UNSET)

        project_create = cls(
            name=name,
            description=description,
            external_id=external_id,
        )

        return project_create
