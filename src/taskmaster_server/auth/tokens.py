"""ES256 access tokens: issued on login/refresh, checked on every request.

Verification pins the algorithm to ES256 and looks the key up by ``kid``, so ``alg: none`` and
HS256-signed-with-the-public-key tokens fail before any signature check could be fooled.

A verified token is remembered (keyed by its exact string, in a bounded LRU) until its ``exp``:
a client sends the same token on every request, and the ES256 check is the costliest part of
a cheap one. Nothing a cached token carries can change before it expires; rejected tokens are
never cached.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt

from taskmaster_server.auth.keys import KeyRing

__all__ = ["AccessClaims", "AccessTokens", "InvalidToken"]

VERIFIED_CACHE_SIZE = 4096


class InvalidToken(Exception):
    """The token is missing, malformed, forged, expired or not meant for this API."""


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    account_id: uuid.UUID
    token_id: str
    expires_at: datetime


class AccessTokens:
    def __init__(self, keys: KeyRing, *, issuer: str, audience: str, ttl: int) -> None:
        self._keys = keys
        self.issuer = issuer
        self.audience = audience
        self.ttl = ttl
        self._verified: OrderedDict[str, tuple[float, AccessClaims]] = OrderedDict()
        self._lock = threading.Lock()

    def issue(
        self, user_id: uuid.UUID, account_id: uuid.UUID, now: datetime
    ) -> tuple[str, datetime]:
        """A signed token for the user acting in the account, and when it expires."""
        issued_at = int(now.timestamp())
        expires_at = issued_at + self.ttl
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(user_id),
            "acc": str(account_id),
            "typ": "access",
            "iat": issued_at,
            "exp": expires_at,
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(
            claims, self._keys.private_key, algorithm="ES256", headers={"kid": self._keys.kid}
        )
        return token, datetime.fromtimestamp(expires_at, UTC)

    def verify(self, token: str) -> AccessClaims:
        now = time.time()
        with self._lock:
            cached = self._verified.get(token)
            if cached is not None:
                if cached[0] > now:
                    self._verified.move_to_end(token)
                    return cached[1]
                del self._verified[token]
        claims = self._verify(token)
        with self._lock:
            self._verified[token] = (claims.expires_at.timestamp(), claims)
            if len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)
        return claims

    def _verify(self, token: str) -> AccessClaims:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed token") from exc
        if header.get("alg") != "ES256":
            raise InvalidToken("unexpected signing algorithm")
        kid = header.get("kid")
        key = self._keys.public_key(kid) if isinstance(kid, str) else None
        if key is None:
            raise InvalidToken("unknown signing key")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["ES256"],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["iss", "aud", "sub", "exp", "iat", "typ", "acc"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("token expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken("invalid token") from exc
        if claims.get("typ") != "access":
            raise InvalidToken("not an access token")
        try:
            return AccessClaims(
                user_id=uuid.UUID(str(claims["sub"])),
                account_id=uuid.UUID(str(claims["acc"])),
                token_id=str(claims.get("jti", "")),
                expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
            )
        except (ValueError, TypeError) as exc:
            raise InvalidToken("malformed claims") from exc
