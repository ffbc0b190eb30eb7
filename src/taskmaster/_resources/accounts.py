"""The signed-in user and its accounts; the health and readiness probes."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from .._call import AsyncRequester, SyncRequester
from .._types import NOT_GIVEN, NotGiven
from ._common import api_call, data_of, operation, ref

if TYPE_CHECKING:
    from taskmaster_api.models import AccountMembership, Health, Me, Readiness

    from .._types import TimeoutTypes

__all__ = ["AccountsMixin", "AsyncAccountsMixin"]

Id = uuid.UUID | str


def _me() -> Any:
    return api_call("accounts", "get_me", "Me")


def _accounts() -> Any:
    return api_call("accounts", "list_accounts", "AccountList", convert=data_of)


def _account(account_id: Any) -> Any:
    return api_call("accounts", "get_account", "AccountMembership", ref(account_id, "account_id"))


class AccountsMixin(SyncRequester):
    @operation("get_me")
    def get_me(self, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN) -> Me:
        """The signed-in user, its accounts and roles, and the account requests act in."""
        result: Me = self._request(_me(), timeout)
        return result

    @operation("list_accounts")
    def list_accounts(
        self, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> list[AccountMembership]:
        """Every account the user belongs to, with its role there."""
        result: list[AccountMembership] = self._request(_accounts(), timeout)
        return result

    @operation("get_account")
    def get_account(
        self, account_id: Id, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> AccountMembership:
        """One account of the user, with its role there."""
        result: AccountMembership = self._request(_account(account_id), timeout)
        return result

    @operation("get_health")
    def get_health(self, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN) -> Health:
        """The liveness probe (no authentication needed)."""
        result: Health = self._request(api_call("health", "get_health", "Health"), timeout)
        return result

    @operation("get_readiness")
    def get_readiness(self, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN) -> Readiness:
        """The readiness probe: `ServerError` (503) while the database does not answer."""
        call = api_call("health", "get_readiness", "Readiness")
        result: Readiness = self._request(call, timeout)
        return result


class AsyncAccountsMixin(AsyncRequester):
    @operation("get_me")
    async def get_me(self, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN) -> Me:
        result: Me = await self._request(_me(), timeout)
        return result

    @operation("list_accounts")
    async def list_accounts(
        self, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> list[AccountMembership]:
        result: list[AccountMembership] = await self._request(_accounts(), timeout)
        return result

    @operation("get_account")
    async def get_account(
        self, account_id: Id, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> AccountMembership:
        result: AccountMembership = await self._request(_account(account_id), timeout)
        return result

    @operation("get_health")
    async def get_health(self, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN) -> Health:
        call = api_call("health", "get_health", "Health")
        result: Health = await self._request(call, timeout)
        return result

    @operation("get_readiness")
    async def get_readiness(self, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN) -> Readiness:
        call = api_call("health", "get_readiness", "Readiness")
        result: Readiness = await self._request(call, timeout)
        return result
