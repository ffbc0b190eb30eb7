from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.priority import Priority
from ..models.task_status import TaskStatus
from ..types import UNSET, Unset, parse_uuid
from ..types import Model as _Model

if TYPE_CHECKING:
    from ..models.metadata import Metadata


T = TypeVar("T", bound="TaskUpsert")


@_attrs_define
class TaskUpsert(_Model):
    """A task to create or update by `(project_id, external_id)`: the fields of `TaskCreate`,
    with `external_id` required. On an existing task only the fields given are compared and
    set; `project_id` and `external_id` are the key, never changed by an upsert.

        Example:
            {'external_id': 'crm-4711', 'title': 'Announce the launch', 'priority': 'high', 'tags': ['launch', 'marketing']}

        Attributes:
            external_id (str): Your own id for the task, unique within the project.
            title (str):
            project_id (UUID | Unset): The project the key is looked up in; default the account's default project.
            description (None | str | Unset):
            status (TaskStatus | Unset): Where a task stands. New values may be added; clients must accept unknown ones.
                Example: pending.
            priority (Priority | Unset): How urgent a task is. Sorting by priority orders low < medium < high < urgent.
                Example: high.
            tags (list[str] | Unset):
            due_at (datetime.datetime | None | Unset):
            metadata (Metadata | Unset): Free-form JSON for integrations (at most 50 keys). Example: {'source':
                'spreadsheet', 'row': 12}.
    """

    external_id: str
    title: str
    project_id: UUID | Unset = UNSET
    description: None | str | Unset = UNSET
    status: TaskStatus | Unset = UNSET
    priority: Priority | Unset = UNSET
    tags: list[str] | Unset = UNSET
    due_at: datetime.datetime | None | Unset = UNSET
    metadata: Metadata | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        external_id = self.external_id

        title = self.title

        project_id: str | Unset = UNSET
        if not isinstance(self.project_id, Unset):
            project_id = str(self.project_id)

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        priority: str | Unset = UNSET
        if not isinstance(self.priority, Unset):
            priority = self.priority.value

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        due_at: None | str | Unset
        if isinstance(self.due_at, Unset):
            due_at = UNSET
        elif isinstance(self.due_at, datetime.datetime):
            due_at = self.due_at.isoformat()
        else:
            due_at = self.due_at

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "external_id": external_id,
                "title": title,
            }
        )
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if description is not UNSET:
            field_dict["description"] = description
        if status is not UNSET:
            field_dict["status"] = status
        if priority is not UNSET:
            field_dict["priority"] = priority
        if tags is not UNSET:
            field_dict["tags"] = tags
        if due_at is not UNSET:
            field_dict["due_at"] = due_at
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metadata import Metadata  # noqa: PLC0415

        d = dict(src_dict)
        external_id = d.pop("external_id")

        title = d.pop("title")

        _project_id = d.pop("project_id", UNSET)
        project_id: UUID | Unset
        if isinstance(_project_id, Unset):
            project_id = UNSET
        else:
            project_id = parse_uuid(_project_id)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast("None | str | Unset", data)

        description = _parse_description(d.pop("description", UNSET))

        _status = d.pop("status", UNSET)
        status: TaskStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = TaskStatus(_status)

        _priority = d.pop("priority", UNSET)
        priority: Priority | Unset
        if isinstance(_priority, Unset):
            priority = UNSET
        else:
            priority = Priority(_priority)

        tags = cast("list[str]", d.pop("tags", UNSET))

        def _parse_due_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_at_type_0 = datetime.datetime.fromisoformat(data)

                return due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast("datetime.datetime | None | Unset", data)

        due_at = _parse_due_at(d.pop("due_at", UNSET))

        _metadata = d.pop("metadata", UNSET)
        metadata: Metadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = Metadata.from_dict(_metadata)

        task_upsert = cls(
            external_id=external_id,
            title=title,
            project_id=project_id,
            description=description,
            status=status,
            priority=priority,
            tags=tags,
            due_at=due_at,
            metadata=metadata,
        )

        return task_upsert
