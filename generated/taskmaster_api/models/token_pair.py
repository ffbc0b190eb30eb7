from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.token_pair_token_type import TokenPairTokenType
from ..types import Model as _Model
from ..types import parse_uuid

T = TypeVar("T", bound="TokenPair")


def _masked(value: object) -> str:
    """A secret's repr: its first characters only, nothing of a short one (`x-secret`)."""
    if isinstance(value, str):
        return repr(value[:6] + "...") if len(value) >= 24 else "'...'"
    return repr(value)


@_attrs_define
class TokenPair(_Model):
    """An access token and the refresh token that renews it.

    Example:
        {'access_token': 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
            'token_type': 'Bearer', 'expires_in': 900, 'expires_at': '2026-11-28T09:45:00+00:00', 'refresh_token':
            'rt_4QmZ8c2V0Xy1ZbE5nVjJ6a1d3R3FyQ0x0bWtQb0E', 'refresh_expires_at': '2026-12-28T09:30:00+00:00', 'account_id':
            '7c9e6679-7425-40de-944b-e07fc1f90ae7'}

    Attributes:
        access_token (str): An ES256 JWT for the `Authorization` header.
        token_type (TokenPairTokenType): Always `Bearer`.
        expires_in (int): Seconds until the access token expires.
        expires_at (datetime.datetime): When the access token expires.
        refresh_token (str): An opaque, single-use refresh token.
        refresh_expires_at (datetime.datetime): When the refresh token expires.
        account_id (UUID): The account the access token acts in.
    """

    access_token: str
    token_type: TokenPairTokenType
    expires_in: int
    expires_at: datetime.datetime
    refresh_token: str
    refresh_expires_at: datetime.datetime
    account_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        token_type = self.token_type.value

        expires_in = self.expires_in

        expires_at = self.expires_at.isoformat()

        refresh_token = self.refresh_token

        refresh_expires_at = self.refresh_expires_at.isoformat()

        account_id = str(self.account_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "access_token": access_token,
                "token_type": token_type,
                "expires_in": expires_in,
                "expires_at": expires_at,
                "refresh_token": refresh_token,
                "refresh_expires_at": refresh_expires_at,
                "account_id": account_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        access_token = d.pop("access_token")

        token_type = TokenPairTokenType(d.pop("token_type"))

        expires_in = d.pop("expires_in")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        refresh_token = d.pop("refresh_token")

        refresh_expires_at = datetime.datetime.fromisoformat(d.pop("refresh_expires_at"))

        account_id = parse_uuid(d.pop("account_id"))

        token_pair = cls(
            access_token=access_token,
            token_type=token_type,
            expires_in=expires_in,
            expires_at=expires_at,
            refresh_token=refresh_token,
            refresh_expires_at=refresh_expires_at,
            account_id=account_id,
        )

        token_pair.additional_properties = d
        return token_pair

    def __repr__(self) -> str:
        # taskmaster: the spec marks access_token, refresh_token `x-secret`.
        fields = [
            f"access_token={_masked(self.access_token)}",
            f"token_type={self.token_type!r}",
            f"expires_in={self.expires_in!r}",
            f"expires_at={self.expires_at!r}",
            f"refresh_token={_masked(self.refresh_token)}",
            f"refresh_expires_at={self.refresh_expires_at!r}",
            f"account_id={self.account_id!r}",
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
