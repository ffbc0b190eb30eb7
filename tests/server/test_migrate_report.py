"""`taskmaster-server migrate` says which migrations it applied (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from taskmaster_server.cli import app
from taskmaster_server.db.migrate import upgrade
from taskmaster_server.db.revisions import current_revisions
from taskmaster_server.testing import create_postgres_database, drop_postgres_database
from tests.fixtures.server import DATABASE_ENV

MIGRATIONS = Path(__file__).parents[2] / "src/taskmaster_server/db/migrations/versions"


def _expected() -> list[str]:
    return sorted(p.name.split("_", 1)[0] for p in MIGRATIONS.glob("[0-9]*_*.py"))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    admin = os.environ.get(DATABASE_ENV)
    if not admin:
        pytest.skip(f"PostgreSQL tests need {DATABASE_ENV}")
    url = create_postgres_database(admin, "migrate_report")
    try:
        yield url
    finally:
        drop_postgres_database(admin, url)


def _migrate(url: str) -> str:
    result = CliRunner().invoke(app, ["migrate", "--database-url", url])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_fresh_database_lists_every_migration_applied(empty_database: str) -> None:
    revisions = _expected()
    output = _migrate(empty_database)

    lines = output.strip().splitlines()
    assert lines[0] == f"applied {len(revisions)} migrations:"
    listed = [re.match(r"  (\S+)  (.+)$", line) for line in lines[1:-1]]
    assert [m.group(1) for m in listed if m] == revisions
    assert all(m and m.group(2) for m in listed)  # each with its name
    assert "  0001  Initial schema" in output
    assert lines[-1] == f"the database is at the latest revision, {revisions[-1]}"
    assert current_revisions(empty_database) == (revisions[-1],)


def test_a_partly_migrated_database_lists_only_what_was_missing(empty_database: str) -> None:
    revisions = _expected()
    upgrade(empty_database, revisions[1])

    output = _migrate(empty_database)

    assert output.startswith(f"applied {len(revisions) - 2} migration")
    assert f"  {revisions[1]}  " not in output
    assert f"  {revisions[2]}  " in output


def test_an_up_to_date_database_says_there_was_nothing_to_apply(empty_database: str) -> None:
    _migrate(empty_database)
    output = _migrate(empty_database)
    assert output.startswith("nothing to apply: the database is at the latest revision, ")
    assert _expected()[-1] in output
