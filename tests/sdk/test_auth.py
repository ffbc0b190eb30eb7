"""Auth: login, proactive and reactive refresh, single flight, re-login, JWKS checks, stores."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from taskmaster import AuthenticationError, FileTokenStore, InvalidRequestError, TokenSet
from tests.sdk.conftest import API, Keys, problem


def me_json() -> dict[str, Any]:
    account = {"id": str(uuid.uuid4()), "name": "A", "created_at": "2026-11-01T08:00:00+00:00"}
    return {
        "user": {
            "id": str(uuid.uuid4()),
            "email": "ada@example.com",
            "name": None,
            "created_at": "2026-11-01T08:00:00+00:00",
        },
        "accounts": [{"account": account, "role": "owner"}],
        "account_id": account["id"],
        "role": "owner",
    }


class AuthServer:
    """A fake token issuer in front of one protected resource (`GET /me`)."""

    def __init__(
        self,
        keys: Keys,
        router: respx.Router,
        *,
        refresh_delay: float = 0.0,
        async_delay: float | None = None,
    ) -> None:
        self.keys = keys
        self.refresh_delay = refresh_delay
        self.valid: set[str] = set()
        self.refresh_tokens: set[str] = set()
        self.logins = 0
        self.refreshes = 0
        self.lock = threading.Lock()
        wrap = self._suspending if async_delay is not None else (lambda handler: handler)
        self.async_delay = async_delay or 0.0
        self.login_route = router.post("/auth/login").mock(side_effect=wrap(self.login))
        self.refresh_route = router.post("/auth/refresh").mock(side_effect=wrap(self.refresh))
        self.logout_route = router.post("/auth/logout").mock(return_value=httpx.Response(204))
        router.get("/me").mock(side_effect=wrap(self.me))

    def _suspending(self, handler: Any) -> Any:
        """For async clients: answer after a real suspension, so concurrent tasks interleave
        (a mock that answers at once would run each task's request to the end in turn)."""

        async def answer(request: httpx.Request) -> httpx.Response:
            await asyncio.sleep(self.async_delay)
            return handler(request)  # type: ignore[no-any-return]

        return answer

    def issue(self, expires_in: float = 900) -> dict[str, Any]:
        pair = self.keys.pair(expires_in=expires_in)
        with self.lock:
            self.valid.add(pair["access_token"])
            self.refresh_tokens.add(pair["refresh_token"])
        return pair

    def login(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if body.get("password") != "pw":
            return httpx.Response(401, json=problem(401, "unauthorized"))
        with self.lock:
            self.logins += 1
        return httpx.Response(200, json=self.issue())

    def refresh(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.refreshes += 1
        time.sleep(self.refresh_delay)  # keeps concurrent callers waiting on the renewal
        token = json.loads(request.content)["refresh_token"]
        with self.lock:
            if token not in self.refresh_tokens:
                return httpx.Response(401, json=problem(401, "unauthorized"))
            self.refresh_tokens.discard(token)
        return httpx.Response(200, json=self.issue())

    def me(self, request: httpx.Request) -> httpx.Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.valid:
            return httpx.Response(401, json=problem(401, "unauthorized"))
        return httpx.Response(200, json=me_json())

    def expire_all(self) -> None:
        """The server forgets every access token (as after a key rotation)."""
        with self.lock:
            self.valid.clear()


@pytest.fixture
def server(keys: Keys, router: respx.Router) -> AuthServer:
    return AuthServer(keys, router)


def test_credentials_log_in_once_and_the_token_is_reused(server, router, client_factory) -> None:
    client = client_factory(email="ada@example.com", password="pw")
    client.get_me()
    client.get_me()
    assert server.logins == 1
    assert router.routes["jwks"].call_count == 1  # the key set is fetched once, then cached


def test_expiring_token_is_refreshed_before_the_request(server, router, client_factory) -> None:
    pair = server.issue(expires_in=10)  # inside the 30 s refresh margin
    client = client_factory(token=pair["access_token"], refresh_token=pair["refresh_token"])
    client.get_me()
    assert server.refreshes == 1
    assert server.logins == 0


def test_a_401_refreshes_once_and_resends(server, client_factory) -> None:
    pair = server.issue()
    client = client_factory(token=pair["access_token"], refresh_token=pair["refresh_token"])
    server.expire_all()
    client.get_me()
    assert server.refreshes == 1


def test_a_second_401_is_raised_not_refreshed_again(server, router, client_factory) -> None:
    pair = server.issue()
    router.get("/me").mock(return_value=httpx.Response(401, json=problem(401, "unauthorized")))
    client = client_factory(token=pair["access_token"], refresh_token=pair["refresh_token"])
    with pytest.raises(AuthenticationError) as caught:
        client.get_me()
    assert server.refreshes == 1
    assert caught.value.status_code == 401
    assert caught.value.request_id == "req-401"


def test_refused_refresh_falls_back_to_login(server, client_factory) -> None:
    pair = server.issue(expires_in=5)
    client = client_factory(
        token=pair["access_token"], refresh_token="rt_revoked_token", email="a@b.c", password="pw"
    )
    client.get_me()
    assert server.refreshes == 1
    assert server.logins == 1


def test_refused_refresh_without_credentials_raises(server, client_factory) -> None:
    pair = server.issue(expires_in=5)
    store_client = client_factory(token=pair["access_token"], refresh_token="rt_revoked_token")
    with pytest.raises(AuthenticationError, match="refresh token was refused"):
        store_client.get_me()
    assert store_client._auth.tokens == TokenSet()


def test_token_alone_gets_the_401(server, client_factory) -> None:
    client = client_factory(token="not-a-known-token", verify_tokens=False)
    with pytest.raises(AuthenticationError):
        client.get_me()
    assert server.refreshes == 0
    assert server.logins == 0


def test_wrong_credentials_raise_and_are_not_kept(server, client_factory) -> None:
    client = client_factory()
    with pytest.raises(AuthenticationError):
        client.authenticate({"email": "a@b.c", "password": "wrong"})
    assert client._auth.credentials is None
    pair = client.authenticate(email="a@b.c", password="pw")
    assert pair.access_token in server.valid
    client.get_me()
    assert server.logins == 1


def test_authenticate_needs_email_and_password(client_factory) -> None:
    client = client_factory()
    with pytest.raises(InvalidRequestError):
        client.authenticate({"email": "a@b.c"})
    with pytest.raises(InvalidRequestError):
        client.authenticate({"email": "a@b.c", "password": "pw", "otp": "1"})


def test_explicit_refresh_and_logout(server, client_factory) -> None:
    client = client_factory(email="a@b.c", password="pw")
    client.get_me()
    old = client._auth.tokens.refresh_token
    client.refresh()
    assert server.refreshes == 1
    assert client._auth.tokens.refresh_token != old
    current = client._auth.tokens.refresh_token
    client.logout()
    assert json.loads(server.logout_route.calls.last.request.content) == {"refresh_token": current}
    assert client._auth.tokens == TokenSet()
    with pytest.raises(InvalidRequestError):
        client.refresh()


def test_32_threads_with_an_expired_token_cause_one_refresh(keys, router, client_factory) -> None:
    server = AuthServer(keys, router, refresh_delay=0.05)
    pair = server.issue(expires_in=-60)
    client = client_factory(token=pair["access_token"], refresh_token=pair["refresh_token"])
    barrier = threading.Barrier(32)

    def call(_: int) -> str:
        barrier.wait()
        return client.get_me().role

    with ThreadPoolExecutor(32) as pool:
        roles = list(pool.map(call, range(32)))
    assert roles == ["owner"] * 32
    assert server.refreshes == 1


def test_32_threads_hitting_401_cause_one_refresh(keys, router, client_factory) -> None:
    server = AuthServer(keys, router, refresh_delay=0.05)
    pair = server.issue()
    client = client_factory(token=pair["access_token"], refresh_token=pair["refresh_token"])
    client.get_me()  # token checked against JWKS once
    server.expire_all()
    barrier = threading.Barrier(32)

    def call(_: int) -> str:
        barrier.wait()
        return client.get_me().role

    with ThreadPoolExecutor(32) as pool:
        assert list(pool.map(call, range(32))) == ["owner"] * 32
    assert server.refreshes == 1


async def test_32_tasks_with_an_expired_token_cause_one_refresh(
    keys, router, async_client_factory
) -> None:
    server = AuthServer(keys, router, async_delay=0.01)
    pair = server.issue(expires_in=-60)
    client = async_client_factory(token=pair["access_token"], refresh_token=pair["refresh_token"])
    results = await asyncio.gather(*(client.get_me() for _ in range(32)))
    assert [me.role for me in results] == ["owner"] * 32
    assert server.refreshes == 1


async def test_32_tasks_hitting_401_cause_one_refresh(keys, router, async_client_factory) -> None:
    server = AuthServer(keys, router, async_delay=0.01)
    pair = server.issue()
    client = async_client_factory(token=pair["access_token"], refresh_token=pair["refresh_token"])
    await client.get_me()
    server.expire_all()
    results = await asyncio.gather(*(client.get_me() for _ in range(32)))
    assert len(results) == 32
    assert server.refreshes == 1


async def test_async_login_and_relogin(server, async_client_factory) -> None:
    client = async_client_factory(email="a@b.c", password="pw", refresh_token="rt_unknown_one")
    await client.get_me()  # no access token: refresh (refused) then login
    assert (server.refreshes, server.logins) == (1, 1)
    server.expire_all()
    await client.get_me()
    assert server.refreshes == 2


def test_token_signed_by_another_key_is_reported(server, keys, client_factory, caplog) -> None:
    forged = Keys(kid=keys.kid).token()
    server.valid.add(forged)  # the fake server accepts it; the client's check must not
    client = client_factory(token=forged)
    with caplog.at_level(logging.WARNING, logger="taskmaster"):
        client.get_me()
    assert "did not pass" in caplog.text
    assert "Signature" in caplog.text
    assert forged not in caplog.text


@pytest.mark.parametrize(
    ("claims", "reason"),
    [({"aud": "someone-else"}, "audience"), ({"iss": "elsewhere"}, "issuer")],
)
def test_wrong_audience_or_issuer_is_reported(server, keys, client_factory, caplog, claims, reason):
    token = keys.token(**claims)
    server.valid.add(token)
    client = client_factory(token=token)
    with caplog.at_level(logging.WARNING, logger="taskmaster"):
        client.get_me()
    assert reason in caplog.text.lower()


def test_valid_token_passes_silently_and_sets_expiry(server, keys, client_factory, caplog) -> None:
    pair = server.issue()
    client = client_factory(token=pair["access_token"])
    with caplog.at_level(logging.WARNING, logger="taskmaster"):
        client.get_me()
    assert caplog.text == ""
    expected = json.loads(
        __import__("base64").urlsafe_b64decode(pair["access_token"].split(".")[1] + "==")
    )["exp"]
    assert client._auth.tokens.expires_at == expected


def test_unreachable_jwks_checks_claims_only(server, router, client_factory, caplog) -> None:
    router.routes["jwks"].mock(return_value=httpx.Response(404, json=problem(404)))
    pair = server.issue()
    client = client_factory(token=pair["access_token"])
    with caplog.at_level(logging.WARNING, logger="taskmaster"):
        assert client.get_me().role == "owner"
    assert caplog.text == ""


def test_proactive_refresh_failing_transiently_keeps_the_valid_token(
    server, router, client_factory
) -> None:
    router.routes["jwks"]
    router.post("/auth/refresh").mock(return_value=httpx.Response(503))
    pair = server.issue(expires_in=20)  # valid, but inside the refresh margin
    client = client_factory(
        token=pair["access_token"], refresh_token=pair["refresh_token"], max_retries=0
    )
    assert client.get_me().role == "owner"


def test_file_store_keeps_the_session_across_clients(server, client_factory, tmp_path: Path):
    store = FileTokenStore(tmp_path / "cfg" / "tokens.json")
    first = client_factory(email="a@b.c", password="pw", token_store=store)
    first.get_me()
    assert (store.path.stat().st_mode & 0o777) == 0o600
    saved = json.loads(store.path.read_text())
    assert list(saved) == [API]
    second = client_factory(token_store=store)  # no credentials: uses the stored tokens
    second.get_me()
    assert server.logins == 1
    other = client_factory("http://other.test", token_store=store)
    assert other._auth.tokens == TokenSet()  # keyed by API URL
    second.logout()
    assert store.load(API) is None
