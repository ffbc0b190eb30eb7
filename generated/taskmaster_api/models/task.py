from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.priority import Priority
from ..models.task_status import TaskStatus
from ..types import Model as _Model
from ..types import parse_uuid

if TYPE_CHECKING:
    from ..models.metadata import Metadata
    from ..models.sub_task import SubTask


T = TypeVar("T", bound="Task")


@_attrs_define
class Task(_Model):
    """
    Example:
        {'id': '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'account_id': '7c9e6679-7425-40de-944b-e07fc1f90ae7',
            'project_id': '2c5ea4c0-4067-41e9-8bad-9b1deb4d3b7d', 'external_id': 'crm-4711', 'title': 'Announce the launch',
            'description': 'Blog post, newsletter and social.', 'status': 'in_progress', 'priority': 'high', 'tags':
            ['launch', 'marketing'], 'due_at': '2026-11-30T17:00:00+00:00', 'metadata': {'source': 'spreadsheet', 'row':
            12}, 'created_at': '2026-11-03T09:00:00+00:00', 'updated_at': '2026-11-04T16:20:00+00:00', 'completed_at': None,
            'version': 3, 'subtasks': [{'id': '9b2d1c4e-8f3a-4b5c-9d6e-7f8a9b0c1d2e', 'parent_id':
            '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'title': 'Draft the announcement', 'status': 'done', 'position': 0,
            'created_at': '2026-11-03T09:00:00+00:00', 'updated_at': '2026-11-04T16:20:00+00:00'}]}

    Attributes:
        id (UUID):
        account_id (UUID):
        project_id (UUID):
        external_id (None | str): Your own id for the task, unique within its project; `null` if none.
        title (str):
        description (None | str):
        status (TaskStatus): Where a task stands. New values may be added; clients must accept unknown ones. Example:
            pending.
        priority (Priority): How urgent a task is. Sorting by priority orders low < medium < high < urgent. Example:
            high.
        tags (list[str]):
        due_at (datetime.datetime | None):
        metadata (Metadata): Free-form JSON for integrations (at most 50 keys). Example: {'source': 'spreadsheet',
            'row': 12}.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        completed_at (datetime.datetime | None): When the task last became `done`; `null` otherwise.
        version (int): Increases by one on every change; the `ETag` is derived from it.
        subtasks (list[SubTask]):
    """

    id: UUID
    account_id: UUID
    project_id: UUID
    external_id: None | str
    title: str
    description: None | str
    status: TaskStatus
    priority: Priority
    tags: list[str]
    due_at: datetime.datetime | None
    metadata: Metadata
    created_at: datetime.datetime
    updated_at: datetime.datetime
    completed_at: datetime.datetime | None
    version: int
    subtasks: list[SubTask]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        account_id = str(self.account_id)

        project_id = str(self.project_id)

        external_id: None | str
        external_id = self.external_id

        title = self.title

        description: None | str
        description = self.description

        status = self.status.value

        priority = self.priority.value

        tags = self.tags

        due_at: None | str
        if isinstance(self.due_at, datetime.datetime):
            due_at = self.due_at.isoformat()
        else:
            due_at = self.due_at

        metadata = self.metadata.to_dict()

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        version = self.version

        subtasks = []
        for subtasks_item_data in self.subtasks:
            subtasks_item = subtasks_item_data.to_dict()
            subtasks.append(subtasks_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "account_id": account_id,
                "project_id": project_id,
                "external_id": external_id,
                "title": title,
                "description": description,
                "status": status,
                "priority": priority,
                "tags": tags,
                "due_at": due_at,
                "metadata": metadata,
                "created_at": created_at,
                "updated_at": updated_at,
                "completed_at": completed_at,
                "version": version,
                "subtasks": subtasks,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metadata import Metadata  # noqa: PLC0415
        from ..models.sub_task import SubTask  # noqa: PLC0415

        d = dict(src_dict)
        id = parse_uuid(d.pop("id"))

        account_id = parse_uuid(d.pop("account_id"))

        project_id = parse_uuid(d.pop("project_id"))

        external_id = cast("None | str", d.pop("external_id"))

        title = d.pop("title")

        description = cast("None | str", d.pop("description"))

        status = TaskStatus(d.pop("status"))

        priority = Priority(d.pop("priority"))

        tags = cast("list[str]", d.pop("tags"))

        _due_at = d.pop("due_at")
        due_at: datetime.datetime | None
        if _due_at is None:
            due_at = None
        else:
            try:
                if not isinstance(_due_at, str):
                    raise TypeError()
                due_at_type_0 = datetime.datetime.fromisoformat(_due_at)

                due_at = due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                due_at = cast("datetime.datetime | None", _due_at)

        metadata = Metadata.from_dict(d.pop("metadata"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        _completed_at = d.pop("completed_at")
        completed_at: datetime.datetime | None
        if _completed_at is None:
            completed_at = None
        else:
            try:
                if not isinstance(_completed_at, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(_completed_at)

                completed_at = completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                completed_at = cast("datetime.datetime | None", _completed_at)

        version = d.pop("version")

        subtasks = []
        _subtasks = d.pop("subtasks")
        for subtasks_item_data in _subtasks:
            subtasks_item = SubTask.from_dict(subtasks_item_data)

            subtasks.append(subtasks_item)

        task = cls(
            id=id,
            account_id=account_id,
            project_id=project_id,
            external_id=external_id,
            title=title,
            description=description,
            status=status,
            priority=priority,
            tags=tags,
            due_at=due_at,
            metadata=metadata,
            created_at=created_at,
            updated_at=updated_at,
            completed_at=completed_at,
            version=version,
            subtasks=subtasks,
        )

        task.additional_properties = d
        return task

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
