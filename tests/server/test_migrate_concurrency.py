"""Hosts that start together migrate together: ``migrate`` serializes on an advisory lock."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from taskmaster_server.db.session import normalize_url
from taskmaster_server.testing import create_postgres_database, drop_postgres_database
from tests.fixtures.server import DATABASE_ENV

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def fresh_database() -> Iterator[str]:
    admin_url = os.environ.get(DATABASE_ENV)
    if not admin_url:
        pytest.skip(f"concurrent migrations need PostgreSQL: set {DATABASE_ENV}")
    url = create_postgres_database(admin_url, prefix="tm_migrate")
    try:
        yield url
    finally:
        drop_postgres_database(admin_url, url)


def test_two_concurrent_migrations_of_a_fresh_database_both_succeed(fresh_database: str) -> None:
    command = [sys.executable, "-m", "taskmaster_server", "migrate"]
    env = {**os.environ, "TASKMASTER_DATABASE_URL": fresh_database}
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = [run.communicate(timeout=120) for run in runs]
    for run, (_, stderr) in zip(runs, results, strict=True):
        assert run.returncode == 0, stderr.decode(errors="replace")[-2000:]
    engine = create_engine(normalize_url(fresh_database))
    try:
        with engine.connect() as connection:
            heads = connection.execute(text("SELECT version_num FROM alembic_version")).all()
            tables = connection.scalar(
                text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            )
    finally:
        engine.dispose()
    assert len(heads) == 1
    assert tables is not None
    assert tables > 5
