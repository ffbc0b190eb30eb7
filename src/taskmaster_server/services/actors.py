"""Who is acting, in which account, with which role."""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from taskmaster_server.db.models import Membership
from taskmaster_server.db.session import Database
from taskmaster_server.problems import Problem

__all__ = ["Actor", "MembershipCache", "resolve_actor"]

WRITERS = frozenset({"owner", "member"})


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    account_id: uuid.UUID
    role: str

    def require_writer(self) -> None:
        if self.role not in WRITERS:
            raise Problem("forbidden", "Viewers can read this account but not change it.")


class MembershipCache:
    """Roles recently read, so that a client's burst of requests costs one membership query.

    Only found memberships are kept, for ``ttl`` seconds: a new member is seen at once, and a
    removed member or changed role takes effect within ``ttl`` in every process.
    """

    def __init__(self, ttl: float = 2.0, size: int = 4096) -> None:
        self.ttl = ttl
        self.size = size
        self._roles: OrderedDict[tuple[uuid.UUID, uuid.UUID], tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def role(self, db: Database, user_id: uuid.UUID, account_id: uuid.UUID) -> str | None:
        key = (user_id, account_id)
        now = time.monotonic()
        with self._lock:
            cached = self._roles.get(key)
            if cached is not None and cached[0] > now:
                return cached[1]
        with db.read() as session:
            membership = session.get(Membership, key)
            role = membership.role if membership else None
        with self._lock:
            if role is None:
                self._roles.pop(key, None)
            else:
                self._roles[key] = (now + self.ttl, role)
                self._roles.move_to_end(key)
                if len(self._roles) > self.size:
                    self._roles.popitem(last=False)
        return role


def resolve_actor(
    db: Database,
    user_id: uuid.UUID,
    token_account: uuid.UUID,
    header: str | None,
    memberships: MembershipCache | None = None,
) -> Actor:
    """The acting account is ``X-Account-ID`` when sent, else the token's; the user must be a
    member of it (403 for a foreign header, 401 when the token's own membership is gone)."""
    account_id = uuid.UUID(header) if header else token_account
    if memberships is not None:
        role = memberships.role(db, user_id, account_id)
    else:
        with db.read() as session:
            membership = session.get(Membership, (user_id, account_id))
            role = membership.role if membership else None
    if role is None:
        if header:
            raise Problem("forbidden", f"You are not a member of account {account_id}.")
        raise Problem("unauthorized", "The token's account is no longer accessible.")
    return Actor(user_id=user_id, account_id=account_id, role=role)
