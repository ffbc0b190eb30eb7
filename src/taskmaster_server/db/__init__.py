"""Persistence: SQLAlchemy 2.0 models, the engine/session wiring and Alembic migrations."""
