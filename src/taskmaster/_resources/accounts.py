"""The signed-in user and its accounts; the health and readiness probes."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from .._call import AsyncRequester, Call, SyncRequester, make_call
from ._common import data_of, operation, ref

if TYPE_CHECKING:
    from typing import Unpack

    from taskmaster_api.models import AccountMembership, Health, Me, Readiness

    from .._options import RequestOptions

__all__ = ["AccountsMixin", "AsyncAccountsMixin"]

Id = uuid.UUID | str


def _me() -> Call[Me]:
    from taskmaster_api.api.accounts import get_me
    from taskmaster_api.models import Me

    return make_call(get_me, Me)


def _accounts() -> Call[list[AccountMembership]]:
    from taskmaster_api.api.accounts import list_accounts
    from taskmaster_api.models import AccountList

    return make_call(list_accounts, AccountList, convert=data_of)


def _account(account_id: Any) -> Call[AccountMembership]:
    from taskmaster_api.api.accounts import get_account
    from taskmaster_api.models import AccountMembership

    return make_call(get_account, AccountMembership, ref(account_id, "account_id"))


def _health() -> Call[Health]:
    from taskmaster_api.api.health import get_health
    from taskmaster_api.models import Health

    return make_call(get_health, Health)


def _readiness() -> Call[Readiness]:
    from taskmaster_api.api.health import get_readiness
    from taskmaster_api.models import Readiness

    return make_call(get_readiness, Readiness)


class AccountsMixin(SyncRequester):
    @operation("get_me")
    def get_me(self, **options: Unpack[RequestOptions]) -> Me:
        """The signed-in user, its accounts and roles, and the account requests act in."""
        result: Me = self._request(_me(), options)
        return result

    @operation("list_accounts")
    def list_accounts(self, **options: Unpack[RequestOptions]) -> list[AccountMembership]:
        """Every account the user belongs to, with its role there."""
        result: list[AccountMembership] = self._request(_accounts(), options)
        return result

    @operation("get_account")
    def get_account(self, account_id: Id, **options: Unpack[RequestOptions]) -> AccountMembership:
        """One account of the user, with its role there."""
        result: AccountMembership = self._request(_account(account_id), options)
        return result

    @operation("get_health")
    def get_health(self, **options: Unpack[RequestOptions]) -> Health:
        """The liveness probe (no authentication needed)."""
        result: Health = self._request(_health(), options)
        return result

    @operation("get_readiness")
    def get_readiness(self, **options: Unpack[RequestOptions]) -> Readiness:
        """The readiness probe: `ServerError` (503) while the database does not answer."""
        result: Readiness = self._request(_readiness(), options)
        return result


class AsyncAccountsMixin(AsyncRequester):
    @operation("get_me")
    async def get_me(self, **options: Unpack[RequestOptions]) -> Me:
        result: Me = await self._request(_me(), options)
        return result

    @operation("list_accounts")
    async def list_accounts(self, **options: Unpack[RequestOptions]) -> list[AccountMembership]:
        result: list[AccountMembership] = await self._request(_accounts(), options)
        return result

    @operation("get_account")
    async def get_account(
        self, account_id: Id, **options: Unpack[RequestOptions]
    ) -> AccountMembership:
        result: AccountMembership = await self._request(_account(account_id), options)
        return result

    @operation("get_health")
    async def get_health(self, **options: Unpack[RequestOptions]) -> Health:
        result: Health = await self._request(_health(), options)
        return result

    @operation("get_readiness")
    async def get_readiness(self, **options: Unpack[RequestOptions]) -> Readiness:
        result: Readiness = await self._request(_readiness(), options)
        return result
