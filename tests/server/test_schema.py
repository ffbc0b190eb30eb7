"""The migrations are the schema: models and migrated database agree.

That list queries use the indexes is checked in test_list_plans.py."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from taskmaster_server.db import search
from taskmaster_server.db.models import Base
from taskmaster_server.db.session import normalize_url
from tests.fixtures.server import Backend


# SQLite's reflection skips expression indexes (the due-date sort key's); it is excluded anyway.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_autogenerate_finds_no_difference(backend: Backend) -> None:
    engine = create_engine(normalize_url(backend.url))
    try:
        with engine.connect() as connection:
            opts = {
                "compare_type": True,
                "include_name": search.include_name,
                "include_object": search.include_object,
            }
            context = MigrationContext.configure(connection, opts=opts)
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
