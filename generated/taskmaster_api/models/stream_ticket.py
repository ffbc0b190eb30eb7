from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import Model as _Model

T = TypeVar("T", bound="StreamTicket")


def _masked(value: object) -> str:
    """A secret's repr: its first characters only, nothing of a short one (`x-secret`)."""
    if isinstance(value, str):
        return repr(value[:6] + "...") if len(value) >= 24 else "'...'"
    return repr(value)


@_attrs_define
class StreamTicket(_Model):
    """
    Example:
        {'ticket': 'tk_Y2FmZWJhYmVkZWFkYmVlZg', 'expires_at': '2026-11-28T09:31:00+00:00', 'url':
            '/api/v1/events/ws?ticket=tk_Y2FmZWJhYmVkZWFkYmVlZg'}

    Attributes:
        ticket (str): Single use.
        expires_at (datetime.datetime):
        url (str): The WebSocket path to connect to, with the ticket.
    """

    ticket: str
    expires_at: datetime.datetime
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ticket = self.ticket

        expires_at = self.expires_at.isoformat()

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ticket": ticket,
                "expires_at": expires_at,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ticket = d.pop("ticket")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        url = d.pop("url")

        stream_ticket = cls(
            ticket=ticket,
            expires_at=expires_at,
            url=url,
        )

        stream_ticket.additional_properties = d
        return stream_ticket

    def __repr__(self) -> str:
        # taskmaster: the spec marks ticket, url `x-secret`.
        fields = [
            f"ticket={_masked(self.ticket)}",
            f"expires_at={self.expires_at!r}",
            f"url={_masked(self.url)}",
            f"additional_properties={self.additional_properties!r}",
        ]
        return f"{type(self).__name__}({', '.join(fields)})"

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
