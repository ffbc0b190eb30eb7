"""A cursor ahead of the account's latest seq (a restored database, a reset counter) is
answered like a too-old one, and the SDK takes the same path: `ResyncRequiredError`, from the
WebSocket stream (sync and async) and from the REST feed, against the real server."""

from __future__ import annotations

from typing import Any

import pytest

from taskmaster import AsyncTaskMasterClient, ResyncRequiredError, TaskMasterClient

AHEAD = 1_000


def test_a_stream_resuming_ahead_of_the_log_must_resync(live_server: Any, user: Any) -> None:
    with TaskMasterClient(live_server.api_url, email=user.email, password=user.password) as client:
        client.create_task(title="seq 1")
        events = client.events.subscribe(last_seq=AHEAD, idle_timeout=20)
        with events, pytest.raises(ResyncRequiredError) as caught:
            next(iter(events))
        with pytest.raises(ResyncRequiredError):
            client.list_events(after=AHEAD)
        # Resyncing as the error says works: from the latest seq, the stream is live.
        latest = list(client.list_events(after=0))[-1].seq
    error = caught.value
    assert error.status_code == 410
    assert f"seq {AHEAD} is ahead of the event log" in str(error)
    assert "beyond the event log's latest seq" in str(error)
    assert latest >= 1


async def test_a_stream_resuming_ahead_of_the_log_must_resync_async(
    live_server: Any, user: Any
) -> None:
    async with AsyncTaskMasterClient(
        live_server.api_url, email=user.email, password=user.password
    ) as client:
        await client.create_task(title="seq 1")
        async with client.events.subscribe(last_seq=AHEAD, idle_timeout=20) as events:
            with pytest.raises(ResyncRequiredError, match="ahead of the event log"):
                await anext(aiter(events))
        with pytest.raises(ResyncRequiredError):
            await client.list_events(after=AHEAD)
