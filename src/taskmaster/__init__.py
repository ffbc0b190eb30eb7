"""Task Master for Python: the SDK.

    from taskmaster import TaskMasterClient
    with TaskMasterClient("http://127.0.0.1:8000", email=..., password=...) as client:
        task = client.create_task({"title": "Write the report"})
        for task in client.list_tasks(status="pending"):
            ...

Every operation of the API is a method of its tag's namespace (`client.tasks.list`,
`client.projects.create`...; generated from the spec) and a flat client method
(`client.list_tasks`, the same function), except the few listed with the reason in
`taskmaster._raw.RAW_ONLY`; any generated endpoint can also be called directly through the
client's own authenticated, retrying httpx client:

    from taskmaster_api.api.tasks import get_task
    response = get_task.sync_detailed(task_id, client=client.raw)

Every name below is imported on first use: `import taskmaster` itself loads almost nothing,
and the generated models are loaded only when a model name or a client method needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._bulk import BulkCallOptions, BulkError, BulkItemResult, BulkResult, BulkUpsertResult
    from ._client import AsyncTaskMasterClient, TaskMasterClient
    from ._exceptions import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        ConflictError,
        InvalidField,
        InvalidRequestError,
        NotFoundError,
        PermissionDeniedError,
        PreconditionFailedError,
        RateLimitError,
        ResyncRequiredError,
        ServerError,
        TaskMasterError,
        ValidationError,
    )
    from ._generated._params import (
        ProjectCreateParams,
        ProjectUpdateParams,
        SubTaskCreateParams,
        SubTaskUpdateParams,
        TaskCreateParams,
        TaskFilters,
        TaskUpdateParams,
        TaskUpsertParams,
        WebhookCreateParams,
        WebhookUpdateParams,
    )
    from ._models import (
        Account,
        AccountMembership,
        BatchTaskUpdate,
        DeliveryStatus,
        Event,
        EventHead,
        EventType,
        Health,
        Me,
        Metadata,
        Priority,
        Project,
        Readiness,
        Role,
        SubTask,
        Task,
        TaskCreate,
        TaskStatus,
        TaskUpdate,
        TokenPair,
        User,
        Webhook,
        WebhookDelivery,
        WebhookDisabledReason,
        WebhookSecret,
        WebhookWithSecret,
    )
    from ._options import RequestOptions, WriteOptions
    from ._pagination import AsyncPager, Page, PaginationError, SyncPager
    from ._params import BatchTaskUpdateParams
    from ._response import (
        APIResponse,
        AsyncAPIResponse,
        AsyncStreamedAPIResponse,
        StreamedAPIResponse,
    )
    from ._retry import RetryPolicy
    from ._stream_state import ConnectionChange
    from ._tokens import FileTokenStore, MemoryTokenStore, TokenSet, TokenStore
    from ._types import NOT_GIVEN, NotGiven
    from .webhooks import WebhookVerificationError

__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "Account",
    "AccountMembership",
    "AsyncAPIResponse",
    "AsyncPager",
    "AsyncStreamedAPIResponse",
    "AsyncTaskMasterClient",
    "AuthenticationError",
    "BatchTaskUpdate",
    "BatchTaskUpdateParams",
    "BulkCallOptions",
    "BulkError",
    "BulkItemResult",
    "BulkResult",
    "BulkUpsertResult",
    "ConflictError",
    "ConnectionChange",
    "DeliveryStatus",
    "Event",
    "EventHead",
    "EventType",
    "FileTokenStore",
    "Health",
    "InvalidField",
    "InvalidRequestError",
    "Me",
    "MemoryTokenStore",
    "Metadata",
    "NotFoundError",
    "NotGiven",
    "Page",
    "PaginationError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "Priority",
    "Project",
    "ProjectCreateParams",
    "ProjectUpdateParams",
    "RateLimitError",
    "Readiness",
    "RequestOptions",
    "ResyncRequiredError",
    "RetryPolicy",
    "Role",
    "ServerError",
    "StreamedAPIResponse",
    "SubTask",
    "SubTaskCreateParams",
    "SubTaskUpdateParams",
    "SyncPager",
    "Task",
    "TaskCreate",
    "TaskCreateParams",
    "TaskFilters",
    "TaskMasterClient",
    "TaskMasterError",
    "TaskStatus",
    "TaskUpdate",
    "TaskUpdateParams",
    "TaskUpsertParams",
    "TokenPair",
    "TokenSet",
    "TokenStore",
    "User",
    "ValidationError",
    "Webhook",
    "WebhookCreateParams",
    "WebhookDelivery",
    "WebhookDisabledReason",
    "WebhookSecret",
    "WebhookUpdateParams",
    "WebhookVerificationError",
    "WebhookWithSecret",
    "WriteOptions",
    "__version__",
]

# Where each public name lives; `__getattr__` imports the module the first time one is used.
_MODULES: dict[str, tuple[str, ...]] = {
    "._bulk": (
        "BulkCallOptions",
        "BulkError",
        "BulkItemResult",
        "BulkResult",
        "BulkUpsertResult",
    ),
    "._client": ("AsyncTaskMasterClient", "TaskMasterClient"),
    "._exceptions": (
        "APIConnectionError",
        "APIError",
        "APIResponseValidationError",
        "APIStatusError",
        "APITimeoutError",
        "AuthenticationError",
        "ConflictError",
        "InvalidField",
        "InvalidRequestError",
        "NotFoundError",
        "PermissionDeniedError",
        "PreconditionFailedError",
        "RateLimitError",
        "ResyncRequiredError",
        "ServerError",
        "TaskMasterError",
        "ValidationError",
    ),
    "._models": (
        "Account",
        "AccountMembership",
        "BatchTaskUpdate",
        "DeliveryStatus",
        "Event",
        "EventHead",
        "EventType",
        "Health",
        "Me",
        "Metadata",
        "Priority",
        "Project",
        "Readiness",
        "Role",
        "SubTask",
        "Task",
        "TaskCreate",
        "TaskStatus",
        "TaskUpdate",
        "TokenPair",
        "User",
        "Webhook",
        "WebhookDelivery",
        "WebhookDisabledReason",
        "WebhookSecret",
        "WebhookWithSecret",
    ),
    "._options": ("RequestOptions", "WriteOptions"),
    "._pagination": ("AsyncPager", "Page", "PaginationError", "SyncPager"),
    "._generated._params": (
        "ProjectCreateParams",
        "ProjectUpdateParams",
        "SubTaskCreateParams",
        "SubTaskUpdateParams",
        "TaskCreateParams",
        "TaskFilters",
        "TaskUpdateParams",
        "TaskUpsertParams",
        "WebhookCreateParams",
        "WebhookUpdateParams",
    ),
    "._params": ("BatchTaskUpdateParams",),
    "._response": (
        "APIResponse",
        "AsyncAPIResponse",
        "AsyncStreamedAPIResponse",
        "StreamedAPIResponse",
    ),
    "._retry": ("RetryPolicy",),
    "._stream_state": ("ConnectionChange",),
    "._tokens": ("FileTokenStore", "MemoryTokenStore", "TokenSet", "TokenStore"),
    "._types": ("NOT_GIVEN", "NotGiven"),
    ".webhooks": ("WebhookVerificationError",),
}
_LAZY = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'taskmaster' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
