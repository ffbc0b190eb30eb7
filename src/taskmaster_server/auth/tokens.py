"""ES256 access tokens: issued on login/refresh, checked on every request.

Verification pins the algorithm to ES256 and looks the key up by ``kid``, so ``alg: none`` and
HS256-signed-with-the-public-key tokens fail before any signature check could be fooled.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt

from taskmaster_server.auth.keys import KeyRing

__all__ = ["AccessClaims", "AccessTokens", "InvalidToken"]


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
