"""Opaque refresh tokens in rotating families.

A token is ``rt_`` + 32 random bytes; only its SHA-256 is stored. Every refresh spends the token
and issues its successor in the same family. Presenting a spent token again means it leaked (or
a client raced itself): within ``grace`` seconds of its rotation it is treated as a concurrent
refresh and gets a fresh pair; after that, the whole family is revoked.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from taskmaster_server.auth.tokens import AccessTokens
from taskmaster_server.db.models import Membership, RefreshToken
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.problems import Problem
from taskmaster_server.services.transaction import write

__all__ = ["RefreshTokens", "TokenPair"]


def _digest(raw: str) -> bytes:
    return hashlib.sha256(raw.encode()).digest()


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    account_id: uuid.UUID
    issued_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": int(self.expires_at.timestamp()) - int(self.issued_at.timestamp()),
            "expires_at": self.expires_at.isoformat(),
            "refresh_token": self.refresh_token,
            "refresh_expires_at": self.refresh_expires_at.isoformat(),
            "account_id": str(self.account_id),
        }

    def __repr__(self) -> str:
        return f"TokenPair(account_id={self.account_id}, expires_at={self.expires_at})"


class RefreshTokens:
    def __init__(self, db: Database, tokens: AccessTokens, *, ttl: int, grace: int) -> None:
        self._db = db
        self._tokens = tokens
        self._ttl = ttl
        self._grace = grace

    def login(self, user_id: uuid.UUID, account_id: uuid.UUID) -> TokenPair:
        with write(self._db) as tx:
            return self._issue(tx.session, user_id, account_id, uuid.uuid4())

    def _issue(
        self, session: Session, user_id: uuid.UUID, account_id: uuid.UUID, family: uuid.UUID
    ) -> TokenPair:
        now = utcnow()
        raw = "rt_" + secrets.token_urlsafe(32)
        expires = now + timedelta(seconds=self._ttl)
        session.add(
            RefreshToken(
                token_hash=_digest(raw),
                family_id=family,
                user_id=user_id,
                account_id=account_id,
                created_at=now,
                expires_at=expires,
            )
        )
        access, access_expires = self._tokens.issue(user_id, account_id, now)
        return TokenPair(access, access_expires, raw, expires, account_id, now)

    def rotate(self, raw: str) -> TokenPair:
        pair: TokenPair | None = None
        reason = "The refresh token is not valid."
        with write(self._db) as tx:
            session = tx.session
            row = session.scalar(
                select(RefreshToken)
                .where(RefreshToken.token_hash == _digest(raw))
                .with_for_update()
            )
            now = utcnow()
            if row is None or row.revoked_at is not None or row.expires_at <= now:
                reason = "The refresh token is not valid, expired or revoked."
            elif row.rotated_at is not None and now - row.rotated_at > timedelta(
                seconds=self._grace
            ):
                # Reuse of a spent token: revoke the family, and commit that before refusing.
                self._revoke(session, RefreshToken.family_id == row.family_id, now)
                reason = "The refresh token was already used; its session has been revoked."
            elif session.get(Membership, (row.user_id, row.account_id)) is None:
                reason = "The refresh token's account is no longer accessible."
            else:
                row.rotated_at = row.rotated_at or now
                pair = self._issue(session, row.user_id, row.account_id, row.family_id)
        if pair is None:
            raise Problem("unauthorized", reason)
        return pair

    def revoke(self, raw: str, user_id: uuid.UUID) -> None:
        """Revoke the family of ``raw`` if it belongs to ``user_id`` (else do nothing)."""
        with write(self._db) as tx:
            row = tx.session.scalar(
                select(RefreshToken).where(RefreshToken.token_hash == _digest(raw))
            )
            if row is not None and row.user_id == user_id:
                self._revoke(tx.session, RefreshToken.family_id == row.family_id, utcnow())

    def revoke_all(self, user_id: uuid.UUID) -> None:
        with write(self._db) as tx:
            self._revoke(tx.session, RefreshToken.user_id == user_id, utcnow())

    @staticmethod
    def _revoke(session: Session, where: Any, now: datetime) -> None:
        session.execute(
            update(RefreshToken)
            .where(where, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
