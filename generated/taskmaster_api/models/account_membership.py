from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role
from ..types import Model as _Model

if TYPE_CHECKING:
    from ..models.account import Account


T = TypeVar("T", bound="AccountMembership")


@_attrs_define
class AccountMembership(_Model):
    """An account and the user's role in it.

    Example:
        {'account': {'id': '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'name': 'Analytical Engines Ltd', 'created_at':
            '2026-11-01T08:00:00+00:00'}, 'role': 'owner'}

    Attributes:
        account (Account): A tenant. Projects, tasks, webhooks and events belong to one account. Example: {'id':
            '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'name': 'Analytical Engines Ltd', 'created_at':
            '2026-11-01T08:00:00+00:00'}.
        role (Role): What a member may do in an account. Viewers only read. Example: member.
    """

    account: Account
    role: Role
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account = self.account.to_dict()

        role = self.role.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account": account,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.account import Account  # noqa: PLC0415

        d = dict(src_dict)
        account = Account.from_dict(d.pop("account"))

        role = Role(d.pop("role"))

        account_membership = cls(
            account=account,
            role=role,
        )

        account_membership.additional_properties = d
        return account_membership

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
