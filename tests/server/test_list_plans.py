"""Every task list query runs on an index: EXPLAIN on PostgreSQL at 150k tasks in two accounts.

Every sort the spec allows (each key of its ``x-sort-keys``, both directions: the API sorts by
one key), alone and with each filter, on the first page, on page 2 by cursor and on pages 2 and
41 by offset, and the bounded ``total`` every offset page counts: no plan may scan ``tasks``
sequentially. The queries are the ones ``list_page`` runs (``ordered_query``, ``total_query``).
The data lives in a database of this module's own, loaded with ``generate_series`` in the state
of a live table: vacuumed once most rows were written, the latest 10k written since.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.orm import Session

from taskmaster_server.db.migrate import upgrade
from taskmaster_server.db.session import normalize_url
from taskmaster_server.pagination import decode_cursor, encode_cursor
from taskmaster_server.services.actors import Actor
from taskmaster_server.services.task_queries import (
    TOTAL_LIMIT,
    TaskFilters,
    _filtered,
    _Row,
    ordered_query,
    sort_keys,
    total_query,
)
from taskmaster_server.testing import create_postgres_database, drop_postgres_database

pytestmark = pytest.mark.postgres

BIG, SMALL = 100_000, 50_000
VACUUMED = 140_000  # rows written before autovacuum last ran; the rest came after
SPEC = Path(__file__).parents[2] / "openapi" / "taskmaster.yaml"


def _sort_schema() -> dict[str, Any]:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    [sort] = [p for p in spec["paths"]["/tasks"]["get"]["parameters"] if p.get("name") == "sort"]
    schema: dict[str, Any] = sort["schema"]
    return schema


# Every value the spec's pattern lets through, from its x-sort-keys: the list cannot drift.
KEYS: list[str] = _sort_schema()["x-sort-keys"]
SORTS = [sort for name in KEYS for sort in (name, f"-{name}")]


def test_the_sorts_checked_are_exactly_those_the_spec_allows() -> None:
    schema = _sort_schema()
    pattern = re.compile(schema["pattern"])
    # x-sort-keys (which this module and the "did you mean" read) names the pattern's keys.
    alternatives = re.search(r"\(([^()]*)\)", schema["pattern"])
    assert alternatives is not None
    assert alternatives.group(1).split("|") == KEYS
    assert len(SORTS) == 12
    assert all(pattern.search(sort) for sort in SORTS)
    # One key only: no pair of keys, in any directions, gets past the pattern.
    assert not any(pattern.search(f"{a},{b}") for a in SORTS for b in SORTS)


class Loaded:
    def __init__(self, engine: Engine, account: uuid.UUID, project: uuid.UUID) -> None:
        self.engine = engine
        self.account = account
        self.project = project


_ACCOUNTS = """
WITH a AS (
    INSERT INTO accounts (id, name, created_at) VALUES (:account, 'big', now()), (:other, 'small', now())
)
INSERT INTO projects (id, account_id, name, is_default, version, created_at, updated_at)
VALUES (:project, :account, 'p1', true, 1, now(), now()),
       (:project2, :account, 'p2', false, 1, now(), now()),
       (:project3, :other, 'p3', true, 1, now(), now())
"""
_TASKS = """
INSERT INTO tasks (id, account_id, project_id, title, description, status, priority, tags,
                   due_at, metadata, version, created_at, updated_at, external_id)
SELECT gen_random_uuid(),
       CASE WHEN i <= :big THEN CAST(:account AS uuid) ELSE CAST(:other AS uuid) END,
       CASE WHEN i > :big THEN CAST(:project3 AS uuid)
            WHEN i % 4 = 0 THEN CAST(:project2 AS uuid) ELSE CAST(:project AS uuid) END,
       'task ' || i || ' ' || (ARRAY['alpha', 'bravo', 'charlie', 'delta', 'echo'])[i % 5 + 1],
       'about ' || md5(i::text),
       (ARRAY['pending', 'in_progress', 'done', 'cancelled'])[i % 4 + 1],
       i % 4 + 1,
       '[]'::jsonb,
       CASE WHEN i % 3 = 0 THEN NULL ELSE now() + i * interval '1 minute' END,
       '{}'::jsonb,
       1,
       now() - i * interval '1 second',
       now() - i * interval '1 second',
       CASE WHEN i % 2 = 0 THEN 'row-' || i END
FROM generate_series(:start, :stop) AS i
"""
_TAGS = """
INSERT INTO task_tags (task_id, tag, account_id)
SELECT id, 'urgent', account_id FROM tasks WHERE title LIKE '%alpha'
"""


def _load(engine: Engine, params: dict[str, Any]) -> None:
    """The rows, as a live table holds them: vacuumed (autovacuum has run) after most were
    written, and the latest written since, their words waiting in the GIN index's pending list
    (``fastupdate``) until the next vacuum."""
    with engine.connect() as connection:
        connection.execute(text(_ACCOUNTS), params)
        connection.execute(text(_TASKS), {**params, "start": 1, "stop": VACUUMED})
        connection.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE tasks"))
    with engine.connect() as connection:
        connection.execute(text(_TASKS), {**params, "start": VACUUMED + 1, "stop": BIG + SMALL})
        connection.execute(text(_TAGS))
        connection.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


@pytest.fixture(scope="module")
def loaded() -> Iterator[Loaded]:
    admin = os.environ.get("TASKMASTER_TEST_DATABASE_URL")
    if not admin:
        pytest.skip("EXPLAIN plans need TASKMASTER_TEST_DATABASE_URL (PostgreSQL)")
    url = create_postgres_database(admin, prefix="tm_plans")
    engine = create_engine(normalize_url(url))
    try:
        upgrade(url)
        account, project = uuid.uuid4(), uuid.uuid4()
        params = {
            "account": account,
            "other": uuid.uuid4(),
            "project": project,
            "project2": uuid.uuid4(),
            "project3": uuid.uuid4(),
            "big": BIG,
        }
        _load(engine, params)
        yield Loaded(engine, account, project)
    finally:
        engine.dispose()
        drop_postgres_database(admin, url)


def _ordered(
    filters: TaskFilters, account: uuid.UUID, cursor_from: Any = None, offset: int = 0
) -> Any:
    """Page 1 as ``list_page`` asks for it (limit 50, plus one to see if there is more); with
    ``cursor_from``, the page after that row, through a cursor encoded and decoded as served;
    with ``offset``, the page that starts there."""
    keys = sort_keys(filters.sort)
    values = None
    if cursor_from is not None:
        cursor = encode_cursor("digest", _Row(cursor_from), keys)
        values = decode_cursor(cursor, "digest", keys)
    actor = Actor(uuid.uuid4(), account, "owner")
    query = ordered_query(actor, filters, "postgresql", keys, values)
    return (query.offset(offset) if offset else query).limit(51)


def _explain(engine: Engine, query: Any) -> str:
    compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as connection:
        return "\n".join(connection.execute(text(f"EXPLAIN {compiled}")).scalars())


def _assert_on_index(plan: str) -> None:
    assert "Seq Scan on tasks" not in plan, plan
    assert "Index" in plan, plan


_NOW = datetime.now(UTC)
FILTERS: dict[str, dict[str, Any]] = {
    "none": {},
    "project_id": {"project_id": "PROJECT"},
    "status": {"status": ("done",)},
    "priority": {"priority": ("high", "urgent")},
    "tag": {"tag": ("urgent",)},
    # Due dates run from now to 10 weeks ahead, updates from 28 hours ago to now.
    "due_before": {"due_before": (_NOW + timedelta(days=10)).isoformat()},
    "due_after": {"due_after": (_NOW + timedelta(days=30)).isoformat()},
    "updated_since": {"updated_since": (_NOW - timedelta(hours=2)).isoformat()},
    "search": {"search": "bravo"},
}


# Page 2 and page 41: deeper offsets walk more rows before the page (cursors do not), and
# for a filter matching a fifth of the account (``tag``) the planner reads the table instead
# from about offset 5,000.
OFFSETS = (50, 2_000)


def _filters(loaded: Loaded, name: str, sort: str) -> TaskFilters:
    values = {k: (str(loaded.project) if v == "PROJECT" else v) for k, v in FILTERS[name].items()}
    return TaskFilters(sort=sort, **values)


@pytest.mark.parametrize("filter_name", list(FILTERS))
@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_with_every_filter_uses_an_index(
    loaded: Loaded, sort: str, filter_name: str
) -> None:
    filters = _filters(loaded, filter_name, sort)
    first = _ordered(filters, loaded.account)
    _assert_on_index(_explain(loaded.engine, first))
    with loaded.engine.connect() as connection, Session(connection) as session:
        rows = list(session.scalars(first))
    assert len(rows) == 51  # every filter matches more than a page: page 2 exists
    # Page 2, by cursor from page 1's last row: the keyset condition must stay on an index too.
    _assert_on_index(_explain(loaded.engine, _ordered(filters, loaded.account, rows[-2])))
    # Pages 2 and 41 by offset (their `total` is test_offset_total_is_counted_on_an_index's).
    for offset in OFFSETS:
        _assert_on_index(_explain(loaded.engine, _ordered(filters, loaded.account, offset=offset)))


_SORT_INDEX = {
    "created_at": "ix_tasks_account_id_created_at_id",
    "updated_at": "ix_tasks_account_id_updated_at_id",
    "due_at": "ix_tasks_account_id_due_sort_id",
    "priority": "ix_tasks_account_id_priority_id",
    "status": "ix_tasks_account_id_status_id",
    "title": "ix_tasks_account_id_title_id",
}


@pytest.mark.parametrize("sort", SORTS)
def test_a_sort_alone_walks_its_own_index_without_sorting(loaded: Loaded, sort: str) -> None:
    plan = _explain(loaded.engine, _ordered(TaskFilters(sort=sort), loaded.account))
    assert _SORT_INDEX[sort.removeprefix("-")] in plan, plan
    assert "Sort" not in plan, plan


def test_filter_with_sort_then_page_two_stays_on_an_index(loaded: Loaded) -> None:
    filters = TaskFilters(status=("done",), sort="-priority")
    with loaded.engine.connect() as connection, Session(connection) as session:
        rows = list(session.scalars(_ordered(filters, loaded.account)))
    assert len(rows) == 51
    plan = _explain(loaded.engine, _ordered(filters, loaded.account, rows[-2]))
    _assert_on_index(plan)


@pytest.mark.parametrize("sort", SORTS)
def test_the_external_id_filter_reads_its_index(loaded: Loaded, sort: str) -> None:
    """One match (ids are unique per project): the filter's own index finds it, whatever the
    sort, rather than a sort index walked until the end."""
    filters = TaskFilters(external_id="row-4242", sort=sort)
    plan = _explain(loaded.engine, _ordered(filters, loaded.account))
    assert "ix_tasks_account_id_external_id" in plan, plan
    _assert_on_index(plan)
    with loaded.engine.connect() as connection, Session(connection) as session:
        assert [t.external_id for t in session.scalars(_ordered(filters, loaded.account))] == [
            "row-4242"
        ]


def test_search_uses_the_full_text_index(loaded: Loaded) -> None:
    # A rare word: the planner goes to the GIN index rather than walking a sort index.
    plan = _explain(loaded.engine, _ordered(replace(TaskFilters(), search="4242"), loaded.account))
    assert "ix_tasks_search_vector" in plan, plan
    _assert_on_index(plan)


@pytest.mark.parametrize("filter_name", list(FILTERS))
def test_offset_total_is_counted_on_an_index(loaded: Loaded, filter_name: str) -> None:
    """Every offset page counts its ``total``, up to ``TOTAL_LIMIT`` matches: a bounded walk of
    an index whatever the account's size. (``search=`` read ``tasks`` sequentially while the
    full-text index had words pending since the last vacuum: migration 0007.)"""
    filters = _filters(loaded, filter_name, "created_at")
    query = _filtered(Actor(uuid.uuid4(), loaded.account, "owner"), filters, "postgresql")
    plan = _explain(loaded.engine, total_query(query))
    assert plan.index("Limit") < plan.index("on tasks"), plan
    _assert_on_index(plan)
    with loaded.engine.connect() as connection:
        total = connection.execute(total_query(query)).scalar_one()
        exact = connection.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    assert total == min(exact, TOTAL_LIMIT) > 0
