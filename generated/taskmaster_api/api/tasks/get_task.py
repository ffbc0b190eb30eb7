from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.task import Task
from ...types import UNSET, Response, Unset


def _get_kwargs(
    task_id: UUID,
    *,
    project_id: UUID | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    if not isinstance(x_account_id, Unset):
        headers["X-Account-ID"] = x_account_id

    params: dict[str, Any] = {}

    json_project_id: str | Unset = UNSET
    if not isinstance(project_id, Unset):
        json_project_id = str(project_id)
    params["project_id"] = json_project_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/tasks/{task_id}".format(
            task_id=quote(str(task_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | Task | None:
    if response.status_code == 200:
        response_200 = Task.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[Any | Problem | Task]:
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
    project_id: UUID | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[Any | Problem | Task]:
    """Get a task with its subtasks

    Args:
        task_id (UUID):
        project_id (UUID | Unset):
        if_none_match (str | Unset):
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | Task]
    """

    kwargs = _get_kwargs(
        task_id=task_id,
        project_id=project_id,
        if_none_match=if_none_match,
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
    project_id: UUID | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Any | Problem | Task | None:
    """Get a task with its subtasks

    Args:
        task_id (UUID):
        project_id (UUID | Unset):
        if_none_match (str | Unset):
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | Task
    """

    return sync_detailed(
        task_id=task_id,
        client=client,
        project_id=project_id,
        if_none_match=if_none_match,
        x_account_id=x_account_id,
    ).parsed


async def asyncio_detailed(
    task_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    project_id: UUID | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[Any | Problem | Task]:
    """Get a task with its subtasks

    Args:
        task_id (UUID):
        project_id (UUID | Unset):
        if_none_match (str | Unset):
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | Task]
    """

    kwargs = _get_kwargs(
        task_id=task_id,
        project_id=project_id,
        if_none_match=if_none_match,
        x_account_id=x_account_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    task_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    project_id: UUID | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Any | Problem | Task | None:
    """Get a task with its subtasks

    Args:
        task_id (UUID):
        project_id (UUID | Unset):
        if_none_match (str | Unset):
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | Task
    """

    return (
        await asyncio_detailed(
            task_id=task_id,
            client=client,
            project_id=project_id,
            if_none_match=if_none_match,
            x_account_id=x_account_id,
        )
    ).parsed
