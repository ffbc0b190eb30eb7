"""External ids: unique within a project (tasks) or within an account (projects).

A partial unique index on ``(project_id, external_id)`` (``(account_id, external_id)`` for
projects) is the guarantee; the checks here turn a duplicate into a ``409`` naming the field
before anything is written. Every writer that sets a task's key first takes a
transaction-scoped lock on it: on PostgreSQL an advisory lock, so that concurrent writers of
one key (an upsert's look-up, then its INSERT or UPDATE) run one after the other instead of
meeting at the index; SQLite's ``BEGIN IMMEDIATE`` already serialises every writer. Keys a
transaction has taken are remembered in it, so items of one batch (whose rows may not be
flushed yet) are checked against each other too.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from sqlalchemy import select, text

from taskmaster_server.db.models import Project, Task
from taskmaster_server.problems import Problem
from taskmaster_server.services.transaction import Transaction

__all__ = ["claim_project_key", "claim_task_key", "lock_keys"]

# The first half of the two-integer advisory lock id: a key space of its own (the one-bigint
# locks of idempotency.py never collide with two-integer ones).
_LOCK_CLASS = 0x7E1D
_HELD = "external_ids.held"

Key = tuple[uuid.UUID, str]


def _lock_id(key: Key) -> int:
    digest = hashlib.sha256(f"{key[0]}:{key[1]}".encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def lock_keys(tx: Transaction, keys: Iterable[Key]) -> None:
    """Hold ``(project_id, external_id)`` keys (``(account_id, ...)`` for projects) until the transaction ends (PostgreSQL).

    Taken in one sorted order, so that two batches sharing keys cannot deadlock; a lock
    already held by this transaction is taken again at no cost.
    """
    if tx.session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(keys), key=lambda k: (str(k[0]), k[1])):
        tx.session.execute(
            text("SELECT pg_advisory_xact_lock(:cls, :id)"),
            {"cls": _LOCK_CLASS, "id": _lock_id(key)},
        )


def _taken(field: str, value: str, where: str, holder: uuid.UUID) -> Problem:
    return Problem("conflict", f"{field} {value!r} is already used in {where}, by {holder}.")


def claim_task_key(
    tx: Transaction, project_id: uuid.UUID, external_id: str | None, task_id: uuid.UUID
) -> None:
    """Give ``task_id`` the key ``(project_id, external_id)``, or raise ``409`` if another task
    holds it. Call before the task is changed: a failed claim leaves nothing to undo."""
    held: dict[Key, uuid.UUID] = tx.cache.setdefault(_HELD, {})
    for key in [k for k, holder in held.items() if holder == task_id]:
        del held[key]  # the task's earlier key in this transaction is free again
    if external_id is None:
        return
    key = (project_id, external_id)
    lock_keys(tx, [key])
    holder = held.get(key)
    if holder is None:
        tx.session.flush()  # earlier changes of this transaction are part of the answer
        holder = tx.session.scalar(
            select(Task.id)
            .where(
                Task.project_id == project_id,
                Task.external_id == external_id,
                Task.id != task_id,
            )
            .limit(1)
        )
    if holder is not None and holder != task_id:
        raise _taken("external_id", external_id, f"project {project_id}", holder)
    held[key] = task_id


def claim_project_key(
    tx: Transaction, account_id: uuid.UUID, external_id: str | None, project_id: uuid.UUID
) -> None:
    """``409`` if another project of the account has ``external_id``."""
    if external_id is None:
        return
    lock_keys(tx, [(account_id, external_id)])
    holder = tx.session.scalar(
        select(Project.id)
        .where(
            Project.account_id == account_id,
            Project.external_id == external_id,
            Project.id != project_id,
        )
        .limit(1)
    )
    if holder is not None:
        raise _taken("external_id", external_id, "this account", holder)
