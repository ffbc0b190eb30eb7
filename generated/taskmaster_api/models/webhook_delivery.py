from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.delivery_status import DeliveryStatus
from ..models.event_type import EventType
from ..types import Model as _Model
from ..types import parse_uuid

T = TypeVar("T", bound="WebhookDelivery")


@_attrs_define
class WebhookDelivery(_Model):
    """One event's delivery to one endpoint, across its attempts.

    Example:
        {'id': '6e9a3c2b-4d5f-4a7b-9c0d-1e2f3a4b5c6d', 'webhook_id': '5d8f2b1a-3c4e-4f6a-8b9c-0d1e2f3a4b5c', 'event_id':
            '8f1b4d3c-5e6a-4b8c-8d0e-2f3a4b5c6d7e', 'event_type': 'task.updated', 'status': 'succeeded', 'attempts': 1,
            'response_status': 200, 'duration_ms': 87, 'last_error': None, 'created_at': '2026-11-04T16:20:00+00:00',
            'next_attempt_at': None}

    Attributes:
        id (UUID):
        webhook_id (UUID):
        event_id (UUID): Sent as `webhook-id`; stable across retries.
        event_type (EventType): What happened. New types may be added; clients must accept unknown ones. Example:
            task.updated.
        status (DeliveryStatus): `pending` (queued or waiting for a retry), `succeeded` (a 2xx answer), `failed` (gave
            up
            after the last retry, or the endpoint is disabled).
             Example: succeeded.
        attempts (int):
        response_status (int | None): The last attempt's HTTP status.
        duration_ms (int | None): The last attempt's duration.
        last_error (None | str):
        created_at (datetime.datetime):
        next_attempt_at (datetime.datetime | None):
    """

    id: UUID
    webhook_id: UUID
    event_id: UUID
    event_type: EventType
    status: DeliveryStatus
    attempts: int
    response_status: int | None
    duration_ms: int | None
    last_error: None | str
    created_at: datetime.datetime
    next_attempt_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        webhook_id = str(self.webhook_id)

        event_id = str(self.event_id)

        event_type = self.event_type.value

        status = self.status.value

        attempts = self.attempts

        response_status: int | None
        response_status = self.response_status

        duration_ms: int | None
        duration_ms = self.duration_ms

        last_error: None | str
        last_error = self.last_error

        created_at = self.created_at.isoformat()

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "webhook_id": webhook_id,
                "event_id": event_id,
                "event_type": event_type,
                "status": status,
                "attempts": attempts,
                "response_status": response_status,
                "duration_ms": duration_ms,
                "last_error": last_error,
                "created_at": created_at,
                "next_attempt_at": next_attempt_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = parse_uuid(d.pop("id"))

        webhook_id = parse_uuid(d.pop("webhook_id"))

        event_id = parse_uuid(d.pop("event_id"))

        event_type = EventType(d.pop("event_type"))

        status = DeliveryStatus(d.pop("status"))

        attempts = d.pop("attempts")

        response_status = cast("int | None", d.pop("response_status"))

        duration_ms = cast("int | None", d.pop("duration_ms"))

        last_error = cast("None | str", d.pop("last_error"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        _next_attempt_at = d.pop("next_attempt_at")
        next_attempt_at: datetime.datetime | None
        if _next_attempt_at is None:
            next_attempt_at = None
        else:
            try:
                if not isinstance(_next_attempt_at, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(_next_attempt_at)

                next_attempt_at = next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                next_attempt_at = cast("datetime.datetime | None", _next_attempt_at)

        webhook_delivery = cls(
            id=id,
            webhook_id=webhook_id,
            event_id=event_id,
            event_type=event_type,
            status=status,
            attempts=attempts,
            response_status=response_status,
            duration_ms=duration_ms,
            last_error=last_error,
            created_at=created_at,
            next_attempt_at=next_attempt_at,
        )

        webhook_delivery.additional_properties = d
        return webhook_delivery

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
