"""Which test services `make test` uses: PostgreSQL and Redis on their default local ports.

    python scripts/local_services.py detect     # shell `export` lines on stdout, a report on stderr
    python scripts/local_services.py drop URL   # drop the temporary database `detect` created

An explicit ``TASKMASTER_TEST_DATABASE_URL`` / ``TASKMASTER_TEST_REDIS_URL`` always wins (CI sets
both). Otherwise a PostgreSQL answering on 127.0.0.1:5432 gets a temporary database of this run's
own (dropped at the end; each test worker still makes its own databases beside it), and a Redis
answering on 127.0.0.1:6379 gets its highest-numbered empty logical database, so the run never
mixes its keys with data someone keeps in database 0. A service that does not answer within a
second is left out, and the tests that need it are skipped, saying how to run them.
"""

from __future__ import annotations

import os
import shlex
import socket
import sys
import uuid

DATABASE_ENV = "TASKMASTER_TEST_DATABASE_URL"
REDIS_ENV = "TASKMASTER_TEST_REDIS_URL"
HOST = "127.0.0.1"
POSTGRES_PORT = 5432
REDIS_PORT = 6379
TIMEOUT = 1.0
# Who to connect as: the server's own superuser first (trust auth on a developer machine), then
# the login user, as psql would.
POSTGRES_USERS = ("postgres", os.environ.get("USER") or "root")
REDIS_DATABASES = 16


def _answers(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=TIMEOUT):
            return True
    except OSError:
        return False


def postgres_database() -> str | None:
    """A fresh temporary database on the local PostgreSQL, as a SQLAlchemy URL, or None."""
    if not _answers(POSTGRES_PORT):
        return None
    import psycopg

    name = f"tm_make_test_{uuid.uuid4().hex[:10]}"
    for user in POSTGRES_USERS:
        try:
            with psycopg.connect(
                host=HOST,
                port=POSTGRES_PORT,
                user=user,
                dbname="postgres",
                connect_timeout=2,
                autocommit=True,
            ) as connection:
                connection.execute(f'CREATE DATABASE "{name}"')
        except psycopg.Error:
            continue
        return f"postgresql+psycopg://{user}@{HOST}:{POSTGRES_PORT}/{name}"
    return None


def drop_postgres_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    with psycopg.connect(
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        dbname="postgres",
        connect_timeout=2,
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


def redis_database() -> str | None:
    """The local Redis's highest-numbered empty logical database, as a URL, or None."""
    if not _answers(REDIS_PORT):
        return None
    import redis

    try:
        for index in range(REDIS_DATABASES - 1, -1, -1):
            client = redis.Redis(host=HOST, port=REDIS_PORT, db=index, socket_timeout=TIMEOUT)
            try:
                if client.dbsize() == 0:
                    return f"redis://{HOST}:{REDIS_PORT}/{index}"
            finally:
                client.close()
    except redis.RedisError:
        return None
    return None


def detect() -> int:
    exports: dict[str, str] = {}
    report: list[str] = []
    if os.environ.get(DATABASE_ENV):
        report.append(f"PostgreSQL: {DATABASE_ENV} is set, using it")
    elif url := postgres_database():
        exports[DATABASE_ENV] = url
        exports["TASKMASTER_TEST_TEMPORARY_DATABASE"] = url
        report.append(
            f"PostgreSQL: {HOST}:{POSTGRES_PORT} answers; using a temporary database "
            f"{url.rsplit('/', 1)[1]} (dropped afterwards)"
        )
    else:
        report.append(
            f"PostgreSQL: nothing answers on {HOST}:{POSTGRES_PORT} and {DATABASE_ENV} is unset; "
            "its tests will be skipped"
        )
    if os.environ.get(REDIS_ENV):
        report.append(f"Redis: {REDIS_ENV} is set, using it")
    elif url := redis_database():
        exports[REDIS_ENV] = url
        report.append(f"Redis: {HOST}:{REDIS_PORT} answers; using its empty database {url}")
    else:
        report.append(
            f"Redis: nothing answers on {HOST}:{REDIS_PORT} and {REDIS_ENV} is unset; "
            "its tests will be skipped"
        )
    for line in report:
        print(f"scripts/test: {line}", file=sys.stderr)
    for name, value in exports.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["detect"]:
        return detect()
    if len(argv) == 2 and argv[0] == "drop":
        drop_postgres_database(argv[1])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
