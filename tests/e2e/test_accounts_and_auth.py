"""The user, accounts and tenancy; login, refresh, logout against the real token issuer."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from taskmaster import (
    AuthenticationError,
    Health,
    Me,
    NotFoundError,
    PermissionDeniedError,
    Readiness,
    Role,
    TokenPair,
)
from tests.e2e.conftest import SyncAsAsync, collect


async def _close(client: Any) -> None:
    if isinstance(client, SyncAsAsync):
        client.client.close()
    else:
        await client.aclose()


def _wrap(flavor: str, client: Any) -> Any:
    return SyncAsAsync(client) if flavor == "sync" else client


async def test_me_accounts_and_probes(tm: Any, user: Any) -> None:
    me = await tm.get_me()
    assert isinstance(me, Me)
    assert me.user.email == user.email
    assert str(me.account_id) == user.account_id
    assert me.role == Role.OWNER
    accounts = await tm.list_accounts()
    assert [str(m.account.id) for m in accounts] == [user.account_id]
    one = await tm.get_account(user.account_id)
    assert one.role == Role.OWNER
    assert one.account.created_at.utcoffset() is not None
    with pytest.raises(NotFoundError):
        await tm.get_account(uuid.uuid4())
    assert isinstance(await tm.get_health(), Health)
    readiness = await tm.get_readiness()
    assert isinstance(readiness, Readiness)
    assert readiness.status == "ready"


async def test_acting_in_another_account(
    flavor: str, make_user: Any, make_client: Any, server_runtime: Any
) -> None:
    from taskmaster_server.services import accounts

    owner = make_user()
    guest = make_user()  # member of its own account, and (below) of the owner's
    accounts.add_member(
        server_runtime.db, uuid.UUID(guest.user_id), uuid.UUID(owner.account_id), "member"
    )
    viewer = make_user(role="viewer", account_id=owner.account_id)
    a = _wrap(flavor, make_client(flavor, email=owner.email, password=owner.password))
    g = _wrap(flavor, make_client(flavor, email=guest.email, password=guest.password))
    v = _wrap(flavor, make_client(flavor, email=viewer.email, password=viewer.password))
    try:
        project = await a.create_project(name="Shared")
        task = await a.create_task(title="Owned", project_id=project.id)
        with pytest.raises(NotFoundError):
            await g.get_task(task.id)  # acting in the guest's own account
        seen = await g.get_task(task.id, project_id=project.id, account_id=owner.account_id)
        assert seen.id == task.id
        made = await g.create_task(title="By the guest", account_id=owner.account_id)
        assert str(made.account_id) == owner.account_id
        assert len(await collect(await g.list_tasks(account_id=owner.account_id))) == 2
        assert {str(m.account.id) for m in await g.list_accounts()} == {
            owner.account_id,
            guest.account_id,
        }
        assert (await v.get_task(task.id)).title == "Owned"
        with pytest.raises(PermissionDeniedError):
            await v.update_task(task.id, title="Viewers read only")
        denied = await v.bulk_delete_tasks([task.id])
        assert isinstance(denied.items[0].error, PermissionDeniedError)
        assert (await a.get_task(task.id)).id == task.id  # still there
    finally:
        for client in (a, g, v):
            await _close(client)


async def test_authenticate_refresh_and_logout(flavor: str, user: Any, make_client: Any) -> None:
    client = _wrap(flavor, make_client(flavor))
    try:
        with pytest.raises(AuthenticationError):
            await client.authenticate({"email": user.email, "password": "wrong password"})
        pair = await client.authenticate({"email": user.email, "password": user.password})
        assert isinstance(pair, TokenPair)
        assert pair.expires_at.utcoffset() is not None
        assert (await client.get_me()).user.email == user.email
        await client.refresh()
        inner = client.client if flavor == "sync" else client
        renewed = inner._auth.tokens
        assert renewed.access_token != pair.access_token
        assert renewed.refresh_token != pair.refresh_token
        await client.logout()
        assert inner._auth.tokens.access_token is None
        with pytest.raises(AuthenticationError):
            await client.get_me()  # no token, no credentials: the server says 401
    finally:
        await _close(client)


async def test_a_revoked_refresh_token_falls_back_to_the_credentials(
    flavor: str, user: Any, make_client: Any
) -> None:
    client = _wrap(flavor, make_client(flavor, email=user.email, password=user.password))
    inner = client.client if flavor == "sync" else client
    try:
        await client.get_me()
        first = inner._auth.tokens
        other = _wrap(flavor, make_client(flavor, refresh_token=first.refresh_token))
        await other.get_me()  # spends the first session's refresh token
        await _close(other)
        inner._auth.tokens = type(first)(None, first.refresh_token)  # force a renewal
        assert (await client.get_me()).user.email == user.email  # refresh refused, then login
        assert inner._auth.tokens.refresh_token != first.refresh_token
    finally:
        await _close(client)
