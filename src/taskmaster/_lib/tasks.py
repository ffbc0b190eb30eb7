"""`client.tasks.bulk_create/bulk_update/bulk_delete/bulk_upsert`: the bulk helpers beside the generated
single-request `tasks.batch_*` methods.

Mixed into the generated `Tasks`/`AsyncTasks` (named in templates/sdk/names.yaml). The helpers
are the client's own (`client.bulk_create_tasks`, `_bulk.py`): any number of items, chunked by
100, `concurrency` chunks in flight, one outcome per item.
"""

from __future__ import annotations

from .._bulk import AsyncBulkMixin, BulkMixin

__all__ = ["AsyncTasksLib", "TasksLib"]


class TasksLib(BulkMixin):
    bulk_create = BulkMixin.bulk_create_tasks
    bulk_update = BulkMixin.bulk_update_tasks
    bulk_delete = BulkMixin.bulk_delete_tasks
    bulk_upsert = BulkMixin.bulk_upsert_tasks


class AsyncTasksLib(AsyncBulkMixin):
    bulk_create = AsyncBulkMixin.bulk_create_tasks
    bulk_update = AsyncBulkMixin.bulk_update_tasks
    bulk_delete = AsyncBulkMixin.bulk_delete_tasks
    bulk_upsert = AsyncBulkMixin.bulk_upsert_tasks
