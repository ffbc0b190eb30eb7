from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.task_status import TaskStatus
from ..types import UNSET, Unset
from ..types import Model as _Model

T = TypeVar("T", bound="SubTaskCreate")


@_attrs_define
class SubTaskCreate(_Model):
    """
    Example:
        {'title': 'Draft the announcement'}

    Attributes:
        title (str):
        status (TaskStatus | Unset): Where a task stands. New values may be added; clients must accept unknown ones.
            Example: pending.
        position (int | Unset): Insert here; default last.
    """

    title: str
    status: TaskStatus | Unset = UNSET
    position: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        title = self.title

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        position = self.position

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "title": title,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if position is not UNSET:
            field_dict["position"] = position

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        title = d.pop("title")

        _status = d.pop("status", UNSET)
        status: TaskStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = TaskStatus(_status)

        position = d.pop("position", UNSET)

        sub_task_create = cls(
            title=title,
            status=status,
            position=position,
        )

        return sub_task_create
