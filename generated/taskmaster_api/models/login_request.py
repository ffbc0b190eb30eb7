from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset, parse_uuid
from ..types import Model as _Model

T = TypeVar("T", bound="LoginRequest")


def _masked(value: object) -> str:
    """A secret's repr: its first characters only, nothing of a short one (`x-secret`)."""
    if isinstance(value, str):
        return repr(value[:6] + "...") if len(value) >= 24 else "'...'"
    return repr(value)


@_attrs_define
class LoginRequest(_Model):
    """
    Example:
        {'email': 'ada@example.com', 'password': 'correct horse battery staple'}

    Attributes:
        email (str): The user's email address.
        password (str): The user's password.
        account_id (UUID | Unset): The account the tokens act in; defaults to the user's first account.
    """

    email: str
    password: str
    account_id: UUID | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        password = self.password

        account_id: str | Unset = UNSET
        if not isinstance(self.account_id, Unset):
            account_id = str(self.account_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "password": password,
            }
        )
        if account_id is not UNSET:
            field_dict["account_id"] = account_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        password = d.pop("password")

        _account_id = d.pop("account_id", UNSET)
        account_id: UUID | Unset
        if isinstance(_account_id, Unset):
            account_id = UNSET
        else:
            account_id = parse_uuid(_account_id)

        login_request = cls(
            email=email,
            password=password,
            account_id=account_id,
        )

        return login_request

    def __repr__(self) -> str:
        # taskmaster: the spec marks password `x-secret`.
        fields = [
            f"email={self.email!r}",
            f"password={_masked(self.password)}",
            f"account_id={self.account_id!r}",
        ]
        return f"{type(self).__name__}({', '.join(fields)})"
