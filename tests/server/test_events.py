"""The event log is built by the events change; until then it says so with a 503."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth


async def test_event_operations_are_unavailable_not_empty(
    api_client: httpx.AsyncClient, make_user: Callable[..., ServerUser]
) -> None:
    headers = await auth(api_client, make_user())
    for response in (
        await api_client.get("/events", headers=headers),
        await api_client.post("/events/ticket", headers=headers),
    ):
        assert_problem(response, 503, "service-unavailable")
        assert response.headers["retry-after"]
