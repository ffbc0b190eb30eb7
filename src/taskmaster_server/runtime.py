"""Everything a running server holds: settings, database, keys, limits, the spec.

One ``Runtime`` per app, so two apps in one process (tests run SQLite and PostgreSQL side by
side) never share state through module globals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from taskmaster_server.auth.keys import KeyRing
from taskmaster_server.auth.passwords import Passwords
from taskmaster_server.auth.refresh import RefreshTokens
from taskmaster_server.auth.tokens import AccessTokens
from taskmaster_server.db.session import Database, DatabaseTimeouts
from taskmaster_server.idempotency import IdempotencyStore
from taskmaster_server.openapi import ApiSpec, spec_path
from taskmaster_server.ratelimit import RateLimits
from taskmaster_server.services.actors import MembershipCache
from taskmaster_server.settings import Settings
from taskmaster_server.threads import HandlerThreads

__all__ = ["Runtime"]


@dataclass
class Runtime:
    settings: Settings
    db: Database
    keys: KeyRing
    tokens: AccessTokens
    passwords: Passwords
    limits: RateLimits
    spec: ApiSpec
    refresh: RefreshTokens
    idempotency: IdempotencyStore
    memberships: MembershipCache = field(default_factory=MembershipCache)
    threads: HandlerThreads = field(init=False)

    def __post_init__(self) -> None:
        self.threads = HandlerThreads(self.settings)

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        keys = KeyRing.load_or_create(
            settings.jwt_private_key,
            generate=settings.jwt_generate_key,
            extra_public=settings.jwt_extra_public_keys,
        )
        db = Database(
            settings.database_url,
            pool_size=settings.db_pool_size,
            connect_timeout=settings.db_connect_timeout,
            timeouts=DatabaseTimeouts(
                statement=settings.db_statement_timeout,
                lock=settings.db_lock_timeout,
                idle_in_transaction=settings.db_idle_in_transaction_timeout,
            ),
        )
        tokens = AccessTokens(
            keys,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl=settings.access_token_ttl,
        )
        return cls(
            settings=settings,
            db=db,
            keys=keys,
            tokens=tokens,
            passwords=Passwords(
                time_cost=settings.argon2_time_cost,
                memory_kib=settings.argon2_memory_kib,
                workers=settings.password_hash_workers,
                queue=settings.password_hash_queue,
            ),
            limits=RateLimits(
                api=settings.rate_limit,
                login=settings.login_rate_limit,
                login_ip=settings.login_ip_rate_limit,
                login_email=settings.login_email_rate_limit,
                redis_url=settings.redis_url,
            ),
            spec=ApiSpec(spec_path(settings.spec_path)),
            refresh=RefreshTokens(
                db,
                tokens,
                ttl=settings.refresh_token_ttl,
                grace=settings.refresh_reuse_grace,
            ),
            idempotency=IdempotencyStore(db, settings.idempotency_ttl),
        )

    def close(self) -> None:
        self.db.dispose()
