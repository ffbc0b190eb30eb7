from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_type import EventType
from ..models.webhook_disabled_reason import WebhookDisabledReason
from ..types import Model as _Model
from ..types import parse_uuid

T = TypeVar("T", bound="Webhook")


@_attrs_define
class Webhook(_Model):
    """A subscription of an endpoint to event types. The secret is never shown again.

    Example:
        {'id': '5d8f2b1a-3c4e-4f6a-8b9c-0d1e2f3a4b5c', 'account_id': '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'url':
            'https://hooks.example.com/taskmaster', 'events': ['task.created', 'task.completed'], 'description': 'CRM sync',
            'enabled': True, 'disabled_reason': None, 'created_at': '2026-11-05T12:00:00+00:00', 'updated_at':
            '2026-11-05T12:00:00+00:00'}

    Attributes:
        id (UUID):
        account_id (UUID):
        url (str):
        events (list[EventType]):
        description (None | str):
        enabled (bool):
        disabled_reason (None | WebhookDisabledReason): Set when the endpoint was disabled.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    account_id: UUID
    url: str
    events: list[EventType]
    description: None | str
    enabled: bool
    disabled_reason: None | WebhookDisabledReason
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        account_id = str(self.account_id)

        url = self.url

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.value
            events.append(events_item)

        description: None | str
        description = self.description

        enabled = self.enabled

        disabled_reason: None | str
        if isinstance(self.disabled_reason, WebhookDisabledReason):
            disabled_reason = self.disabled_reason.value
        else:
            disabled_reason = self.disabled_reason

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "account_id": account_id,
                "url": url,
                "events": events,
                "description": description,
                "enabled": enabled,
                "disabled_reason": disabled_reason,
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

        url = d.pop("url")

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = EventType(events_item_data)

            events.append(events_item)

        description = cast("None | str", d.pop("description"))

        enabled = d.pop("enabled")

        _disabled_reason = d.pop("disabled_reason")
        disabled_reason: None | WebhookDisabledReason
        if _disabled_reason is None:
            disabled_reason = None
        else:
            try:
                if not isinstance(_disabled_reason, str):
                    raise TypeError()
                disabled_reason_type_0 = WebhookDisabledReason(_disabled_reason)

                disabled_reason = disabled_reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                disabled_reason = cast("None | WebhookDisabledReason", _disabled_reason)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        webhook = cls(
            id=id,
            account_id=account_id,
            url=url,
            events=events,
            description=description,
            enabled=enabled,
            disabled_reason=disabled_reason,
            created_at=created_at,
            updated_at=updated_at,
        )

        webhook.additional_properties = d
        return webhook

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
