"""Unit-test fixtures: a respx router standing in for the server, real ES256 tokens, no sleeps.

respx is only for what a real server cannot produce on demand (a 503 then a 200, a token
expiring mid-test, a malformed body); `tests/e2e/` runs every method against the real server.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
import pytest
import respx
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from taskmaster import AsyncTaskMasterClient, TaskMasterClient, _retry

API = "http://tm.test/api/v1"


@dataclass
class Keys:
    """An ES256 key pair, its JWKS, and a token factory with the server's claims."""

    kid: str = "k1"
    private: Any = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))

    @property
    def jwks(self) -> dict[str, Any]:
        jwk = ECAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "ES256"}]}

    def token(self, *, expires_in: float = 900, **claims: Any) -> str:
        now = time.time()
        payload = {
            "iss": "taskmaster",
            "aud": "taskmaster-api",
            "sub": str(uuid.uuid4()),
            "acc": str(uuid.uuid4()),
            "typ": "access",
            "iat": int(now),
            "exp": int(now + expires_in),
            "jti": uuid.uuid4().hex,
            **claims,
        }
        return jwt.encode(payload, self.private, algorithm="ES256", headers={"kid": self.kid})

    def pair(self, *, expires_in: float = 900, refresh: str | None = None) -> dict[str, Any]:
        """A TokenPair body, as /auth/login and /auth/refresh answer."""
        now = time.time()
        return {
            "access_token": self.token(expires_in=expires_in),
            "token_type": "Bearer",
            "expires_in": int(expires_in),
            "expires_at": _iso(now + expires_in),
            "refresh_token": refresh or f"rt_{uuid.uuid4().hex}",
            "refresh_expires_at": _iso(now + 86400),
            "account_id": str(uuid.uuid4()),
        }


def _iso(ts: float) -> str:
    import datetime

    return datetime.datetime.fromtimestamp(ts, datetime.UTC).isoformat()


def task_json(**overrides: Any) -> dict[str, Any]:
    """A valid Task body."""
    body = {
        "id": str(uuid.uuid4()),
        "account_id": str(uuid.uuid4()),
        "project_id": str(uuid.uuid4()),
        "external_id": None,
        "title": "A task",
        "description": None,
        "status": "pending",
        "priority": "medium",
        "tags": [],
        "due_at": None,
        "metadata": {},
        "created_at": "2026-11-03T09:00:00+00:00",
        "updated_at": "2026-11-03T09:00:00+00:00",
        "completed_at": None,
        "version": 1,
        "subtasks": [],
    }
    body.update(overrides)
    return body


def problem(status: int, slug: str = "not-found", **extra: Any) -> dict[str, Any]:
    return {
        "type": f"https://taskmaster.dev/problems/{slug}",
        "title": slug.replace("-", " ").capitalize(),
        "status": status,
        "detail": f"detail for {status}",
        "request_id": f"req-{status}",
        **extra,
    }


@pytest.fixture
def keys() -> Keys:
    return Keys()


@pytest.fixture
def router(keys: Keys) -> Iterator[respx.Router]:
    """The fake server. JWKS is always served; tests add the routes they need."""
    router = respx.Router(base_url=API, assert_all_called=False)
    router.get("/auth/jwks", name="jwks").mock(return_value=httpx.Response(200, json=keys.jwks))
    return router


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retry waits are recorded instead of slept."""
    waited: list[float] = []

    async def asleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(_retry, "_sleep", waited.append)
    monkeypatch.setattr(_retry, "_asleep", asleep)
    return waited


@pytest.fixture
def client_factory(router: respx.Router, sleeps: list[float]) -> Callable[..., TaskMasterClient]:
    created: list[TaskMasterClient] = []

    def make(*args: Any, **options: Any) -> TaskMasterClient:
        client = TaskMasterClient(
            *(args or (API,)), transport=httpx.MockTransport(router.handler), **options
        )
        created.append(client)
        return client

    yield make  # type: ignore[misc]
    for client in created:
        client.close()


@pytest.fixture
async def async_client_factory(router: respx.Router, sleeps: list[float]) -> Any:
    created: list[AsyncTaskMasterClient] = []

    def make(*args: Any, **options: Any) -> AsyncTaskMasterClient:
        client = AsyncTaskMasterClient(
            *(args or (API,)), transport=httpx.MockTransport(router.async_handler), **options
        )
        created.append(client)
        return client

    yield make
    for client in created:
        await client.aclose()


class Recorder:
    """A respx side effect answering `outcomes` in turn (the last one repeats) and keeping a
    snapshot of each attempt's headers (the request object itself is reused by retries)."""

    def __init__(self, *outcomes: httpx.Response | Exception | Callable[[httpx.Request], Any]):
        self.outcomes = list(outcomes)
        self.headers: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.headers.append(dict(request.headers))
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, Exception):
            raise outcome
        if callable(outcome) and not isinstance(outcome, httpx.Response):
            return outcome(request)  # type: ignore[no-any-return]
        return httpx.Response(outcome.status_code, headers=outcome.headers, content=outcome.content)

    def values(self, header: str) -> list[str | None]:
        return [h.get(header.lower()) for h in self.headers]
