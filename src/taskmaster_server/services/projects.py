"""Projects: the groups of tasks in an account."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from taskmaster_server.db.models import Project, Task
from taskmaster_server.db.session import Database
from taskmaster_server.db.types import utcnow
from taskmaster_server.pagination import SortKey, after, decode_cursor, encode_cursor
from taskmaster_server.problems import Problem
from taskmaster_server.services import external_ids, serialize
from taskmaster_server.services.actors import Actor
from taskmaster_server.services.conditions import check_if_match
from taskmaster_server.services.page import Page
from taskmaster_server.services.transaction import write

__all__ = ["create", "delete", "get", "list_page", "update"]

_KEYS = (
    SortKey(Project.created_at, False, "datetime", "created_at"),
    SortKey(Project.id, False, "uuid", "id"),
)


def _not_found(project_id: uuid.UUID) -> Problem:
    return Problem("not-found", f"No project {project_id} in this account.")


def list_page(db: Database, actor: Actor, limit: int, cursor: str | None) -> Page:
    query = select(Project).where(Project.account_id == actor.account_id)
    if cursor:
        query = query.where(after(_KEYS, decode_cursor(cursor, "projects", _KEYS)))
    query = query.order_by(*(key.expression for key in _KEYS)).limit(limit + 1)
    with db.read() as session:
        rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor("projects", rows[-1], _KEYS) if more else None
    return Page([serialize.project(r) for r in rows], next_cursor, more)


def get(db: Database, actor: Actor, project_id: uuid.UUID) -> tuple[dict[str, Any], str]:
    with db.read() as session:
        row = session.get(Project, project_id)
        if row is None or row.account_id != actor.account_id:
            raise _not_found(project_id)
        return serialize.project(row), serialize.etag(row.id, row.version)


def create(db: Database, actor: Actor, body: dict[str, Any]) -> tuple[dict[str, Any], str]:
    actor.require_writer()
    now = utcnow()
    with write(db) as tx:
        row = Project(
            id=uuid.uuid4(),
            account_id=actor.account_id,
            name=body["name"],
            description=body.get("description"),
            external_id=body.get("external_id"),
            is_default=False,
            version=1,
            created_at=now,
            updated_at=now,
        )
        external_ids.claim_project_key(tx, actor.account_id, row.external_id, row.id)
        tx.session.add(row)
        tx.session.flush()
        data = serialize.project(row)
        tx.emit("project.created", actor.account_id, row.id, {"object": data})
        return data, serialize.etag(row.id, row.version)


def _locked(tx_session: Session, actor: Actor, project_id: uuid.UUID) -> Project:
    row = tx_session.scalar(select(Project).where(Project.id == project_id).with_for_update())
    if row is None or row.account_id != actor.account_id:
        raise _not_found(project_id)
    assert isinstance(row, Project)
    return row


def update(
    db: Database, actor: Actor, project_id: uuid.UUID, patch: dict[str, Any], if_match: str | None
) -> tuple[dict[str, Any], str]:
    actor.require_writer()
    with write(db) as tx:
        row = _locked(tx.session, actor, project_id)
        check_if_match(if_match, serialize.etag(row.id, row.version))
        changes = {}
        if "external_id" in patch:
            external_ids.claim_project_key(tx, actor.account_id, patch["external_id"], row.id)
        for field in ("name", "description", "external_id"):
            if field in patch and getattr(row, field) != patch[field]:
                changes[field] = {"old": getattr(row, field), "new": patch[field]}
                setattr(row, field, patch[field])
        if changes:
            row.version += 1
            row.updated_at = utcnow()
            tx.session.flush()
            data = serialize.project(row)
            tx.emit(
                "project.updated", actor.account_id, row.id, {"object": data, "changes": changes}
            )
        return serialize.project(row), serialize.etag(row.id, row.version)


def delete(db: Database, actor: Actor, project_id: uuid.UUID, if_match: str | None) -> None:
    actor.require_writer()
    with write(db) as tx:
        row = _locked(tx.session, actor, project_id)
        check_if_match(if_match, serialize.etag(row.id, row.version))
        if row.is_default:
            raise Problem("conflict", "The account's default project cannot be deleted.")
        # Its tasks go with it (ON DELETE CASCADE); each is a deleted task to event readers.
        task_ids = tx.session.scalars(
            select(Task.id).where(Task.project_id == row.id).order_by(Task.created_at, Task.id)
        )
        for task_id in task_ids:
            tx.emit("task.deleted", actor.account_id, row.id, {"id": str(task_id)})
        tx.session.delete(row)
        tx.emit("project.deleted", actor.account_id, row.id, {"id": str(row.id)})
