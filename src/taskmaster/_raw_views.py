"""The `with_raw_response` views of the two clients: every request-making method, returning
its `APIResponse` (see `_response.py`).

One line per method, so type checkers see each method's own parameters and result; a test
checks the views against the clients. `authenticate()` and `refresh()` give the login or
refresh response whose tokens were kept (after a refused refresh, the login's). Left out: the
bulk methods (one call is many requests; their per-chunk outcomes are in the `BulkResult`).
"""

from __future__ import annotations

from ._client import AsyncTaskMasterClient, TaskMasterClient
from ._response import async_raw_method, raw_method

__all__ = ["AsyncTaskMasterClientWithRawResponse", "TaskMasterClientWithRawResponse"]

# Methods whose raw response is not offered, with the reason (documented above).
NOT_RAW = frozenset({"bulk_create_tasks", "bulk_update_tasks", "bulk_delete_tasks"})


class TaskMasterClientWithRawResponse:
    """`client.with_raw_response`: each method returns an `APIResponse` of its result."""

    def __init__(self, client: TaskMasterClient) -> None:
        self._client = client

    authenticate = raw_method(TaskMasterClient.authenticate)
    create_event_stream_ticket = raw_method(TaskMasterClient.create_event_stream_ticket)
    create_project = raw_method(TaskMasterClient.create_project)
    create_subtask = raw_method(TaskMasterClient.create_subtask)
    create_task = raw_method(TaskMasterClient.create_task)
    create_webhook = raw_method(TaskMasterClient.create_webhook)
    delete_project = raw_method(TaskMasterClient.delete_project)
    delete_subtask = raw_method(TaskMasterClient.delete_subtask)
    delete_task = raw_method(TaskMasterClient.delete_task)
    delete_webhook = raw_method(TaskMasterClient.delete_webhook)
    get_account = raw_method(TaskMasterClient.get_account)
    get_health = raw_method(TaskMasterClient.get_health)
    get_me = raw_method(TaskMasterClient.get_me)
    get_project = raw_method(TaskMasterClient.get_project)
    get_readiness = raw_method(TaskMasterClient.get_readiness)
    get_task = raw_method(TaskMasterClient.get_task)
    get_webhook = raw_method(TaskMasterClient.get_webhook)
    list_accounts = raw_method(TaskMasterClient.list_accounts)
    list_events = raw_method(TaskMasterClient.list_events)
    get_event_head = raw_method(TaskMasterClient.get_event_head)
    list_projects = raw_method(TaskMasterClient.list_projects)
    list_subtasks = raw_method(TaskMasterClient.list_subtasks)
    list_tasks = raw_method(TaskMasterClient.list_tasks)
    list_webhook_deliveries = raw_method(TaskMasterClient.list_webhook_deliveries)
    list_webhooks = raw_method(TaskMasterClient.list_webhooks)
    logout = raw_method(TaskMasterClient.logout)
    refresh = raw_method(TaskMasterClient.refresh)
    redeliver_webhook_delivery = raw_method(TaskMasterClient.redeliver_webhook_delivery)
    rotate_webhook_secret = raw_method(TaskMasterClient.rotate_webhook_secret)
    update_project = raw_method(TaskMasterClient.update_project)
    update_subtask = raw_method(TaskMasterClient.update_subtask)
    update_task = raw_method(TaskMasterClient.update_task)
    update_webhook = raw_method(TaskMasterClient.update_webhook)


class AsyncTaskMasterClientWithRawResponse:
    """`aclient.with_raw_response`: each method gives an `AsyncAPIResponse` of its result."""

    def __init__(self, client: AsyncTaskMasterClient) -> None:
        self._client = client

    authenticate = async_raw_method(AsyncTaskMasterClient.authenticate)
    create_event_stream_ticket = async_raw_method(AsyncTaskMasterClient.create_event_stream_ticket)
    create_project = async_raw_method(AsyncTaskMasterClient.create_project)
    create_subtask = async_raw_method(AsyncTaskMasterClient.create_subtask)
    create_task = async_raw_method(AsyncTaskMasterClient.create_task)
    create_webhook = async_raw_method(AsyncTaskMasterClient.create_webhook)
    delete_project = async_raw_method(AsyncTaskMasterClient.delete_project)
    delete_subtask = async_raw_method(AsyncTaskMasterClient.delete_subtask)
    delete_task = async_raw_method(AsyncTaskMasterClient.delete_task)
    delete_webhook = async_raw_method(AsyncTaskMasterClient.delete_webhook)
    get_account = async_raw_method(AsyncTaskMasterClient.get_account)
    get_health = async_raw_method(AsyncTaskMasterClient.get_health)
    get_me = async_raw_method(AsyncTaskMasterClient.get_me)
    get_project = async_raw_method(AsyncTaskMasterClient.get_project)
    get_readiness = async_raw_method(AsyncTaskMasterClient.get_readiness)
    get_task = async_raw_method(AsyncTaskMasterClient.get_task)
    get_webhook = async_raw_method(AsyncTaskMasterClient.get_webhook)
    list_accounts = async_raw_method(AsyncTaskMasterClient.list_accounts)
    list_events = async_raw_method(AsyncTaskMasterClient.list_events)
    get_event_head = async_raw_method(AsyncTaskMasterClient.get_event_head)
    list_projects = async_raw_method(AsyncTaskMasterClient.list_projects)
    list_subtasks = async_raw_method(AsyncTaskMasterClient.list_subtasks)
    list_tasks = async_raw_method(AsyncTaskMasterClient.list_tasks)
    list_webhook_deliveries = async_raw_method(AsyncTaskMasterClient.list_webhook_deliveries)
    list_webhooks = async_raw_method(AsyncTaskMasterClient.list_webhooks)
    logout = async_raw_method(AsyncTaskMasterClient.logout)
    refresh = async_raw_method(AsyncTaskMasterClient.refresh)
    redeliver_webhook_delivery = async_raw_method(AsyncTaskMasterClient.redeliver_webhook_delivery)
    rotate_webhook_secret = async_raw_method(AsyncTaskMasterClient.rotate_webhook_secret)
    update_project = async_raw_method(AsyncTaskMasterClient.update_project)
    update_subtask = async_raw_method(AsyncTaskMasterClient.update_subtask)
    update_task = async_raw_method(AsyncTaskMasterClient.update_task)
    update_webhook = async_raw_method(AsyncTaskMasterClient.update_webhook)
