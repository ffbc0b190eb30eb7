from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.event_type import EventType
from ..types import UNSET, Unset
from ..types import Model as _Model

T = TypeVar("T", bound="WebhookCreate")


def _masked(value: object) -> str:
    """A secret's repr: its first characters only, nothing of a short one (`x-secret`)."""
    if isinstance(value, str):
        return repr(value[:6] + "...") if len(value) >= 24 else "'...'"
    return repr(value)


@_attrs_define
class WebhookCreate(_Model):
    """
    Example:
        {'url': 'https://hooks.example.com/taskmaster', 'events': ['task.created', 'task.completed'], 'description':
            'CRM sync'}

    Attributes:
        url (str): An absolute http(s) URL.
        events (list[EventType]):
        description (None | str | Unset):
        secret (str | Unset): Your own signing secret; default a generated one.
        enabled (bool | Unset):  Default: True.
    """

    url: str
    events: list[EventType]
    description: None | str | Unset = UNSET
    secret: str | Unset = UNSET
    enabled: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.value
            events.append(events_item)

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        secret = self.secret

        enabled = self.enabled

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
                "events": events,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if secret is not UNSET:
            field_dict["secret"] = secret
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = EventType(events_item_data)

            events.append(events_item)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast("None | str | Unset", data)

        description = _parse_description(d.pop("description", UNSET))

        secret = d.pop("secret", UNSET)

        enabled = d.pop("enabled", UNSET)

        webhook_create = cls(
            url=url,
            events=events,
            description=description,
            secret=secret,
            enabled=enabled,
        )

        return webhook_create

    def __repr__(self) -> str:
        # taskmaster: the spec marks secret `x-secret`.
        fields = [
            f"url={self.url!r}",
            f"events={self.events!r}",
            f"description={self.description!r}",
            f"secret={_masked(self.secret)}",
            f"enabled={self.enabled!r}",
        ]
        return f"{type(self).__name__}({', '.join(fields)})"
