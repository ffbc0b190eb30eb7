"""The schema, as typed SQLAlchemy 2.0 models.

Alembic migrations in ``migrations/versions`` create it; a test checks that autogenerate finds
no difference between these models and the migrated database, on SQLite and PostgreSQL.
Every tenant-owned row carries ``account_id`` and every list query leads with it, so the
composite indexes below start with ``account_id`` and end with the keyset order
(``created_at, id``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from taskmaster_server.db.types import JSONDocument, UTCDateTime, utcnow

__all__ = [
    "Account",
    "Base",
    "Event",
    "EventCounter",
    "EventStreamTicket",
    "IdempotencyRecord",
    "Membership",
    "Project",
    "RefreshToken",
    "SubTask",
    "Task",
    "TaskTag",
    "User",
    "Webhook",
    "WebhookDelivery",
]

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _uuid() -> uuid.UUID:
    return uuid.uuid4()


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Membership(Base):
    __tablename__ = "memberships"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship(lazy="joined")


# Partial indexes on ``external_id``: rows without one are not indexed, nor constrained.
_HAS_EXTERNAL_ID: dict[str, Any] = {
    "postgresql_where": text("external_id IS NOT NULL"),
    "sqlite_where": text("external_id IS NOT NULL"),
}


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        Index(None, "account_id", "created_at", "id"),
        Index(None, "account_id", "external_id", unique=True, **_HAS_EXTERNAL_ID),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {  # noqa: RUF012 (SQLAlchemy reads it once, at class creation)
        "version_id_col": version,
        "version_id_generator": False,
    }


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index(None, "account_id", "created_at", "id"),
        Index(None, "account_id", "updated_at", "id"),
        Index(None, "account_id", "project_id", "created_at", "id"),
        Index(None, "account_id", "status", "created_at", "id"),
        Index(None, "account_id", "due_at", "id"),
        # One per sort key (task_queries.py); the due-date sort key's index and the full-text
        # search objects are in migration 0006 only (db/search.py says why).
        Index(None, "account_id", "priority", "id"),
        Index(None, "account_id", "status", "id"),
        Index(None, "account_id", "title", "id"),
        # Unique within a project (migration 0008); the second serves the list's filter.
        Index(None, "project_id", "external_id", unique=True, **_HAS_EXTERNAL_ID),
        Index(None, "account_id", "external_id", **_HAS_EXTERNAL_ID),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    # 1 low .. 4 urgent: an integer so that sorting by priority is an index-friendly ORDER BY.
    priority: Mapped[int] = mapped_column(SmallInteger, default=2)
    tags: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSONDocument, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subtasks: Mapped[list[SubTask]] = relationship(
        order_by="SubTask.position",
        lazy="selectin",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    # A stale version makes the UPDATE match no row: a lost update becomes an error.
    __mapper_args__ = {  # noqa: RUF012 (SQLAlchemy reads it once, at class creation)
        "version_id_col": version,
        "version_id_generator": False,
    }


class TaskTag(Base):
    """One row per tag of a task, so that ``tag=`` filters use an index on both databases."""

    __tablename__ = "task_tags"
    __table_args__ = (Index(None, "account_id", "tag", "task_id"),)

    task_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(50), primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(Uuid)


class SubTask(Base):
    __tablename__ = "subtasks"
    __table_args__ = (Index(None, "task_id", "position"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RefreshToken(Base):
    """A refresh token, stored as a SHA-256 of its value; rotation links tokens in a family."""

    __tablename__ = "refresh_tokens"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdempotencyRecord(Base):
    """The stored first response for an ``Idempotency-Key``, per account."""

    __tablename__ = "idempotency_keys"

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    # Written only in the commit of the write it answers (idempotency.py): never "running".
    status_code: Mapped[int] = mapped_column(Integer)
    headers: Mapped[dict[str, str]] = mapped_column(JSONDocument)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    media_type: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Webhook(Base):
    __tablename__ = "webhooks"
    __table_args__ = (Index(None, "account_id", "created_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSONDocument)
    description: Mapped[str | None] = mapped_column(String(500))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(20))
    # Kept in clear: the delivery worker signs with them (HMAC needs the secret itself).
    secret: Mapped[str] = mapped_column(String(200))
    previous_secret: Mapped[str | None] = mapped_column(String(200))
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Deliveries that gave up in a row; reaching the limit disables the endpoint ("failing").
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index(None, "webhook_id", "created_at", "id"),
        Index(None, "status", "next_attempt_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    webhook_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    account_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    event_type: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_status: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A worker's lease on an attempt in flight: past claimed_until (its process died) the
    # delivery is due again; claim_token makes sure only the lease holder records the result.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class Event(Base):
    """The transactional outbox: one row per change, written in the change's own transaction.

    ``seq`` is strictly increasing per account (taken from ``EventCounter`` under a row lock),
    so readers page with ``seq > after`` and a gap can only mean retention removed it.
    """

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("account_id", "seq"),
        # Retention purges by age across accounts.
        Index(None, "occurred_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_uuid)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(50))
    project_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument)


class EventCounter(Base):
    """The last ``seq`` handed out per account; updating it serialises an account's writers."""

    __tablename__ = "event_counters"

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class EventStreamTicket(Base):
    """A single-use ticket for the WebSocket stream; only its SHA-256 is stored."""

    __tablename__ = "event_stream_tickets"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
