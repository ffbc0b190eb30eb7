"""Login, refresh rotation and families, logout, and the token attacks the issue lists."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from taskmaster_server.runtime import Runtime
from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, login

MakeUser = Callable[..., ServerUser]


async def test_login_returns_a_token_pair(
    api_client: httpx.AsyncClient, make_user: MakeUser, server_runtime: Runtime
) -> None:
    user = make_user()
    tokens = await login(api_client, user)
    assert tokens["token_type"] == "Bearer"
    assert tokens["account_id"] == user.account_id
    assert tokens["refresh_token"].startswith("rt_")
    header = jwt.get_unverified_header(tokens["access_token"])
    assert header["alg"] == "ES256"
    assert header["kid"] == server_runtime.keys.kid
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["sub"] == user.user_id
    assert claims["acc"] == user.account_id
    assert claims["typ"] == "access"
    assert claims["iss"] == "taskmaster"
    assert claims["aud"] == "taskmaster-api"
    assert claims["exp"] - claims["iat"] == tokens["expires_in"] == 900
    me = await api_client.get("/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200
    assert me.json()["user"]["email"] == user.email


async def test_login_failures_are_401(api_client: httpx.AsyncClient, make_user: MakeUser) -> None:
    user = make_user()
    wrong = await api_client.post("/auth/login", json={"email": user.email, "password": "nope"})
    assert_problem(wrong, 401, "unauthorized")
    unknown = await api_client.post(
        "/auth/login", json={"email": "nobody@example.com", "password": "nope"}
    )
    assert_problem(unknown, 401, "unauthorized")
    assert wrong.json()["detail"] == unknown.json()["detail"]  # no account enumeration
    other = make_user()
    foreign = await api_client.post(
        "/auth/login",
        json={"email": user.email, "password": user.password, "account_id": other.account_id},
    )
    assert_problem(foreign, 401, "unauthorized")


async def test_jwks_publishes_the_signing_key(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    jwks = (await api_client.get("/auth/jwks")).json()
    tokens = await login(api_client, make_user())
    key = jwt.PyJWK(jwks["keys"][0])
    assert jwks["keys"][0]["alg"] == "ES256"
    assert jwks["keys"][0]["crv"] == "P-256"
    claims = jwt.decode(
        tokens["access_token"], key.key, algorithms=["ES256"], audience="taskmaster-api"
    )
    assert claims["typ"] == "access"


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(user: ServerUser, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": "taskmaster",
        "aud": "taskmaster-api",
        "sub": user.user_id,
        "acc": user.account_id,
        "typ": "access",
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _forge(runtime: Runtime, claims: dict[str, Any]) -> str:
    return jwt.encode(
        claims, runtime.keys.private_key, algorithm="ES256", headers={"kid": runtime.keys.kid}
    )


def _hs256_with_public_key(runtime: Runtime, user: ServerUser) -> str:
    """The classic confusion attack: an HMAC keyed with the server's *public* key."""
    public_pem = runtime.keys.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = ".".join(
        [_b64({"alg": "HS256", "typ": "JWT", "kid": runtime.keys.kid}), _b64(_claims(user))]
    )
    digest = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _attacks(runtime: Runtime, user: ServerUser, good: str) -> dict[str, str]:
    header, _payload, signature = good.split(".")
    past = int(time.time()) - 3600
    return {
        "alg none": ".".join([_b64({"alg": "none", "typ": "JWT"}), _b64(_claims(user)), ""]),
        "HS256 with the public key": _hs256_with_public_key(runtime, user),
        "expired": _forge(runtime, _claims(user, iat=past - 900, exp=past)),
        "wrong aud": _forge(runtime, _claims(user, aud="someone-else")),
        "wrong iss": _forge(runtime, _claims(user, iss="evil")),
        "not an access token": _forge(runtime, _claims(user, typ="refresh")),
        "missing exp": _forge(runtime, _claims(user, exp=None)),
        "tampered payload": ".".join(
            [header, _b64(_claims(user, sub=str(uuid.uuid4()))), signature]
        ),
        "unknown kid": jwt.encode(
            _claims(user), runtime.keys.private_key, algorithm="ES256", headers={"kid": "other"}
        ),
        "garbage": "not.a.jwt",
    }


@pytest.mark.parametrize(
    "attack",
    [
        "alg none",
        "HS256 with the public key",
        "expired",
        "wrong aud",
        "wrong iss",
        "not an access token",
        "missing exp",
        "tampered payload",
        "unknown kid",
        "garbage",
    ],
)
async def test_forged_tokens_are_refused(
    attack: str, api_client: httpx.AsyncClient, make_user: MakeUser, server_runtime: Runtime
) -> None:
    user = make_user()
    good = (await login(api_client, user))["access_token"]
    token = _attacks(server_runtime, user, good)[attack]
    response = await api_client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_missing_token_is_401(api_client: httpx.AsyncClient) -> None:
    assert_problem(await api_client.get("/tasks"), 401, "unauthorized")
    basic = await api_client.get("/tasks", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert_problem(basic, 401, "unauthorized")


async def test_refresh_rotates_and_reuse_revokes_the_family(
    api_client: httpx.AsyncClient, make_user: MakeUser, server_runtime: Runtime
) -> None:
    server_runtime.refresh._grace = 0  # no grace window for this test
    try:
        first = await login(api_client, make_user())
        second = await api_client.post(
            "/auth/refresh", json={"refresh_token": first["refresh_token"]}
        )
        assert second.status_code == 200, second.text
        rotated = second.json()
        assert rotated["refresh_token"] != first["refresh_token"]
        await asyncio.sleep(0.01)
        reuse = await api_client.post(
            "/auth/refresh", json={"refresh_token": first["refresh_token"]}
        )
        assert_problem(reuse, 401, "unauthorized")
        # The whole family is revoked: the successor no longer works either.
        successor = await api_client.post(
            "/auth/refresh", json={"refresh_token": rotated["refresh_token"]}
        )
        assert_problem(successor, 401, "unauthorized")
    finally:
        server_runtime.refresh._grace = server_runtime.settings.refresh_reuse_grace


async def test_concurrent_refresh_within_grace_is_not_reuse(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    first = await login(api_client, make_user())
    a = await api_client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    b = await api_client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert a.status_code == b.status_code == 200
    # Both successors stay valid: nothing was revoked.
    for pair in (a.json(), b.json()):
        again = await api_client.post(
            "/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert again.status_code == 200


async def test_logout_revokes_a_family_or_every_session(
    api_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = make_user()
    one, two = await login(api_client, user), await login(api_client, user)
    bearer = {"Authorization": f"Bearer {one['access_token']}"}
    out = await api_client.post(
        "/auth/logout", json={"refresh_token": one["refresh_token"]}, headers=bearer
    )
    assert out.status_code == 204
    revoked = await api_client.post("/auth/refresh", json={"refresh_token": one["refresh_token"]})
    assert_problem(revoked, 401, "unauthorized")
    still = await api_client.post("/auth/refresh", json={"refresh_token": two["refresh_token"]})
    assert still.status_code == 200
    everything = await api_client.post("/auth/logout", headers=bearer)
    assert everything.status_code == 204
    gone = await api_client.post(
        "/auth/refresh", json={"refresh_token": still.json()["refresh_token"]}
    )
    assert_problem(gone, 401, "unauthorized")
