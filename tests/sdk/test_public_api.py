"""The public surface: one sorted, curated `__all__`, and an import that stays light."""

from __future__ import annotations

import json
import subprocess
import sys

import taskmaster

EXPECTED_ALL = [
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


def test_all_is_the_curated_list_and_sorted() -> None:
    # Changing the public surface means changing this list on purpose.
    assert taskmaster.__all__ == EXPECTED_ALL
    assert taskmaster.__all__ == sorted(taskmaster.__all__, key=lambda n: (not n.isupper(), n))


def test_every_public_name_resolves_and_lives_in_one_module() -> None:
    for name in taskmaster.__all__:
        assert getattr(taskmaster, name) is not None, name
    lazy = set(taskmaster._LAZY)
    assert lazy | {"__version__"} == set(taskmaster.__all__)


def test_models_are_the_generated_ones_not_copies() -> None:
    import taskmaster_api.models as generated

    for name in ("Task", "SubTask", "TaskStatus", "Priority", "Project", "Event", "Webhook"):
        assert getattr(taskmaster, name) is getattr(generated, name)


def _modules_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out))


def test_import_taskmaster_is_light() -> None:
    loaded = _modules_after("import taskmaster")
    heavy = {"taskmaster_api", "taskmaster._client", "taskmaster_server", "taskmaster.cli", "jwt"}
    assert not {m for m in loaded if m.split(".")[0] in heavy or m in heavy}


def test_the_client_imports_no_generated_endpoint_server_cli_or_jwt() -> None:
    loaded = _modules_after("from taskmaster import TaskMasterClient, AsyncTaskMasterClient")
    assert "taskmaster._client" in loaded
    unwanted = [
        m
        for m in loaded
        if m.startswith(("taskmaster_api", "taskmaster_server", "taskmaster.cli", "jwt"))
        or m == "cryptography"
    ]
    assert unwanted == []


def test_the_sync_client_imports_no_asyncio() -> None:
    # asyncio is a fifth of the client's import time (benchmarks/sdk.py): the async paths
    # import it when they first run.
    assert "asyncio" not in _modules_after("from taskmaster import TaskMasterClient")


def test_version_and_user_agent() -> None:
    import httpx

    from taskmaster._base import USER_AGENT

    assert taskmaster.__version__
    python = ".".join(map(str, sys.version_info[:3]))
    assert (
        f"taskmaster-python/{taskmaster.__version__} python/{python} httpx/{httpx.__version__}"
    ) == USER_AGENT
