"""Users, accounts (tenants) and memberships."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from taskmaster_server.auth.passwords import Passwords
from taskmaster_server.db.models import Account, Membership, Project, User
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.problems import Problem
from taskmaster_server.services import serialize
from taskmaster_server.services.actors import Actor
from taskmaster_server.services.transaction import write

__all__ = [
    "ROLES",
    "NewUser",
    "add_member",
    "authenticate",
    "create_account",
    "create_user",
    "first_account",
    "get_account",
    "is_member",
    "list_memberships",
    "me",
    "normalize_email",
]

ROLES = ("owner", "member", "viewer")


@dataclass(frozen=True)
class NewUser:
    user_id: uuid.UUID
    account_id: uuid.UUID
    email: str


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _new_account(session: Session, name: str) -> Account:
    now = utcnow()
    account = Account(id=uuid.uuid4(), name=name, created_at=now)
    session.add(account)
    session.flush()
    session.add(
        Project(
            id=uuid.uuid4(),
            account_id=account.id,
            name="Default",
            description="Tasks created without a project land here.",
            is_default=True,
            version=1,
            created_at=now,
            updated_at=now,
        )
    )
    return account


def create_account(db: Database, name: str, owner_id: uuid.UUID | None = None) -> uuid.UUID:
    """A new account with its default project (and ``owner_id`` as its owner)."""
    with write(db) as tx:
        account = _new_account(tx.session, name)
        if owner_id is not None:
            if tx.session.get(User, owner_id) is None:
                raise Problem("not-found", f"No user {owner_id}.")
            tx.session.add(Membership(user_id=owner_id, account_id=account.id, role="owner"))
        return account.id


def create_user(
    db: Database,
    passwords: Passwords,
    *,
    email: str,
    password: str,
    name: str | None = None,
    account_id: uuid.UUID | None = None,
    role: str = "owner",
) -> NewUser:
    """A user; in ``account_id`` with ``role`` if given, else owner of a new account."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    password_hash = passwords.hash(password)
    email = normalize_email(email)
    try:
        with write(db) as tx:
            user = User(id=uuid.uuid4(), email=email, name=name, password_hash=password_hash)
            tx.session.add(user)
            if account_id is None:
                account = _new_account(tx.session, f"{name or email}'s account")
                account_id, role = account.id, "owner"
            elif tx.session.get(Account, account_id) is None:
                raise Problem("not-found", f"No account {account_id}.")
            tx.session.flush()
            tx.session.add(Membership(user_id=user.id, account_id=account_id, role=role))
            return NewUser(user_id=user.id, account_id=account_id, email=email)
    except IntegrityError:
        raise Problem("conflict", f"A user with email {email} already exists.") from None


def add_member(db: Database, user_id: uuid.UUID, account_id: uuid.UUID, role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    with write(db) as tx:
        existing = tx.session.get(Membership, (user_id, account_id))
        if existing is None:
            tx.session.add(Membership(user_id=user_id, account_id=account_id, role=role))
        else:
            existing.role = role


def authenticate(db: Database, passwords: Passwords, email: str, password: str) -> User | None:
    with db.read() as session:
        user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if not passwords.verify(user.password_hash if user else None, password):
        return None
    return user


def is_member(db: Database, user_id: uuid.UUID, account_id: uuid.UUID) -> bool:
    with db.read() as session:
        return session.get(Membership, (user_id, account_id)) is not None


def first_account(db: Database, user_id: uuid.UUID) -> uuid.UUID | None:
    with db.read() as session:
        found = session.scalar(
            select(Membership.account_id)
            .where(Membership.user_id == user_id)
            .order_by(Membership.created_at, Membership.account_id)
            .limit(1)
        )
    return found


def _memberships(session: Session, user_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Membership)
        .where(Membership.user_id == user_id)
        .order_by(Membership.created_at, Membership.account_id)
    ).all()
    return [{"account": serialize.account(m.account), "role": m.role} for m in rows]


def list_memberships(db: Database, actor: Actor) -> list[dict[str, Any]]:
    with db.read() as session:
        return _memberships(session, actor.user_id)


def get_account(db: Database, actor: Actor, account_id: uuid.UUID) -> dict[str, Any]:
    with db.read() as session:
        membership = session.get(Membership, (actor.user_id, account_id))
        if membership is None:
            raise Problem("not-found", f"No account {account_id} among yours.")
        return {"account": serialize.account(membership.account), "role": membership.role}


def me(db: Database, actor: Actor) -> dict[str, Any]:
    with db.read() as session:
        user = session.get(User, actor.user_id)
        if user is None:
            raise Problem("not-found", "The signed-in user no longer exists.")
        return {
            "user": serialize.user(user),
            "accounts": _memberships(session, actor.user_id),
            "account_id": str(actor.account_id),
            "role": actor.role,
        }
