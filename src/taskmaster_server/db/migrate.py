"""Run the Alembic migrations programmatically (``taskmaster-server migrate`` and tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, pool, text

from taskmaster_server.db.session import normalize_url

__all__ = ["alembic_config", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")

# The key of the PostgreSQL advisory lock held while migrating ("taskmast" in ASCII). Advisory
# locks are per database, so migrations of different databases never wait for each other.
MIGRATION_LOCK_KEY = 0x7461736B6D617374


def alembic_config(database_url: str) -> Config:
    """An Alembic config for ``database_url`` without needing an alembic.ini on disk."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    url = normalize_url(database_url).render_as_string(hide_password=False)
    # ConfigParser interpolation treats % specially (URL-encoded passwords contain it).
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database at ``database_url`` up to ``revision``.

    On PostgreSQL, under an advisory lock: ``serve`` migrates first, so hosts started together
    would otherwise run the same migrations at once and all but one fail halfway. The others
    wait for the lock, then find the database at ``revision`` and have nothing to do.
    """
    url = normalize_url(database_url)
    if url.get_backend_name() != "postgresql":
        command.upgrade(alembic_config(database_url), revision)
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        # A session-level lock on a connection of its own: it outlives Alembic's transactions,
        # and a migrating process that dies releases it with its connection.
        with engine.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            lock.commit()
            try:
                command.upgrade(alembic_config(database_url), revision)
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                lock.commit()
    finally:
        engine.dispose()
