"""Free-form objects from the real server read as mappings: `Task.metadata`, `Event.data`,
`Readiness.checks` (issue 17: `task.metadata.get(...)` raised AttributeError)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.e2e.conftest import collect


async def test_task_metadata_is_a_mapping(tm: Any) -> None:
    metadata = {"external_id": "CSV-17", "row": 12, "source": {"file": "tasks.csv"}}
    created = await tm.create_task(title="synced", metadata=metadata)
    task = await tm.get_task(created.id)
    assert task.metadata.get("external_id") == "CSV-17"
    assert task.metadata.get("missing") is None
    assert task.metadata.get("missing", "none") == "none"
    assert sorted(task.metadata.keys()) == ["external_id", "row", "source"]
    assert dict(task.metadata.items()) == metadata
    assert sorted(map(str, task.metadata.values())) == sorted(map(str, metadata.values()))
    assert len(task.metadata) == 3
    assert sorted(task.metadata) == ["external_id", "row", "source"]
    assert dict(task.metadata) == metadata
    assert "row" in task.metadata
    assert task.metadata == metadata
    assert isinstance(task.metadata, Mapping)

    # A task's metadata can be passed on as it is: it is a mapping like the dict it came from.
    copied = await tm.create_task(title="copy", metadata=task.metadata)
    assert copied.metadata == metadata


async def test_event_data_is_a_mapping(tm: Any) -> None:
    task = await tm.create_task(title="evented", metadata={"external_id": "E-1"})
    [event] = await collect(await tm.list_events(after=0, types=["task.created"]))
    assert isinstance(event.data, Mapping)
    assert set(event.data.keys()) == {"object"}
    created = event.data.get("object")
    assert created["id"] == str(task.id)
    assert created["metadata"] == {"external_id": "E-1"}
    assert event.data.get("changes") is None


async def test_readiness_checks_are_a_mapping(tm: Any) -> None:
    readiness = await tm.get_readiness()
    assert readiness.checks.get("database") == "ok"
    assert dict(readiness.checks) == readiness.checks.to_dict()
