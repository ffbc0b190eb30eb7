from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.upsert_action import UpsertAction
from ..types import Model as _Model

if TYPE_CHECKING:
    from ..models.task import Task


T = TypeVar("T", bound="TaskUpsertResult")


@_attrs_define
class TaskUpsertResult(_Model):
    """What an upsert did, and the task as it now is.

    Example:
        {'action': 'created', 'task': {'id': '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'account_id':
            '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'project_id': '2c5ea4c0-4067-41e9-8bad-9b1deb4d3b7d', 'external_id':
            'crm-4711', 'title': 'Announce the launch', 'description': None, 'status': 'pending', 'priority': 'high',
            'tags': ['launch', 'marketing'], 'due_at': None, 'metadata': {}, 'created_at': '2026-11-03T09:00:00+00:00',
            'updated_at': '2026-11-03T09:00:00+00:00', 'completed_at': None, 'version': 1, 'subtasks': []}}

    Attributes:
        action (UpsertAction): What an upsert did: `created` a task, `updated` it (some field given differed), or left
            it `unchanged` (every field given already had that value; nothing was written). Example: updated.
        task (Task):  Example: {'id': '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'account_id':
            '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'project_id': '2c5ea4c0-4067-41e9-8bad-9b1deb4d3b7d', 'external_id':
            'crm-4711', 'title': 'Announce the launch', 'description': 'Blog post, newsletter and social.', 'status':
            'in_progress', 'priority': 'high', 'tags': ['launch', 'marketing'], 'due_at': '2026-11-30T17:00:00+00:00',
            'metadata': {'source': 'spreadsheet', 'row': 12}, 'created_at': '2026-11-03T09:00:00+00:00', 'updated_at':
            '2026-11-04T16:20:00+00:00', 'completed_at': None, 'version': 3, 'subtasks': [{'id':
            '9b2d1c4e-8f3a-4b5c-9d6e-7f8a9b0c1d2e', 'parent_id': '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'title': 'Draft the
            announcement', 'status': 'done', 'position': 0, 'created_at': '2026-11-03T09:00:00+00:00', 'updated_at':
            '2026-11-04T16:20:00+00:00'}]}.
    """

    action: UpsertAction
    task: Task
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        task = self.task.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "task": task,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task import Task  # noqa: PLC0415

        d = dict(src_dict)
        action = UpsertAction(d.pop("action"))

        task = Task.from_dict(d.pop("task"))

        task_upsert_result = cls(
            action=action,
            task=task,
        )

        task_upsert_result.additional_properties = d
        return task_upsert_result

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
