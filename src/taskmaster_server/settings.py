"""Server settings, read from ``TASKMASTER_*`` environment variables.

Every setting has a default that runs a single-process development server on SQLite; production
sets at least ``TASKMASTER_DATABASE_URL``, ``TASKMASTER_REDIS_URL`` and the JWT key paths.

=====================================  ==========================================================
variable                               default
=====================================  ==========================================================
TASKMASTER_DATABASE_URL                ``sqlite:///./taskmaster.db``
TASKMASTER_DB_POOL_SIZE                ``10`` (PostgreSQL only)
TASKMASTER_DB_CONNECT_TIMEOUT          ``5`` seconds to open a PostgreSQL connection; then 503
TASKMASTER_DB_STATEMENT_TIMEOUT        ``15`` seconds a PostgreSQL statement may run
                                       (``statement_timeout``); then 503 + ``Retry-After``
TASKMASTER_DB_LOCK_TIMEOUT             ``5`` seconds a statement may wait for a lock
                                       (``lock_timeout``); then 503 + ``Retry-After``
TASKMASTER_DB_IDLE_IN_TRANSACTION_TIMEOUT  ``15`` seconds a transaction may sit idle
                                       (``idle_in_transaction_session_timeout``); 0 disables any
                                       of the three
TASKMASTER_REQUEST_TIMEOUT             ``30`` seconds a request's handler may take; then its
                                       statement is cancelled and it answers 503 (a request
                                       whose client left is cancelled at once)
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
TASKMASTER_LOGIN_IP_RATE_LIMIT         ``60/minute`` per client address, any email
TASKMASTER_LOGIN_EMAIL_RATE_LIMIT      ``100/hour`` per email (account), any client address
TASKMASTER_TRUSTED_PROXIES             unset: ``X-Forwarded-For``/``-Proto`` are ignored; else
                                       comma-separated proxy IPs/CIDRs whose headers are trusted
TASKMASTER_PASSWORD_HASH_WORKERS       ``1`` password checks (argon2) running at once
TASKMASTER_PASSWORD_HASH_QUEUE         ``4`` logins waiting for a worker; beyond that login
                                       answers 503 with ``Retry-After``
TASKMASTER_HEADER_TIMEOUT              ``10.0`` seconds for a client to send a request's headers
                                       (``serve``); slower connections are closed
TASKMASTER_BODY_TIMEOUT                ``30.0`` seconds for a client to send a request's body
TASKMASTER_MAX_BODY_BYTES              ``1048576``
TASKMASTER_REQUIRE_IF_MATCH            ``false`` (``true``: PATCH/DELETE of a task needs If-Match)
TASKMASTER_IDEMPOTENCY_TTL             ``86400`` seconds
TASKMASTER_VALIDATE_RESPONSES          ``false`` (tests turn it on)
TASKMASTER_EVENT_RETENTION             ``604800`` seconds (7 days) of event log kept
TASKMASTER_EVENT_HEARTBEAT             ``15`` seconds between stream heartbeats
TASKMASTER_EVENT_STREAM_BUFFER         ``1000`` messages buffered per stream connection
TASKMASTER_EVENT_STREAM_GRACE          ``5`` seconds a stalled send or a full buffer is tolerated
                                       before the connection is closed with 4408 (slow consumer)
TASKMASTER_EVENT_TICKET_TTL            ``60`` seconds a stream ticket stays valid
TASKMASTER_WEBHOOK_ALLOW_PRIVATE       ``false`` (allow private/loopback webhook URLs; cloud
                                       metadata addresses stay refused)
TASKMASTER_WEBHOOK_ALLOWED_NETWORKS    unset; comma-separated CIDRs always allowed (e.g.
                                       ``127.0.0.1/32,10.1.0.0/16``)
TASKMASTER_WEBHOOK_WORKER              ``true`` (run the delivery worker in every server process)
TASKMASTER_WEBHOOK_POLL_INTERVAL       ``1.0`` seconds between looks for due deliveries
TASKMASTER_WEBHOOK_BATCH_SIZE          ``20`` deliveries claimed (and sent concurrently) at once
TASKMASTER_WEBHOOK_TIMEOUT             ``10.0`` seconds per delivery attempt (connect + answer)
TASKMASTER_WEBHOOK_LEASE               ``60.0`` seconds a claimed delivery is reserved; after a
                                       crash it is retried once the lease expires
TASKMASTER_WEBHOOK_MAX_ATTEMPTS        ``12`` attempts before a delivery is ``failed``
TASKMASTER_WEBHOOK_RETRY_BASE          ``60.0`` seconds; retry n waits base·2^(n-1) ±20 %
TASKMASTER_WEBHOOK_RETRY_MAX           ``21600.0`` seconds (6 h): the longest wait
TASKMASTER_WEBHOOK_DISABLE_AFTER       ``5`` consecutive failed deliveries disable an endpoint
TASKMASTER_ARGON2_TIME_COST            ``3``
TASKMASTER_ARGON2_MEMORY_KIB           ``65536``
TASKMASTER_REQUIRE_ALL_HANDLERS        ``false``: spec operations without a handler are logged at
                                       start-up and answer 501; ``true``: refuse to start
TASKMASTER_SPEC_PATH                   unset: the spec shipped in the package
TASKMASTER_LOG_LEVEL                   ``INFO``
TASKMASTER_HOST / TASKMASTER_PORT      ``127.0.0.1`` / ``8000`` (``serve``)
TASKMASTER_WORKERS                     ``1`` (``serve``)
TASKMASTER_READ_THREADS                ``4`` on PostgreSQL, ``1`` on SQLite: GET handlers running at
                                       once per process
TASKMASTER_WRITE_THREADS               ``8`` on PostgreSQL, ``2`` on SQLite: other handlers running at
                                       once (a pool apart: writes waiting on locks never hold up reads)
TASKMASTER_THREADS                     unset; when set, sizes both pools (threads.py)
=====================================  ==========================================================
"""

from __future__ import annotations

import ipaddress
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
    db_connect_timeout: float = 5.0
    db_statement_timeout: float = 15.0
    db_lock_timeout: float = 5.0
    db_idle_in_transaction_timeout: float = 15.0
    request_timeout: float = 30.0
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
    login_ip_rate_limit: str = "60/minute"
    login_email_rate_limit: str = "100/hour"
    trusted_proxies: tuple[str, ...] = ()
    password_hash_workers: int = 1
    password_hash_queue: int = 4
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_body_bytes: int = 1024 * 1024
    require_if_match: bool = False
    idempotency_ttl: int = 24 * 3600
    validate_responses: bool = False
    # The event log and its stream (events/).
    event_retention: int = 7 * 24 * 3600
    event_heartbeat_interval: float = 15.0
    event_stream_buffer: int = 1000
    event_stream_grace: float = 5.0
    event_ticket_ttl: int = 60
    # Webhook delivery (webhooks/): URL safety, the worker, the retry schedule.
    webhook_allow_private: bool = False
    webhook_allowed_networks: tuple[str, ...] = ()
    webhook_worker: bool = True
    webhook_poll_interval: float = 1.0
    webhook_batch_size: int = 20
    webhook_timeout: float = 10.0
    webhook_lease: float = 60.0
    webhook_max_attempts: int = 12
    webhook_retry_base: float = 60.0
    webhook_retry_max: float = 6 * 3600.0
    webhook_disable_after: int = 5
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    # The spec served, and whether every one of its operations must have a handler (resolver.py).
    spec_path: Path | None = None
    require_all_handlers: bool = False
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    # None: by database (threads.py): 4 and 8 on PostgreSQL, 1 and 2 on SQLite.
    read_threads: int | None = None
    write_threads: int | None = None
    threads: int | None = None

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


def _networks(raw: str) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in raw.split(",") if part.strip())
    for part in parts:
        ipaddress.ip_network(part, strict=False)  # a typo fails at startup, not per request
    return parts


def _paths(raw: str) -> tuple[Path, ...]:
    return tuple(Path(part.strip()) for part in raw.split(",") if part.strip())


_ENV: dict[str, tuple[str, Any]] = {
    "database_url": ("TASKMASTER_DATABASE_URL", str),
    "db_pool_size": ("TASKMASTER_DB_POOL_SIZE", int),
    "db_connect_timeout": ("TASKMASTER_DB_CONNECT_TIMEOUT", float),
    "db_statement_timeout": ("TASKMASTER_DB_STATEMENT_TIMEOUT", float),
    "db_lock_timeout": ("TASKMASTER_DB_LOCK_TIMEOUT", float),
    "db_idle_in_transaction_timeout": ("TASKMASTER_DB_IDLE_IN_TRANSACTION_TIMEOUT", float),
    "request_timeout": ("TASKMASTER_REQUEST_TIMEOUT", float),
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
    "login_ip_rate_limit": ("TASKMASTER_LOGIN_IP_RATE_LIMIT", str),
    "login_email_rate_limit": ("TASKMASTER_LOGIN_EMAIL_RATE_LIMIT", str),
    "trusted_proxies": ("TASKMASTER_TRUSTED_PROXIES", _networks),
    "password_hash_workers": ("TASKMASTER_PASSWORD_HASH_WORKERS", int),
    "password_hash_queue": ("TASKMASTER_PASSWORD_HASH_QUEUE", int),
    "header_timeout": ("TASKMASTER_HEADER_TIMEOUT", float),
    "body_timeout": ("TASKMASTER_BODY_TIMEOUT", float),
    "max_body_bytes": ("TASKMASTER_MAX_BODY_BYTES", int),
    "require_if_match": ("TASKMASTER_REQUIRE_IF_MATCH", _bool),
    "idempotency_ttl": ("TASKMASTER_IDEMPOTENCY_TTL", int),
    "validate_responses": ("TASKMASTER_VALIDATE_RESPONSES", _bool),
    "event_retention": ("TASKMASTER_EVENT_RETENTION", int),
    "event_heartbeat_interval": ("TASKMASTER_EVENT_HEARTBEAT", float),
    "event_stream_buffer": ("TASKMASTER_EVENT_STREAM_BUFFER", int),
    "event_stream_grace": ("TASKMASTER_EVENT_STREAM_GRACE", float),
    "event_ticket_ttl": ("TASKMASTER_EVENT_TICKET_TTL", int),
    "webhook_allow_private": ("TASKMASTER_WEBHOOK_ALLOW_PRIVATE", _bool),
    "webhook_allowed_networks": ("TASKMASTER_WEBHOOK_ALLOWED_NETWORKS", _networks),
    "webhook_worker": ("TASKMASTER_WEBHOOK_WORKER", _bool),
    "webhook_poll_interval": ("TASKMASTER_WEBHOOK_POLL_INTERVAL", float),
    "webhook_batch_size": ("TASKMASTER_WEBHOOK_BATCH_SIZE", int),
    "webhook_timeout": ("TASKMASTER_WEBHOOK_TIMEOUT", float),
    "webhook_lease": ("TASKMASTER_WEBHOOK_LEASE", float),
    "webhook_max_attempts": ("TASKMASTER_WEBHOOK_MAX_ATTEMPTS", int),
    "webhook_retry_base": ("TASKMASTER_WEBHOOK_RETRY_BASE", float),
    "webhook_retry_max": ("TASKMASTER_WEBHOOK_RETRY_MAX", float),
    "webhook_disable_after": ("TASKMASTER_WEBHOOK_DISABLE_AFTER", int),
    "argon2_time_cost": ("TASKMASTER_ARGON2_TIME_COST", int),
    "argon2_memory_kib": ("TASKMASTER_ARGON2_MEMORY_KIB", int),
    "spec_path": ("TASKMASTER_SPEC_PATH", Path),
    "require_all_handlers": ("TASKMASTER_REQUIRE_ALL_HANDLERS", _bool),
    "log_level": ("TASKMASTER_LOG_LEVEL", str),
    "host": ("TASKMASTER_HOST", str),
    "port": ("TASKMASTER_PORT", int),
    "workers": ("TASKMASTER_WORKERS", int),
    "read_threads": ("TASKMASTER_READ_THREADS", int),
    "write_threads": ("TASKMASTER_WRITE_THREADS", int),
    "threads": ("TASKMASTER_THREADS", int),
}
