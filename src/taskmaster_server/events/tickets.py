"""Single-use tickets for opening the stream without handshake headers (browsers).

Only the ticket's SHA-256 is stored; redeeming deletes the row in the same transaction that
reads it, so a ticket opens at most one connection, across every server process.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete

from taskmaster_server.db.models import EventStreamTicket
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow

__all__ = ["IssuedTicket", "TicketHolder", "issue", "redeem"]

PREFIX = "tk_"


@dataclass(frozen=True)
class IssuedTicket:
    ticket: str
    expires_at: datetime


@dataclass(frozen=True)
class TicketHolder:
    user_id: uuid.UUID
    account_id: uuid.UUID


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


def issue(db: Database, user_id: uuid.UUID, account_id: uuid.UUID, ttl: int) -> IssuedTicket:
    ticket = PREFIX + secrets.token_urlsafe(24)
    now = utcnow()
    expires_at = now + timedelta(seconds=ttl)
    with db.write() as session:
        session.execute(delete(EventStreamTicket).where(EventStreamTicket.expires_at < now))
        session.add(
            EventStreamTicket(
                digest=_digest(ticket),
                user_id=user_id,
                account_id=account_id,
                expires_at=expires_at,
            )
        )
    return IssuedTicket(ticket, expires_at)


def redeem(db: Database, ticket: str) -> TicketHolder | None:
    """The ticket's holder, once; None for an unknown, used or expired ticket."""
    if not ticket.startswith(PREFIX) or len(ticket) > 100:
        return None
    statement = (
        delete(EventStreamTicket)
        .where(EventStreamTicket.digest == _digest(ticket))
        .returning(
            EventStreamTicket.user_id, EventStreamTicket.account_id, EventStreamTicket.expires_at
        )
    )
    with db.write() as session:
        row = session.execute(statement).first()
    if row is None or row.expires_at < utcnow():
        return None
    return TicketHolder(row.user_id, row.account_id)
