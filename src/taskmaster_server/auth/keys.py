"""The ES256 signing key, its key id and the published JSON Web Key Set."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

__all__ = ["KeyRing", "generate_private_key_file"]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _public_jwk(public_key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    numbers = public_key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url(numbers.x.to_bytes(32, "big")),
        "y": _b64url(numbers.y.to_bytes(32, "big")),
    }


def _thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638 thumbprint: a key id that changes exactly when the key does."""
    canonical = json.dumps(
        {k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True
    )
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def generate_private_key_file(path: Path) -> None:
    """Write a new P-256 private key as PKCS#8 PEM, readable by the owner only."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside, then linked into place: a concurrent reader never sees half a key, and
    # of several workers starting at once exactly one key wins (the others get FileExistsError).
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    try:
        os.link(temporary, path)
    finally:
        temporary.unlink()


@dataclass(frozen=True)
class _PublicKey:
    kid: str
    key: ec.EllipticCurvePublicKey
    jwk: dict[str, str]


class KeyRing:
    """The private key that signs, plus every public key that verifies (for rotation)."""

    def __init__(self, private_key: Path, *, extra_public: tuple[Path, ...] = ()) -> None:
        loaded = serialization.load_pem_private_key(private_key.read_bytes(), password=None)
        if not isinstance(loaded, ec.EllipticCurvePrivateKey) or not isinstance(
            loaded.curve, ec.SECP256R1
        ):
            raise ValueError(f"{private_key} is not a P-256 (ES256) private key")
        self.private_key = loaded
        signing = self._describe(loaded.public_key())
        self.kid = signing.kid
        self._public: dict[str, _PublicKey] = {signing.kid: signing}
        for path in extra_public:
            public = serialization.load_pem_public_key(path.read_bytes())
            if not isinstance(public, ec.EllipticCurvePublicKey):
                raise ValueError(f"{path} is not an EC public key")
            described = self._describe(public)
            self._public[described.kid] = described

    @classmethod
    def load_or_create(
        cls, private_key: Path, *, generate: bool, extra_public: tuple[Path, ...] = ()
    ) -> KeyRing:
        if not private_key.exists():
            if not generate:
                raise FileNotFoundError(
                    f"JWT private key {private_key} is missing and key generation is off"
                )
            with contextlib.suppress(FileExistsError):  # another worker generated it first
                generate_private_key_file(private_key)
        return cls(private_key, extra_public=extra_public)

    @staticmethod
    def _describe(public: ec.EllipticCurvePublicKey) -> _PublicKey:
        jwk = _public_jwk(public)
        return _PublicKey(kid=_thumbprint(jwk), key=public, jwk=jwk)

    def public_key(self, kid: str) -> ec.EllipticCurvePublicKey | None:
        found = self._public.get(kid)
        return found.key if found else None

    def jwks(self) -> dict[str, Any]:
        return {
            "keys": [
                {**key.jwk, "kid": key.kid, "use": "sig", "alg": "ES256"}
                for key in self._public.values()
            ]
        }

    def __repr__(self) -> str:
        return f"KeyRing(kid={self.kid!r}, public={len(self._public)})"
