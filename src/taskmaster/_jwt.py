"""Access-token checks: signature against the server's JWKS (PyJWT's `PyJWKClient`, cached),
then `exp`, `aud` and `iss`.

The server stays the authority on every request; the client checks tokens to learn when they
expire (to refresh before they do) and to notice early a token meant for another server. The
key set is fetched by the auth flow through the client's own httpx client (so it uses the same
transport, retries and timeouts, and works in-process over ASGI) and handed to `PyJWKClient`,
whose cache then serves every check until its lifespan runs out.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jwt import PyJWKClient

__all__ = ["TokenCheck", "TokenVerifier", "unverified_claims"]

ALGORITHMS = ["ES256"]


def unverified_claims(token: str) -> dict[str, Any] | None:
    """The claims of a JWT without checking anything, or None if it is not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def _kid(token: str) -> str | None:
    try:
        header_b64 = token.split(".", 1)[0]
        header = json.loads(base64.urlsafe_b64decode(header_b64 + "=" * (-len(header_b64) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    kid = header.get("kid") if isinstance(header, dict) else None
    return kid if isinstance(kid, str) else None


@dataclass(frozen=True, slots=True)
class TokenCheck:
    """What a check found: when the token expires, and whether it passed (`problem` if not)."""

    expires_at: float | None
    verified: bool
    problem: str | None = None

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= time.time()


def _expiry(claims: dict[str, Any] | None) -> float | None:
    exp = claims.get("exp") if claims else None
    return float(exp) if isinstance(exp, int | float) else None


class TokenVerifier:
    """Checks access tokens; one per client, shared by its `with_options()` copies."""

    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str | None = "taskmaster",
        audience: str | None = "taskmaster-api",
        lifespan: float = 300.0,
        leeway: float = 30.0,
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self.lifespan = lifespan
        self.leeway = leeway
        self._keys: PyJWKClient | None = None
        self._fed: dict[str, Any] | None = None

    def needs_keys(self, token: str) -> bool:
        """True when the cached key set is missing, stale, or lacks this token's `kid`."""
        if self._keys is None or self._keys.jwk_set_cache is None:
            return True
        cached = self._keys.jwk_set_cache.get()
        if cached is None:
            return True
        kid = _kid(token)
        return not any(key.key_id == kid for key in cached.keys)

    def feed(self, jwks: object) -> bool:
        """Cache a key set fetched from `jwks_url`; False if it is not a usable JWKS."""
        from jwt import PyJWKClient
        from jwt.exceptions import PyJWKSetError

        if not isinstance(jwks, dict):
            return False
        if self._keys is None:
            verifier = self

            class _FedJWKClient(PyJWKClient):
                # PyJWKClient would fetch with urllib; the auth flow already did, over httpx.
                def fetch_data(self) -> Any:
                    return verifier._fed

            self._keys = _FedJWKClient(
                self.jwks_url, cache_keys=False, lifespan=self.lifespan, cooldown_duration=0
            )
        try:
            assert self._keys.jwk_set_cache is not None
            self._keys.jwk_set_cache.put(jwks)
        except PyJWKSetError:
            return False
        self._fed = jwks
        return True

    def check(self, token: str, *, keys_available: bool) -> TokenCheck:
        """Verify `token`; without keys (JWKS unreachable) check only the unsigned claims."""
        import jwt

        claims = unverified_claims(token)
        if claims is None:
            return TokenCheck(None, False, "not a JWT")
        options: Any = {"require": ["exp"]}
        key: Any = None
        if keys_available and self._keys is not None:
            try:
                key = self._keys.get_signing_key(_kid(token) or "").key
            except jwt.PyJWKClientError as exc:
                return TokenCheck(_expiry(claims), False, f"no signing key: {exc}")
        else:
            options.update(verify_signature=False, verify_exp=True)
            options.update(verify_aud=self.audience is not None, verify_iss=self.issuer is not None)
        try:
            verified = jwt.decode(
                token,
                key=key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                options=options,
                leeway=self.leeway,
            )
        except jwt.ExpiredSignatureError:
            return TokenCheck(_expiry(claims), False, "expired")
        except jwt.PyJWTError as exc:
            return TokenCheck(_expiry(claims), False, str(exc))
        if verified.get("typ", "access") != "access":
            return TokenCheck(_expiry(verified), False, f"typ is {verified.get('typ')!r}")
        return TokenCheck(_expiry(verified), keys_available)
