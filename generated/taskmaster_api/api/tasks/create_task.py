from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.task import Task
from ...models.task_create import TaskCreate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: TaskCreate,
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
        "url": "/tasks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | Task | None:
    if response.status_code == 201:
        response_201 = Task.from_dict(response.json())

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
) -> Response[Problem | Task]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TaskCreate,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[Problem | Task]:
    """Create a task

     Without `project_id` the task goes to the account's default project. An `external_id`
    already used by another task of that project answers `409` (its `detail` names the
    field, the value and the task holding it); to create or update by external id, use
    `upsert_task`.

    Args:
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (TaskCreate):  Example: {'title': 'Announce the launch', 'priority': 'high', 'tags':
            ['launch', 'marketing'], 'due_at': '2026-11-30T17:00:00+00:00'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Task]
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
    body: TaskCreate,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Problem | Task | None:
    """Create a task

     Without `project_id` the task goes to the account's default project. An `external_id`
    already used by another task of that project answers `409` (its `detail` names the
    field, the value and the task holding it); to create or update by external id, use
    `upsert_task`.

    Args:
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (TaskCreate):  Example: {'title': 'Announce the launch', 'priority': 'high', 'tags':
            ['launch', 'marketing'], 'due_at': '2026-11-30T17:00:00+00:00'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Task
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
    body: TaskCreate,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[Problem | Task]:
    """Create a task

     Without `project_id` the task goes to the account's default project. An `external_id`
    already used by another task of that project answers `409` (its `detail` names the
    field, the value and the task holding it); to create or update by external id, use
    `upsert_task`.

    Args:
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (TaskCreate):  Example: {'title': 'Announce the launch', 'priority': 'high', 'tags':
            ['launch', 'marketing'], 'due_at': '2026-11-30T17:00:00+00:00'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Task]
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
    body: TaskCreate,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Problem | Task | None:
    """Create a task

     Without `project_id` the task goes to the account's default project. An `external_id`
    already used by another task of that project answers `409` (its `detail` names the
    field, the value and the task holding it); to create or update by external id, use
    `upsert_task`.

    Args:
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (TaskCreate):  Example: {'title': 'Announce the launch', 'priority': 'high', 'tags':
            ['launch', 'marketing'], 'due_at': '2026-11-30T17:00:00+00:00'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Task
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            x_account_id=x_account_id,
        )
    ).parsed
