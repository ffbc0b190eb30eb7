from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.task_upsert import TaskUpsert
from ...models.task_upsert_result import TaskUpsertResult
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: TaskUpsert,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(x_account_id, Unset):
        headers["X-Account-ID"] = x_account_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tasks/upsert",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TaskUpsertResult | None:
    if response.status_code == 200:
        response_200 = TaskUpsertResult.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = TaskUpsertResult.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | TaskUpsertResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TaskUpsert,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[Problem | TaskUpsertResult]:
    """Create or update a task by its external id

     Finds the task by `(project_id, external_id)` (without `project_id`, in the account's
    default project) and, atomically:

    * no such task: creates it from the body, like `create_task` (`201`, `action: created`);
    * every field given already has the value given: writes nothing at all, no new
      `version`, no `updated_at`, no event, no webhook delivery (`200`, `action: unchanged`);
    * otherwise: sets the fields given, like `update_task` (fields not given are kept,
      `metadata` is merged key by key) (`200`, `action: updated`).

    Concurrent upserts of the same key never create two tasks: one creates it, the others
    update it or find it unchanged. Sending the same rows again is therefore safe and cheap,
    which is what a sync from another system needs. `Idempotency-Key` works as on every
    `POST`.

    Args:
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (TaskUpsert): A task to create or update by `(project_id, external_id)`: the fields
            of `TaskCreate`,
            with `external_id` required. On an existing task only the fields given are compared and
            set; `project_id` and `external_id` are the key, never changed by an upsert.
             Example: {'external_id': 'crm-4711', 'title': 'Announce the launch', 'priority': 'high',
            'tags': ['launch', 'marketing']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TaskUpsertResult]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        x_account_id=x_account_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: TaskUpsert,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Problem | TaskUpsertResult | None:
    """Create or update a task by its external id

     Finds the task by `(project_id, external_id)` (without `project_id`, in the account's
    default project) and, atomically:

    * no such task: creates it from the body, like `create_task` (`201`, `action: created`);
    * every field given already has the value given: writes nothing at all, no new
      `version`, no `updated_at`, no event, no webhook delivery (`200`, `action: unchanged`);
    * otherwise: sets the fields given, like `update_task` (fields not given are kept,
      `metadata` is merged key by key) (`200`, `action: updated`).

    Concurrent upserts of the same key never create two tasks: one creates it, the others
    update it or find it unchanged. Sending the same rows again is therefore safe and cheap,
    which is what a sync from another system needs. `Idempotency-Key` works as on every
    `POST`.

    Args:
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (TaskUpsert): A task to create or update by `(project_id, external_id)`: the fields
            of `TaskCreate`,
            with `external_id` required. On an existing task only the fields given are compared and
            set; `project_id` and `external_id` are the key, never changed by an upsert.
             Example: {'external_id': 'crm-4711', 'title': 'Announce the launch', 'priority': 'high',
            'tags': ['launch', 'marketing']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TaskUpsertResult
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        x_account_id=x_account_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TaskUpsert,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[Problem | TaskUpsertResult]:
    """Create or update a task by its external id

     Finds the task by `(project_id, external_id)` (without `project_id`, in the account's
    default project) and, atomically:

    * no such task: creates it from the body, like `create_task` (`201`, `action: created`);
    * every field given already has the value given: writes nothing at all, no new
      `version`, no `updated_at`, no event, no webhook delivery (`200`, `action: unchanged`);
    * otherwise: sets the fields given, like `update_task` (fields not given are kept,
      `metadata` is merged key by key) (`200`, `action: updated`).

    Concurrent upserts of the same key never create two tasks: one creates it, the others
    update it or find it unchanged. Sending the same rows again is therefore safe and cheap,
    which is what a sync from another system needs. `Idempotency-Key` works as on every
    `POST`.

    Args:
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (TaskUpsert): A task to create or update by `(project_id, external_id)`: the fields
            of `TaskCreate`,
            with `external_id` required. On an existing task only the fields given are compared and
            set; `project_id` and `external_id` are the key, never changed by an upsert.
             Example: {'external_id': 'crm-4711', 'title': 'Announce the launch', 'priority': 'high',
            'tags': ['launch', 'marketing']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TaskUpsertResult]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        x_account_id=x_account_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: TaskUpsert,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Problem | TaskUpsertResult | None:
    """Create or update a task by its external id

     Finds the task by `(project_id, external_id)` (without `project_id`, in the account's
    default project) and, atomically:

    * no such task: creates it from the body, like `create_task` (`201`, `action: created`);
    * every field given already has the value given: writes nothing at all, no new
      `version`, no `updated_at`, no event, no webhook delivery (`200`, `action: unchanged`);
    * otherwise: sets the fields given, like `update_task` (fields not given are kept,
      `metadata` is merged key by key) (`200`, `action: updated`).

    Concurrent upserts of the same key never create two tasks: one creates it, the others
    update it or find it unchanged. Sending the same rows again is therefore safe and cheap,
    which is what a sync from another system needs. `Idempotency-Key` works as on every
    `POST`.

    Args:
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (TaskUpsert): A task to create or update by `(project_id, external_id)`: the fields
            of `TaskCreate`,
            with `external_id` required. On an existing task only the fields given are compared and
            set; `project_id` and `external_id` are the key, never changed by an upsert.
             Example: {'external_id': 'crm-4711', 'title': 'Announce the launch', 'priority': 'high',
            'tags': ['launch', 'marketing']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TaskUpsertResult
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            x_account_id=x_account_id,
        )
    ).parsed
