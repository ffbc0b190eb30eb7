"""`bulk_upsert_tasks` against the real batch upsert endpoint: counts, re-runs, local refusals."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from taskmaster import BulkUpsertResult, InvalidRequestError, ValidationError
from tests.e2e.conftest import collect


def rows(project_id: Any, n: int) -> list[dict[str, Any]]:
    return [
        {
            "project_id": project_id,
            "external_id": f"crm-{i:04}",
            "title": f"Row {i}",
            "tags": ["crm"],
        }
        for i in range(n)
    ]


async def test_rerun_is_unchanged_and_changed_rows_are_updated(tm: Any) -> None:
    project = await tm.create_project(name="Sync")
    items = rows(project.id, 250)
    seen: list[tuple[int, int | None]] = []
    first = await tm.bulk_upsert_tasks(
        items, progress=lambda done, total: seen.append((done, total))
    )
    assert isinstance(first, BulkUpsertResult)
    assert (first.created, first.updated, first.unchanged, first.failed_count) == (250, 0, 0, 0)
    assert seen[-1] == (250, 250)
    assert [item.index for item in first.items] == list(range(250))
    assert {item.status for item in first.items} == {201}

    again = await tm.bulk_upsert_tasks(items)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 250, "failed": 0}
    assert [item.id for item in again.items] == [item.id for item in first.items]

    for i in (7, 130, 249):
        items[i] = {**items[i], "title": f"Row {i}, renamed"}
    changed = await tm.bulk_upsert_tasks(items, concurrency=2)
    assert changed.counts == {"created": 0, "updated": 3, "unchanged": 247, "failed": 0}
    assert [item.index for item in changed.items if item.action == "updated"] == [7, 130, 249]
    stored = await collect(await tm.list_tasks(project_id=project.id, limit=100))
    assert len(stored) == 250
    assert sorted(t.title for t in stored if t.title.endswith("renamed")) == [
        "Row 130, renamed",
        "Row 249, renamed",
        "Row 7, renamed",
    ]


async def test_item_without_key_fails_locally_at_its_position(tm: Any) -> None:
    project = await tm.create_project(name="Keys")
    items: list[Any] = rows(project.id, 120)
    del items[3]["external_id"]
    items[105] = {**items[105], "external_id": None}
    items[110] = {**items[110], "title": ""}  # the server's per-item 422
    result = tm.tasks.bulk_upsert(items)  # the resource's alias; `tm` wraps only the client's
    if inspect.isawaitable(result):
        result = await result
    assert [item.index for item in result.failed] == [3, 105, 110]
    assert isinstance(result.items[3].error, InvalidRequestError)
    assert "external_id" in str(result.items[3].error)
    assert "item 105" in str(result.items[105].error)
    assert isinstance(result.items[110].error, ValidationError)
    assert result.items[110].input == items[110]
    assert (result.created, result.failed_count) == (117, 3)


async def test_atomic_chunk_with_a_bad_item_writes_nothing(tm: Any) -> None:
    project = await tm.create_project(name="Atomic upsert")
    items = rows(project.id, 3)
    items[1]["title"] = ""
    result = await tm.bulk_upsert_tasks(items, atomic=True)
    assert result.counts["failed"] == 3
    assert await collect(await tm.list_tasks(project_id=project.id)) == []


async def test_only_external_id_is_a_key(tm: Any) -> None:
    with pytest.raises(InvalidRequestError, match="'external_id'") as caught:
        await tm.bulk_upsert_tasks([{"external_id": "a", "title": "a"}], key="title")
    assert "key='title'" in str(caught.value)


async def test_generated_single_and_batch_upserts_say_what_they_did(tm: Any) -> None:
    """The operations reach the SDK through generation alone; the bulk form agrees with them."""
    first = await tm.upsert_task(external_id="one", title="One")
    again = await tm.upsert_task(external_id="one", title="One")
    changed = await tm.upsert_task({"external_id": "one", "title": "One!"})
    assert [str(r.action) for r in (first, again, changed)] == ["created", "unchanged", "updated"]
    assert first.task.id == changed.task.id
    assert changed.task.version == 2

    batch = await tm.batch_upsert_tasks(
        [{"external_id": "one", "title": "One!"}, {"external_id": "two", "title": "Two"}]
    )
    assert [str(item.action) for item in batch.results] == ["unchanged", "created"]
    bulk = await tm.bulk_upsert_tasks([{"external_id": "two", "title": "Two"}])
    assert bulk.counts == {"created": 0, "updated": 0, "unchanged": 1, "failed": 0}
    assert bulk.items[0].id == batch.results[1].id
