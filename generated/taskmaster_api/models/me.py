from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role
from ..types import Model as _Model
from ..types import parse_uuid

if TYPE_CHECKING:
    from ..models.account_membership import AccountMembership
    from ..models.user import User


T = TypeVar("T", bound="Me")


@_attrs_define
class Me(_Model):
    """The signed-in user, its accounts, and the account this request acts in.

    Example:
        {'user': {'id': '0b4e7a0e-5fe1-4c5c-8d6b-2f1e3f7c9a10', 'email': 'ada@example.com', 'name': 'Ada Lovelace',
            'created_at': '2026-11-01T08:00:00+00:00'}, 'accounts': [{'account': {'id':
            '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'name': 'Analytical Engines Ltd', 'created_at':
            '2026-11-01T08:00:00+00:00'}, 'role': 'owner'}], 'account_id': '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'role':
            'owner'}

    Attributes:
        user (User):  Example: {'id': '0b4e7a0e-5fe1-4c5c-8d6b-2f1e3f7c9a10', 'email': 'ada@example.com', 'name': 'Ada
            Lovelace', 'created_at': '2026-11-01T08:00:00+00:00'}.
        accounts (list[AccountMembership]):
        account_id (UUID): The acting account.
        role (Role): What a member may do in an account. Viewers only read. Example: member.
    """

    user: User
    accounts: list[AccountMembership]
    account_id: UUID
    role: Role
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user = self.user.to_dict()

        accounts = []
        for accounts_item_data in self.accounts:
            accounts_item = accounts_item_data.to_dict()
            accounts.append(accounts_item)

        account_id = str(self.account_id)

        role = self.role.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user": user,
                "accounts": accounts,
                "account_id": account_id,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.account_membership import AccountMembership  # noqa: PLC0415
        from ..models.user import User  # noqa: PLC0415

        d = dict(src_dict)
        user = User.from_dict(d.pop("user"))

        accounts = []
        _accounts = d.pop("accounts")
        for accounts_item_data in _accounts:
            accounts_item = AccountMembership.from_dict(accounts_item_data)

            accounts.append(accounts_item)

        account_id = parse_uuid(d.pop("account_id"))

        role = Role(d.pop("role"))

        me = cls(
            user=user,
            accounts=accounts,
            account_id=account_id,
            role=role,
        )

        me.additional_properties = d
        return me

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
