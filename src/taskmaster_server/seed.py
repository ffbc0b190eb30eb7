"""Demo data for ``taskmaster-server seed-demo``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from taskmaster_server.auth.passwords import Passwords
from taskmaster_server.db.models import User
from taskmaster_server.db.session import Database
from taskmaster_server.services import accounts, projects, subtasks, tasks
from taskmaster_server.services.actors import Actor

__all__ = ["seed_demo_data"]

_TASKS: list[dict[str, Any]] = [
    {"title": "Draft the launch announcement", "priority": "high", "tags": ["launch", "writing"]},
    {"title": "Book the venue", "priority": "urgent", "tags": ["launch"], "status": "in_progress"},
    {"title": "Send invitations", "priority": "medium", "tags": ["launch", "email"]},
    {"title": "Order catering", "priority": "low", "status": "done"},
    {"title": "Update the website", "priority": "high", "tags": ["web"]},
]


def seed_demo_data(db: Database, passwords: Passwords, *, email: str, password: str) -> str:
    with db.read() as session:
        existing = session.scalar(
            select(User.id).where(User.email == accounts.normalize_email(email))
        )
    if existing is not None:
        return f"demo user {email} already exists; nothing to do"
    created = accounts.create_user(db, passwords, email=email, password=password, name="Demo User")
    actor = Actor(created.user_id, created.account_id, "owner")
    project, _ = projects.create(
        db, actor, {"name": "Launch", "description": "The November launch."}
    )
    for body in _TASKS:
        task = tasks.create(db, actor, {**body, "project_id": project["id"]})
        if body["title"].startswith("Draft"):
            for title in ("Outline", "First draft", "Review"):
                subtasks.create(db, actor, task.id, {"title": title})
    return f"demo user {email} (password: as given) with {len(_TASKS)} tasks in account {created.account_id}"
