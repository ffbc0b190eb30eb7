"""Server settings, read from ``TASKMASTER_*`` environment variables.

Every setting has a default that runs a single-process development server on SQLite; production
sets at least ``TASKMASTER_DATABASE_URL``, ``TASKMASTER_REDIS_URL`` and the JWT key paths.

=====================================  ==========================================================
variable                               default
=====================================  ==========================================================
TASKMASTER_DATABASE_URL                ``sqlite:///./taskmaster.db``
TASKMASTER_DB_POOL_SIZE                ``10`` (PostgreSQL only)
TASKMASTER_REDIS_URL                   unset: rate limits are kept in process memory
TASKMASTER_JWT_PRIVATE_KEY             ``./.taskmaster/jwt-es256.pem`` (generated if missing and
                                       ``TASKMASTER_JWT_GENERATE_KEY`` is true)
TASKMASTER_JWT_GENERATE_KEY            ``true``
TASKMASTER_JWT_EXTRA_PUBLIC_KEYS       unset; comma-separated PEM paths still published in the
                                       JWKS and accepted (key rotation)
TASKMASTER_JWT_ISSUER                  ``taskmaster``
TASKMASTER_JWT_AUDIENCE                ``taskmaster-api``
TASKMASTER_ACCESS_TOKEN_TTL            ``900`` seconds
TASKMASTER_REFRESH_TOKEN_TTL           ``2592000`` seconds (30 days)
TASKMASTER_REFRESH_REUSE_GRACE         ``10`` seconds
TASKMASTER_RATE_LIMIT                  ``600/minute`` per account
TASKMASTER_LOGIN_RATE_LIMIT            ``10/minute`` per client address + email
TASKMASTER_MAX_BODY_BYTES              ``1048576``
TASKMASTER_REQUIRE_IF_MATCH            ``false`` (``true``: PATCH/DELETE of a task needs If-Match)
TASKMASTER_IDEMPOTENCY_TTL             ``86400`` seconds
TASKMASTER_VALIDATE_RESPONSES          ``false`` (tests turn it on)
TASKMASTER_WEBHOOK_ALLOW_PRIVATE       ``false`` (allow private/loopback webhook URLs)
TASKMASTER_ARGON2_TIME_COST            ``3``
TASKMASTER_ARGON2_MEMORY_KIB           ``65536``
TASKMASTER_LOG_LEVEL                   ``INFO``
TASKMASTER_HOST / TASKMASTER_PORT      ``127.0.0.1`` / ``8000`` (``serve``)
TASKMASTER_WORKERS                     ``1`` (``serve``)
=====================================  ==========================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

__all__ = ["Settings"]

_TRUE = {"1", "true", "yes", "on"}


def _bool(value: str) -> bool:
    return value.strip().lower() in _TRUE


@dataclass(frozen=True)
class Settings:
    """Everything the server reads from its environment, as one immutable value."""

    database_url: str = "sqlite:///./taskmaster.db"
    db_pool_size: int = 10
    redis_url: str | None = None
    jwt_private_key: Path = Path(".taskmaster/jwt-es256.pem")
    jwt_generate_key: bool = True
    jwt_extra_public_keys: tuple[Path, ...] = ()
    jwt_issuer: str = "taskmaster"
    jwt_audience: str = "taskmaster-api"
    access_token_ttl: int = 900
    refresh_token_ttl: int = 30 * 24 * 3600
    refresh_reuse_grace: int = 10
    rate_limit: str = "600/minute"
    login_rate_limit: str = "10/minute"
    max_body_bytes: int = 1024 * 1024
    require_if_match: bool = False
    idempotency_ttl: int = 24 * 3600
    validate_responses: bool = False
    webhook_allow_private: bool = False
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from ``environ`` (default ``os.environ``)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, (var, convert) in _ENV.items():
            raw = env.get(var)
            if raw is not None and raw != "":
                values[name] = convert(raw)
        return cls(**values)

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some settings changed (tests lower limits this way)."""
        return replace(self, **changes)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _paths(raw: str) -> tuple[Path, ...]:
    return tuple(Path(part.strip()) for part in raw.split(",") if part.strip())


_ENV: dict[str, tuple[str, Any]] = {
    "database_url": ("TASKMASTER_DATABASE_URL", str),
    "db_pool_size": ("TASKMASTER_DB_POOL_SIZE", int),
    "redis_url": ("TASKMASTER_REDIS_URL", str),
    "jwt_private_key": ("TASKMASTER_JWT_PRIVATE_KEY", Path),
    "jwt_generate_key": ("TASKMASTER_JWT_GENERATE_KEY", _bool),
    "jwt_extra_public_keys": ("TASKMASTER_JWT_EXTRA_PUBLIC_KEYS", _paths),
    "jwt_issuer": ("TASKMASTER_JWT_ISSUER", str),
    "jwt_audience": ("TASKMASTER_JWT_AUDIENCE", str),
    "access_token_ttl": ("TASKMASTER_ACCESS_TOKEN_TTL", int),
    "refresh_token_ttl": ("TASKMASTER_REFRESH_TOKEN_TTL", int),
    "refresh_reuse_grace": ("TASKMASTER_REFRESH_REUSE_GRACE", int),
    "rate_limit": ("TASKMASTER_RATE_LIMIT", str),
    "login_rate_limit": ("TASKMASTER_LOGIN_RATE_LIMIT", str),
    "max_body_bytes": ("TASKMASTER_MAX_BODY_BYTES", int),
    "require_if_match": ("TASKMASTER_REQUIRE_IF_MATCH", _bool),
    "idempotency_ttl": ("TASKMASTER_IDEMPOTENCY_TTL", int),
    "validate_responses": ("TASKMASTER_VALIDATE_RESPONSES", _bool),
    "webhook_allow_private": ("TASKMASTER_WEBHOOK_ALLOW_PRIVATE", _bool),
    "argon2_time_cost": ("TASKMASTER_ARGON2_TIME_COST", int),
    "argon2_memory_kib": ("TASKMASTER_ARGON2_MEMORY_KIB", int),
    "log_level": ("TASKMASTER_LOG_LEVEL", str),
    "host": ("TASKMASTER_HOST", str),
    "port": ("TASKMASTER_PORT", int),
    "workers": ("TASKMASTER_WORKERS", int),
}
