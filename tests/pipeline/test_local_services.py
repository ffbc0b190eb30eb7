"""`make test` uses the PostgreSQL and Redis this machine has (scripts/local_services.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "local_services.py"
ENVS = ("TASKMASTER_TEST_DATABASE_URL", "TASKMASTER_TEST_REDIS_URL")


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _detect(**env: str) -> tuple[dict[str, str], str]:
    clean = {k: v for k, v in os.environ.items() if k not in ENVS}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "detect"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    exports = {}
    for line in result.stdout.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        exports[name] = value.strip("'")
    return exports, result.stderr


def test_explicit_settings_win() -> None:
    exports, report = _detect(
        TASKMASTER_TEST_DATABASE_URL="postgresql+psycopg://someone@db.example/x",
        TASKMASTER_TEST_REDIS_URL="redis://cache.example/3",
    )
    assert exports == {}
    assert "TASKMASTER_TEST_DATABASE_URL is set, using it" in report
    assert "TASKMASTER_TEST_REDIS_URL is set, using it" in report


def test_local_postgres_gets_a_temporary_database_of_its_own() -> None:
    if not _answers(5432):
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    import psycopg

    exports, report = _detect()
    url = exports["TASKMASTER_TEST_DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    assert name.startswith("tm_make_test_")
    assert f"using a temporary database {name}" in report

    def exists() -> bool:
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres") as connection:
            row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return row.fetchone() is not None

    try:
        assert exists()
    finally:
        subprocess.run([sys.executable, str(SCRIPT), "drop", url], check=True, timeout=60)
    assert not exists()


def test_redis_gets_its_highest_empty_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redis

    from tests.fixtures.private_services import PrivateRedis

    server = PrivateRedis(tmp_path)
    server.start()
    try:
        redis.Redis(host="127.0.0.1", port=server.port, db=15).set("someone's", "data")
        monkeypatch.syspath_prepend(str(SCRIPT.parent))
        import local_services

        monkeypatch.setattr(local_services, "REDIS_PORT", server.port)
        assert local_services.redis_database() == f"redis://127.0.0.1:{server.port}/14"
    finally:
        server.kill()
    assert local_services.redis_database() is None  # nothing answers any more
