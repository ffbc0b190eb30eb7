from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_type import EventType
from ..types import Model as _Model
from ..types import parse_uuid

if TYPE_CHECKING:
    from ..models.event_data import EventData


T = TypeVar("T", bound="Event")


@_attrs_define
class Event(_Model):
    """One entry of the account's event log.

    Example:
        {'id': '8f1b4d3c-5e6a-4b8c-8d0e-2f3a4b5c6d7e', 'seq': 42, 'type': 'task.updated', 'account_id':
            '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'project_id': '2c5ea4c0-4067-41e9-8bad-9b1deb4d3b7d', 'occurred_at':
            '2026-11-04T16:20:00+00:00', 'data': {'object': {'id': '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'title':
            'Announce the launch'}, 'changes': {'status': {'old': 'pending', 'new': 'in_progress'}}}}

    Attributes:
        id (UUID): Stable; webhooks send it as `webhook-id`.
        seq (int): Strictly increasing per account.
        type_ (EventType): What happened. New types may be added; clients must accept unknown ones. Example:
            task.updated.
        account_id (UUID):
        project_id (None | UUID):
        occurred_at (datetime.datetime):
        data (EventData): The event's payload. For `*.created` and `*.completed`: `{"object": <the resource>}`; for
            `*.updated`: `{"object": ..., "changes": {"<field>": {"old": ..., "new": ...}}}`; for
            `*.deleted`: `{"id": ...}`.
             Example: {'object': {'id': '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'title': 'Announce the launch'}, 'changes':
            {'status': {'old': 'pending', 'new': 'in_progress'}}}.
    """

    id: UUID
    seq: int
    type_: EventType
    account_id: UUID
    project_id: None | UUID
    occurred_at: datetime.datetime
    data: EventData
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        seq = self.seq

        type_ = self.type_.value

        account_id = str(self.account_id)

        project_id: None | str
        if isinstance(self.project_id, UUID):
            project_id = str(self.project_id)
        else:
            project_id = self.project_id

        occurred_at = self.occurred_at.isoformat()

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "seq": seq,
                "type": type_,
                "account_id": account_id,
                "project_id": project_id,
                "occurred_at": occurred_at,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_data import EventData  # noqa: PLC0415

        d = dict(src_dict)
        id = parse_uuid(d.pop("id"))

        seq = d.pop("seq")

        type_ = EventType(d.pop("type"))

        account_id = parse_uuid(d.pop("account_id"))

        _project_id = d.pop("project_id")
        project_id: None | UUID
        if _project_id is None:
            project_id = None
        else:
            try:
                if not isinstance(_project_id, str):
                    raise TypeError()
                project_id_type_0 = parse_uuid(_project_id)

                project_id = project_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                project_id = cast("None | UUID", _project_id)

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        data = EventData.from_dict(d.pop("data"))

        event = cls(
            id=id,
            seq=seq,
            type_=type_,
            account_id=account_id,
            project_id=project_id,
            occurred_at=occurred_at,
            data=data,
        )

        event.additional_properties = d
        return event

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
