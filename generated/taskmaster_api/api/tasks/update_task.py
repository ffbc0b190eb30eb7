from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.task import Task
from ...models.task_update import TaskUpdate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    task_id: UUID,
    *,
    body: TaskUpdate | TaskUpdate | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    if not isinstance(x_account_id, Unset):
        headers["X-Account-ID"] = x_account_id

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/tasks/{task_id}".format(
            task_id=quote(str(task_id), safe=""),
        ),
    }

    if isinstance(body, TaskUpdate):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, TaskUpdate):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/merge-patch+json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | Task | None:
    if response.status_code == 200:
        response_200 = Task.from_dict(response.json())

        return response_200

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

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 428:
        response_428 = Problem.from_dict(response.json())

        return response_428

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
    task_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: TaskUpdate | TaskUpdate | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[Problem | Task]:
    """Update a task

     A JSON merge patch (RFC 7396): fields present are set, `null` clears a nullable field,
    and `metadata` is merged key by key. Send the task's `ETag` as `If-Match` to make the
    update conditional: a stale tag answers `412`. Setting `status` to `done` sets
    `completed_at`.

    Args:
        task_id (UUID):
        idempotency_key (str | Unset):
        if_match (str | Unset):
        x_account_id (str | Unset):
        body (TaskUpdate): A JSON merge patch of a task. `null` clears a nullable field;
            `metadata` keys set to `null` are removed. Example: {'status': 'done'}.
        body (TaskUpdate): A JSON merge patch of a task. `null` clears a nullable field;
            `metadata` keys set to `null` are removed. Example: {'status': 'done'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Task]
    """

    kwargs = _get_kwargs(
        task_id=task_id,
        body=body,
        idempotency_key=idempotency_key,
        if_match=if_match,
        x_account_id=x_account_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    task_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: TaskUpdate | TaskUpdate | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Problem | Task | None:
    """Update a task

     A JSON merge patch (RFC 7396): fields present are set, `null` clears a nullable field,
    and `metadata` is merged key by key. Send the task's `ETag` as `If-Match` to make the
    update conditional: a stale tag answers `412`. Setting `status` to `done` sets
    `completed_at`.

    Args:
        task_id (UUID):
        idempotency_key (str | Unset):
        if_match (str | Unset):
        x_account_id (str | Unset):
        body (TaskUpdate): A JSON merge patch of a task. `null` clears a nullable field;
            `metadata` keys set to `null` are removed. Example: {'status': 'done'}.
        body (TaskUpdate): A JSON merge patch of a task. `null` clears a nullable field;
            `metadata` keys set to `null` are removed. Example: {'status': 'done'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Task
    """

    return sync_detailed(
        task_id=task_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        if_match=if_match,
        x_account_id=x_account_id,
    ).parsed


async def asyncio_detailed(
    task_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: TaskUpdate | TaskUpdate | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[Problem | Task]:
    """Update a task

     A JSON merge patch (RFC 7396): fields present are set, `null` clears a nullable field,
    and `metadata` is merged key by key. Send the task's `ETag` as `If-Match` to make the
    update conditional: a stale tag answers `412`. Setting `status` to `done` sets
    `completed_at`.

    Args:
        task_id (UUID):
        idempotency_key (str | Unset):
        if_match (str | Unset):
        x_account_id (str | Unset):
        body (TaskUpdate): A JSON merge patch of a task. `null` clears a nullable field;
            `metadata` keys set to `null` are removed. Example: {'status': 'done'}.
        body (TaskUpdate): A JSON merge patch of a task. `null` clears a nullable field;
            `metadata` keys set to `null` are removed. Example: {'status': 'done'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Task]
    """

    kwargs = _get_kwargs(
        task_id=task_id,
        body=body,
        idempotency_key=idempotency_key,
        if_match=if_match,
        x_account_id=x_account_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    task_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: TaskUpdate | TaskUpdate | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Problem | Task | None:
    """Update a task

     A JSON merge patch (RFC 7396): fields present are set, `null` clears a nullable field,
    and `metadata` is merged key by key. Send the task's `ETag` as `If-Match` to make the
    update conditional: a stale tag answers `412`. Setting `status` to `done` sets
    `completed_at`.

    Args:
        task_id (UUID):
        idempotency_key (str | Unset):
        if_match (str | Unset):
        x_account_id (str | Unset):
        body (TaskUpdate): A JSON merge patch of a task. `null` clears a nullable field;
            `metadata` keys set to `null` are removed. Example: {'status': 'done'}.
        body (TaskUpdate): A JSON merge patch of a task. `null` clears a nullable field;
            `metadata` keys set to `null` are removed. Example: {'status': 'done'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Task
    """

    return (
        await asyncio_detailed(
            task_id=task_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            if_match=if_match,
            x_account_id=x_account_id,
        )
    ).parsed
