"""The `with_raw_response` and `with_streaming_response` views of the two clients.

Generated with the methods (`_generated/_views.py`): every flat method but the bulk ones (one
call is many requests; their per-chunk outcomes are in the `BulkResult`), and the namespaces'
views (`client.with_raw_response.tasks.get`). `authenticate()` and `refresh()` give the login or
refresh response whose tokens were kept (after a refused refresh, the login's); the session
methods have no streaming view (their tokens are read as they arrive).
"""

from __future__ import annotations

from ._generated._views import (
    AsyncClientWithRawResponse as AsyncTaskMasterClientWithRawResponse,
)
from ._generated._views import (
    AsyncClientWithStreamingResponse as AsyncTaskMasterClientWithStreamingResponse,
)
from ._generated._views import ClientWithRawResponse as TaskMasterClientWithRawResponse
from ._generated._views import (
    ClientWithStreamingResponse as TaskMasterClientWithStreamingResponse,
)

__all__ = [
    "NOT_RAW",
    "AsyncTaskMasterClientWithRawResponse",
    "AsyncTaskMasterClientWithStreamingResponse",
    "TaskMasterClientWithRawResponse",
    "TaskMasterClientWithStreamingResponse",
]

# Methods whose raw response is not offered, with the reason (documented above).
NOT_RAW = frozenset(
    {"bulk_create_tasks", "bulk_update_tasks", "bulk_delete_tasks", "bulk_upsert_tasks"}
)
