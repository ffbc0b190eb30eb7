"""Who is acting, in which account, with which role."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from taskmaster_server.db.models import Membership
from taskmaster_server.db.session import Database
from taskmaster_server.problems import Problem

__all__ = ["Actor", "resolve_actor"]

WRITERS = frozenset({"owner", "member"})


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    account_id: uuid.UUID
    role: str

    def require_writer(self) -> None:
        if self.role not in WRITERS:
            raise Problem("forbidden", "Viewers can read this account but not change it.")


def resolve_actor(
    db: Database, user_id: uuid.UUID, token_account: uuid.UUID, header: str | None
) -> Actor:
    """The acting account is ``X-Account-ID`` when sent, else the token's; the user must be a
    member of it (403 for a foreign header, 401 when the token's own membership is gone)."""
    account_id = uuid.UUID(header) if header else token_account
    with db.read() as session:
        membership = session.get(Membership, (user_id, account_id))
        role = membership.role if membership else None
    if role is None:
        if header:
            raise Problem("forbidden", f"You are not a member of account {account_id}.")
        raise Problem("unauthorized", "The token's account is no longer accessible.")
    return Actor(user_id=user_id, account_id=account_id, role=role)
