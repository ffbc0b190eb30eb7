"""``Idempotency-Key``: the first successful response of a POST/PATCH is stored (per account +
key) and replayed, with ``Idempotent-Replayed: true``, for retries.

The claim, the write and the stored response are one transaction: ``IdempotencyStore.claim``
opens it and the handler's own ``write()`` joins it, so the change and its record commit
together or not at all. A process that dies mid-request therefore leaves nothing behind, and
the retry runs afresh at once: no lock outlives the request that held it.

While the first request runs, a retry with the same key answers ``409 idempotency-in-progress``:
in the same process from the set of running keys; across processes on PostgreSQL from a
transaction-scoped advisory lock, which the database drops when the transaction ends, however
it ends. On SQLite a retry from another process queues on the database's write lock instead and
then replays the stored response. The same key with another request (method, path, query or
body) is ``422 idempotency-key-reused``. Errors are not stored: the write rolls back with them,
so a retry runs again.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from taskmaster_server.db.models import IdempotencyRecord
from taskmaster_server.db.pipeline import fetch_together
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.problems import Problem
from taskmaster_server.services.transaction import Transaction, write

__all__ = ["Claim", "IdempotencyStore", "StoredResponse", "fingerprint"]

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


def _advisory_key(account_id: uuid.UUID, key: str) -> int:
    """A signed 64-bit lock id for (account, key); a collision only costs a spurious 409."""
    digest = hashlib.sha256(f"{account_id}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@dataclass
class Claim:
    """A request's hold on its key, inside the transaction that its write joins."""

    tx: Transaction
    # The response to replay; None: run the request, then ``keep`` its response.
    stored: StoredResponse | None
    kept: StoredResponse | None = None

    def keep(self, response: StoredResponse) -> None:
        """Store ``response`` for the key, in the same commit as the write."""
        self.kept = response


_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(:id)")
# Driver-level SQL (db/pipeline.fetch_together): psycopg loads the JSONB, bytea and timestamptz.
_LOOKUP_PG = (
    "SELECT fingerprint, status_code, headers, body, media_type, expires_at"
    " FROM idempotency_keys WHERE account_id = %(account_id)s AND key = %(key)s"
)


class IdempotencyStore:
    def __init__(self, db: Database, ttl_seconds: int) -> None:
        self._db = db
        self._ttl = timedelta(seconds=ttl_seconds)
        self._running: set[tuple[uuid.UUID, str]] = set()
        self._running_lock = threading.Lock()

    @contextmanager
    def claim(self, account_id: uuid.UUID, key: str, digest: str) -> Iterator[Claim]:
        """Open the request's write transaction holding ``key``; commit when the block ends.

        Raises ``409 idempotency-in-progress`` while another request holds the key and ``422
        idempotency-key-reused`` when ``digest`` differs from the stored request's.
        """
        running = (account_id, key)
        with self._running_lock:
            if running in self._running:
                raise _in_progress()
            self._running.add(running)
        try:
            with write(self._db) as tx:
                tx.checkpoint = "idempotent"
                claim = Claim(tx, self._lock_and_lookup(tx, account_id, key, digest))
                yield claim
                if claim.stored is None and claim.kept is not None:
                    self._store(tx, account_id, key, digest, claim.kept)
        finally:
            with self._running_lock:
                self._running.discard(running)

    def _lock_and_lookup(
        self, tx: Transaction, account_id: uuid.UUID, key: str, digest: str
    ) -> StoredResponse | None:
        lock_id = _advisory_key(account_id, key)
        if tx.pending is None:
            # SQLite needs no lock: the transaction began with the database's write lock.
            postgres = tx.session.get_bind().dialect.name == "postgresql"
            if postgres and not tx.session.scalar(_TRY_LOCK, {"id": lock_id}):
                raise _in_progress()
            return self._lookup(tx.session, account_id, key, digest)
        # One round trip (with the BEGIN): the lock, then the lookup. Two statements, not one:
        # the lookup's snapshot must be taken once the lock is held, or a request finishing in
        # between would go unseen and its write run twice.
        taken, found = fetch_together(
            tx.session,
            tx.pending,
            [
                (
                    "SELECT pg_try_advisory_xact_lock(%(id)s)",
                    {"id": _advisory_key(account_id, key)},
                ),
                (_LOOKUP_PG, {"account_id": account_id, "key": key}),
            ],
        )
        if not taken[0][0]:
            raise _in_progress()
        if not found:
            return None
        fingerprint_, status, headers, body, media_type, expires_at = found[0]
        return self._stored(
            tx.session,
            account_id,
            key,
            digest,
            fingerprint_,
            expires_at,
            StoredResponse(status, dict(headers), bytes(body), media_type),
        )

    def _lookup(
        self, session: Session, account_id: uuid.UUID, key: str, digest: str
    ) -> StoredResponse | None:
        where = (IdempotencyRecord.account_id == account_id, IdempotencyRecord.key == key)
        row = session.scalars(select(IdempotencyRecord).where(*where)).one_or_none()
        if row is None:
            return None
        return self._stored(
            session,
            account_id,
            key,
            digest,
            row.fingerprint,
            row.expires_at,
            StoredResponse(row.status_code, dict(row.headers), row.body, row.media_type),
        )

    def _stored(
        self,
        session: Session,
        account_id: uuid.UUID,
        key: str,
        digest: str,
        stored_digest: str,
        expires_at: datetime,
        response: StoredResponse,
    ) -> StoredResponse | None:
        """The stored response to replay, None when it expired (and is deleted)."""
        if expires_at <= utcnow():
            session.execute(
                delete(IdempotencyRecord).where(
                    IdempotencyRecord.account_id == account_id, IdempotencyRecord.key == key
                )
            )
            return None
        if stored_digest != digest:
            raise Problem(
                "idempotency-key-reused",
                "This Idempotency-Key was used for a different request; use a new key.",
            )
        return response

    def _store(
        self,
        tx: Transaction,
        account_id: uuid.UUID,
        key: str,
        digest: str,
        response: StoredResponse,
    ) -> None:
        now: datetime = utcnow()
        # Deferred: on PostgreSQL it rides with the commit (the write's round trip).
        tx.defer(
            insert(IdempotencyRecord).values(
                account_id=account_id,
                key=key,
                fingerprint=digest,
                status_code=response.status,
                headers={
                    k: v for k, v in response.headers.items() if k.lower() in REPLAYED_HEADERS
                },
                body=response.body,
                media_type=response.media_type,
                created_at=now,
                expires_at=now + self._ttl,
            )
        )

    def purge_expired(self) -> int:
        with write(self._db) as tx:
            result = tx.session.execute(
                delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= utcnow())
            )
            return int(getattr(result, "rowcount", 0) or 0)
