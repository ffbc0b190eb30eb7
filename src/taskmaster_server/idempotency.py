"""``Idempotency-Key``: the first response of a POST/PATCH is stored (per account + key) and
replayed for retries.

The record is created *before* the write runs, as ``running``: a retry arriving meanwhile gets
``409 idempotency-in-progress``; one arriving later gets the stored response with
``Idempotent-Replayed: true``. The same key with another request (method, path, query or body)
is ``422 idempotency-key-reused``. Only successful responses are stored: after an error the
record is dropped, so a retry runs again. A ``running`` record older than ``LOCK_SECONDS`` is
taken over (its request died with the process).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from taskmaster_server.db.models import IdempotencyRecord
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.problems import Problem
from taskmaster_server.services.transaction import write

__all__ = ["IdempotencyStore", "StoredResponse", "fingerprint"]

LOCK_SECONDS = 60
REPLAYED_HEADERS = ("location", "etag", "content-type")


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    media_type: str | None


def fingerprint(method: str, path: str, query: str, body: Any) -> str:
    canonical = json.dumps(
        [method.upper(), path, sorted(query.split("&")) if query else [], body],
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _in_progress() -> Problem:
    return Problem(
        "idempotency-in-progress",
        "A request with this Idempotency-Key is still running; retry shortly.",
        headers={"Retry-After": "1"},
    )


class IdempotencyStore:
    def __init__(self, db: Database, ttl_seconds: int) -> None:
        self._db = db
        self._ttl = timedelta(seconds=ttl_seconds)

    def begin(self, account_id: uuid.UUID, key: str, digest: str) -> StoredResponse | None:
        """The stored response to replay, or None when the caller should run the request."""
        try:
            with write(self._db) as tx:
                return self._claim(tx.session, account_id, key, digest)
        except IntegrityError:
            # Another process inserted the same key between our read and our insert.
            raise _in_progress() from None

    def _claim(
        self, session: Any, account_id: uuid.UUID, key: str, digest: str
    ) -> StoredResponse | None:
        now = utcnow()
        row = session.get(IdempotencyRecord, (account_id, key), with_for_update=True)
        if row is not None and row.expires_at <= now:
            session.delete(row)
            session.flush()
            row = None
        if row is None:
            session.add(
                IdempotencyRecord(
                    account_id=account_id,
                    key=key,
                    fingerprint=digest,
                    state="running",
                    locked_until=now + timedelta(seconds=LOCK_SECONDS),
                    created_at=now,
                    expires_at=now + self._ttl,
                )
            )
            session.flush()
            return None
        if row.fingerprint != digest:
            raise Problem(
                "idempotency-key-reused",
                "This Idempotency-Key was used for a different request; use a new key.",
            )
        if row.state == "running":
            if row.locked_until > now:
                raise _in_progress()
            row.locked_until = now + timedelta(seconds=LOCK_SECONDS)
            return None
        return StoredResponse(
            row.status_code, dict(row.headers or {}), row.body or b"", row.media_type
        )

    def finish(self, account_id: uuid.UUID, key: str, response: StoredResponse) -> None:
        with write(self._db) as tx:
            row = tx.session.get(IdempotencyRecord, (account_id, key), with_for_update=True)
            if row is None:
                return
            row.state = "done"
            row.status_code = response.status
            row.headers = {
                k: v for k, v in response.headers.items() if k.lower() in REPLAYED_HEADERS
            }
            row.body = response.body
            row.media_type = response.media_type

    def abandon(self, account_id: uuid.UUID, key: str) -> None:
        with write(self._db) as tx:
            tx.session.execute(
                delete(IdempotencyRecord).where(
                    IdempotencyRecord.account_id == account_id, IdempotencyRecord.key == key
                )
            )

    def purge_expired(self) -> int:
        with write(self._db) as tx:
            result = tx.session.execute(
                delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= utcnow())
            )
            return int(getattr(result, "rowcount", 0) or 0)
