from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.task_status import TaskStatus
from ..types import Model as _Model
from ..types import parse_uuid

T = TypeVar("T", bound="SubTask")


@_attrs_define
class SubTask(_Model):
    """
    Example:
        {'id': '9b2d1c4e-8f3a-4b5c-9d6e-7f8a9b0c1d2e', 'parent_id': '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'title':
            'Draft the announcement', 'status': 'done', 'position': 0, 'created_at': '2026-11-03T09:00:00+00:00',
            'updated_at': '2026-11-04T16:20:00+00:00'}

    Attributes:
        id (UUID):
        parent_id (UUID): The task this subtask belongs to.
        title (str):
        status (TaskStatus): Where a task stands. New values may be added; clients must accept unknown ones. Example:
            pending.
        position (int): Order among the task's subtasks, from 0.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    parent_id: UUID
    title: str
    status: TaskStatus
    position: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        parent_id = str(self.parent_id)

        title = self.title

        status = self.status.value

        position = self.position

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "parent_id": parent_id,
                "title": title,
                "status": status,
                "position": position,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = parse_uuid(d.pop("id"))

        parent_id = parse_uuid(d.pop("parent_id"))

        title = d.pop("title")

        status = TaskStatus(d.pop("status"))

        position = d.pop("position")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        sub_task = cls(
            id=id,
            parent_id=parent_id,
            title=title,
            status=status,
            position=position,
            created_at=created_at,
            updated_at=updated_at,
        )

        sub_task.additional_properties = d
        return sub_task

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
