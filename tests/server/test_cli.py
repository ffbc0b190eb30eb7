"""``taskmaster-server`` commands through typer's CliRunner, on a throwaway SQLite file."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from taskmaster_server.cli import app
from taskmaster_server.db.models import Membership, Task, User
from taskmaster_server.db.session import Database


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TASKMASTER_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("TASKMASTER_ARGON2_MEMORY_KIB", "1024")
    return f"sqlite:///{tmp_path / 'cli.db'}"


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_migrate_create_account_and_users(database_url: str) -> None:
    assert "latest revision" in _invoke("migrate", "--database-url", database_url)
    account_id = _invoke("create-account", "--name", "Acme", "--database-url", database_url).strip()
    output = _invoke(
        "create-user",
        "--email",
        "Ada@Example.com",
        "--password",
        "pw",
        "--database-url",
        database_url,
    )
    assert output.startswith("user ")
    _invoke(
        "create-user",
        "--email",
        "bob@example.com",
        "--password",
        "pw",
        "--account",
        account_id,
        "--role",
        "viewer",
        "--database-url",
        database_url,
    )
    db = Database(database_url)
    with db.read() as session:
        emails = set(session.scalars(select(User.email)))
        role = session.scalar(
            select(Membership.role).where(Membership.account_id == uuid.UUID(account_id))
        )
    db.dispose()
    assert emails == {"ada@example.com", "bob@example.com"}
    assert role == "viewer"
    duplicate = CliRunner().invoke(
        app,
        [
            "create-user",
            "--email",
            "ada@example.com",
            "--password",
            "x",
            "--database-url",
            database_url,
        ],
    )
    assert duplicate.exit_code != 0
    assert "already exists" in duplicate.output


def test_seed_demo_is_idempotent(database_url: str) -> None:
    first = _invoke("seed-demo", "--database-url", database_url)
    assert "demo@example.com" in first
    assert "already exists" in _invoke("seed-demo", "--database-url", database_url)
    db = Database(database_url)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 5
    db.dispose()


def test_module_entry_point_prints_help() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "taskmaster_server", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    for command in ("serve", "migrate", "create-user", "create-account", "seed-demo"):
        assert command in result.stdout
