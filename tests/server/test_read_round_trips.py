"""GET /tasks/{id} costs one PostgreSQL round trip: no BEGIN/ROLLBACK around reads, no pre-ping
at checkout (db/session.py). Counted on the wire (tests/faults/pg_wire.py)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlalchemy.engine import make_url

from taskmaster_server.app import create_app, runtime_of
from taskmaster_server.settings import Settings
from tests.faults.pg_wire import RoundTripCounter, url_through
from tests.fixtures.server import Backend, ServerUser
from tests.server.helpers import auth


async def test_get_task_makes_one_round_trip(
    backend: Backend, server_settings: Settings, make_user: Callable[..., ServerUser]
) -> None:
    if backend.name != "postgresql":
        pytest.skip("round trips are counted on the PostgreSQL wire protocol")
    upstream = make_url(backend.url).port or 5432
    with RoundTripCounter(upstream) as counter:
        app = create_app(
            server_settings.with_changes(database_url=url_through(backend.url, counter.port))
        )
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1") as client:
                headers = await auth(client, make_user())
                created = await client.post("/tasks", json={"title": "one trip"}, headers=headers)
                assert created.status_code == 201, created.text
                path = f"/tasks/{created.json()['id']}"
                assert (await client.get(path, headers=headers)).status_code == 200
                trips = []
                for _ in range(3):
                    before = counter.round_trips
                    answer = await client.get(path, headers=headers)
                    assert answer.status_code == 200
                    trips.append(counter.round_trips - before)
        finally:
            runtime_of(app).close()
    assert trips == [1, 1, 1]
