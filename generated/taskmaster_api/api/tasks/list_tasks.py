import datetime
from http import HTTPStatus
from typing import Any, cast
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.priority import Priority
from ...models.problem import Problem
from ...models.task_list import TaskList
from ...models.task_status import TaskStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    project_id: UUID | Unset = UNSET,
    status: list[TaskStatus] | Unset = UNSET,
    priority: list[Priority] | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    due_before: datetime.datetime | Unset = UNSET,
    due_after: datetime.datetime | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    external_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    sort: str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    offset: int | Unset = UNSET,
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

    json_status: list[str] | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = []
        for status_item_data in status:
            status_item = status_item_data.value
            json_status.append(status_item)

    params["status"] = json_status

    json_priority: list[str] | Unset = UNSET
    if not isinstance(priority, Unset):
        json_priority = []
        for priority_item_data in priority:
            priority_item = priority_item_data.value
            json_priority.append(priority_item)

    params["priority"] = json_priority

    json_tag: list[str] | Unset = UNSET
    if not isinstance(tag, Unset):
        json_tag = tag

    params["tag"] = json_tag

    json_due_before: str | Unset = UNSET
    if not isinstance(due_before, Unset):
        json_due_before = due_before.isoformat()
    params["due_before"] = json_due_before

    json_due_after: str | Unset = UNSET
    if not isinstance(due_after, Unset):
        json_due_after = due_after.isoformat()
    params["due_after"] = json_due_after

    json_updated_since: str | Unset = UNSET
    if not isinstance(updated_since, Unset):
        json_updated_since = updated_since.isoformat()
    params["updated_since"] = json_updated_since

    params["external_id"] = external_id

    params["search"] = search

    params["sort"] = sort

    params["limit"] = limit

    params["cursor"] = cursor

    params["offset"] = offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/tasks",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | TaskList | None:
    if response.status_code == 200:
        response_200 = TaskList.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[Any | Problem | TaskList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    project_id: UUID | Unset = UNSET,
    status: list[TaskStatus] | Unset = UNSET,
    priority: list[Priority] | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    due_before: datetime.datetime | Unset = UNSET,
    due_after: datetime.datetime | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    external_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    sort: str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    offset: int | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[Any | Problem | TaskList]:
    """List, filter, search and sort tasks

     Filters combine with AND; a repeated `status`, `priority` or `tag` matches any of the
    values given. `search` matches words of the title and description. `sort` names one key,
    optionally prefixed with `-` for descending; `id` breaks ties, in the same direction. Page
    with `cursor` (keyset, stable under concurrent inserts) or `offset` (not both).

    Args:
        project_id (UUID | Unset):
        status (list[TaskStatus] | Unset):
        priority (list[Priority] | Unset):
        tag (list[str] | Unset):
        due_before (datetime.datetime | Unset):
        due_after (datetime.datetime | Unset):
        updated_since (datetime.datetime | Unset):
        external_id (str | Unset):
        search (str | Unset):
        sort (str | Unset):  Example: -priority.
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        offset (int | Unset):
        if_none_match (str | Unset):
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | TaskList]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        status=status,
        priority=priority,
        tag=tag,
        due_before=due_before,
        due_after=due_after,
        updated_since=updated_since,
        external_id=external_id,
        search=search,
        sort=sort,
        limit=limit,
        cursor=cursor,
        offset=offset,
        if_none_match=if_none_match,
        x_account_id=x_account_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    project_id: UUID | Unset = UNSET,
    status: list[TaskStatus] | Unset = UNSET,
    priority: list[Priority] | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    due_before: datetime.datetime | Unset = UNSET,
    due_after: datetime.datetime | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    external_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    sort: str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    offset: int | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Any | Problem | TaskList | None:
    """List, filter, search and sort tasks

     Filters combine with AND; a repeated `status`, `priority` or `tag` matches any of the
    values given. `search` matches words of the title and description. `sort` names one key,
    optionally prefixed with `-` for descending; `id` breaks ties, in the same direction. Page
    with `cursor` (keyset, stable under concurrent inserts) or `offset` (not both).

    Args:
        project_id (UUID | Unset):
        status (list[TaskStatus] | Unset):
        priority (list[Priority] | Unset):
        tag (list[str] | Unset):
        due_before (datetime.datetime | Unset):
        due_after (datetime.datetime | Unset):
        updated_since (datetime.datetime | Unset):
        external_id (str | Unset):
        search (str | Unset):
        sort (str | Unset):  Example: -priority.
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        offset (int | Unset):
        if_none_match (str | Unset):
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | TaskList
    """

    return sync_detailed(
        client=client,
        project_id=project_id,
        status=status,
        priority=priority,
        tag=tag,
        due_before=due_before,
        due_after=due_after,
        updated_since=updated_since,
        external_id=external_id,
        search=search,
        sort=sort,
        limit=limit,
        cursor=cursor,
        offset=offset,
        if_none_match=if_none_match,
        x_account_id=x_account_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    project_id: UUID | Unset = UNSET,
    status: list[TaskStatus] | Unset = UNSET,
    priority: list[Priority] | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    due_before: datetime.datetime | Unset = UNSET,
    due_after: datetime.datetime | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    external_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    sort: str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    offset: int | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[Any | Problem | TaskList]:
    """List, filter, search and sort tasks

     Filters combine with AND; a repeated `status`, `priority` or `tag` matches any of the
    values given. `search` matches words of the title and description. `sort` names one key,
    optionally prefixed with `-` for descending; `id` breaks ties, in the same direction. Page
    with `cursor` (keyset, stable under concurrent inserts) or `offset` (not both).

    Args:
        project_id (UUID | Unset):
        status (list[TaskStatus] | Unset):
        priority (list[Priority] | Unset):
        tag (list[str] | Unset):
        due_before (datetime.datetime | Unset):
        due_after (datetime.datetime | Unset):
        updated_since (datetime.datetime | Unset):
        external_id (str | Unset):
        search (str | Unset):
        sort (str | Unset):  Example: -priority.
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        offset (int | Unset):
        if_none_match (str | Unset):
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | TaskList]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        status=status,
        priority=priority,
        tag=tag,
        due_before=due_before,
        due_after=due_after,
        updated_since=updated_since,
        external_id=external_id,
        search=search,
        sort=sort,
        limit=limit,
        cursor=cursor,
        offset=offset,
        if_none_match=if_none_match,
        x_account_id=x_account_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    project_id: UUID | Unset = UNSET,
    status: list[TaskStatus] | Unset = UNSET,
    priority: list[Priority] | Unset = UNSET,
    tag: list[str] | Unset = UNSET,
    due_before: datetime.datetime | Unset = UNSET,
    due_after: datetime.datetime | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    external_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    sort: str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    offset: int | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Any | Problem | TaskList | None:
    """List, filter, search and sort tasks

     Filters combine with AND; a repeated `status`, `priority` or `tag` matches any of the
    values given. `search` matches words of the title and description. `sort` names one key,
    optionally prefixed with `-` for descending; `id` breaks ties, in the same direction. Page
    with `cursor` (keyset, stable under concurrent inserts) or `offset` (not both).

    Args:
        project_id (UUID | Unset):
        status (list[TaskStatus] | Unset):
        priority (list[Priority] | Unset):
        tag (list[str] | Unset):
        due_before (datetime.datetime | Unset):
        due_after (datetime.datetime | Unset):
        updated_since (datetime.datetime | Unset):
        external_id (str | Unset):
        search (str | Unset):
        sort (str | Unset):  Example: -priority.
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        offset (int | Unset):
        if_none_match (str | Unset):
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | TaskList
    """

    return (
        await asyncio_detailed(
            client=client,
            project_id=project_id,
            status=status,
            priority=priority,
            tag=tag,
            due_before=due_before,
            due_after=due_after,
            updated_since=updated_since,
            external_id=external_id,
            search=search,
            sort=sort,
            limit=limit,
            cursor=cursor,
            offset=offset,
            if_none_match=if_none_match,
            x_account_id=x_account_id,
        )
    ).parsed
