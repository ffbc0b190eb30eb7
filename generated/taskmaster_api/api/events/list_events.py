from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.event_list import EventList
from ...models.event_type import EventType
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    after: int | Unset = 0,
    types: list[EventType] | Unset = UNSET,
    project_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    x_account_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_account_id, Unset):
        headers["X-Account-ID"] = x_account_id

    params: dict[str, Any] = {}

    params["after"] = after

    json_types: list[str] | Unset = UNSET
    if not isinstance(types, Unset):
        json_types = []
        for types_item_data in types:
            types_item = types_item_data.value
            json_types.append(types_item)

    params["types"] = json_types

    json_project_id: str | Unset = UNSET
    if not isinstance(project_id, Unset):
        json_project_id = str(project_id)
    params["project_id"] = json_project_id

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/events",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EventList | Problem | None:
    if response.status_code == 200:
        response_200 = EventList.from_dict(response.json())

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

    if response.status_code == 410:
        response_410 = Problem.from_dict(response.json())

        return response_410

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
) -> Response[EventList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = 0,
    types: list[EventType] | Unset = UNSET,
    project_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    x_account_id: str | Unset = UNSET,
) -> Response[EventList | Problem]:
    """Read the event log after a sequence number

     Events of the acting account with `seq` greater than `after`, oldest first. Pass
    `next_after` back as `after` to continue. When `after` is older than the log's retention,
    or beyond the account's latest seq (e.g. after a restore), the answer is `410` (`type`
    ending in `resync-required`, with the log's `latest_seq` and `oldest_seq` as fields):
    fetch the current state over REST and continue from `latest_seq`. To start from now,
    take `latest_seq` from `GET /events/head` instead of reading the whole log.

    Args:
        after (int | Unset):  Default: 0.
        types (list[EventType] | Unset):
        project_id (UUID | Unset):
        limit (int | Unset):  Default: 50.
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventList | Problem]
    """

    kwargs = _get_kwargs(
        after=after,
        types=types,
        project_id=project_id,
        limit=limit,
        x_account_id=x_account_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = 0,
    types: list[EventType] | Unset = UNSET,
    project_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    x_account_id: str | Unset = UNSET,
) -> EventList | Problem | None:
    """Read the event log after a sequence number

     Events of the acting account with `seq` greater than `after`, oldest first. Pass
    `next_after` back as `after` to continue. When `after` is older than the log's retention,
    or beyond the account's latest seq (e.g. after a restore), the answer is `410` (`type`
    ending in `resync-required`, with the log's `latest_seq` and `oldest_seq` as fields):
    fetch the current state over REST and continue from `latest_seq`. To start from now,
    take `latest_seq` from `GET /events/head` instead of reading the whole log.

    Args:
        after (int | Unset):  Default: 0.
        types (list[EventType] | Unset):
        project_id (UUID | Unset):
        limit (int | Unset):  Default: 50.
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventList | Problem
    """

    return sync_detailed(
        client=client,
        after=after,
        types=types,
        project_id=project_id,
        limit=limit,
        x_account_id=x_account_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = 0,
    types: list[EventType] | Unset = UNSET,
    project_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    x_account_id: str | Unset = UNSET,
) -> Response[EventList | Problem]:
    """Read the event log after a sequence number

     Events of the acting account with `seq` greater than `after`, oldest first. Pass
    `next_after` back as `after` to continue. When `after` is older than the log's retention,
    or beyond the account's latest seq (e.g. after a restore), the answer is `410` (`type`
    ending in `resync-required`, with the log's `latest_seq` and `oldest_seq` as fields):
    fetch the current state over REST and continue from `latest_seq`. To start from now,
    take `latest_seq` from `GET /events/head` instead of reading the whole log.

    Args:
        after (int | Unset):  Default: 0.
        types (list[EventType] | Unset):
        project_id (UUID | Unset):
        limit (int | Unset):  Default: 50.
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventList | Problem]
    """

    kwargs = _get_kwargs(
        after=after,
        types=types,
        project_id=project_id,
        limit=limit,
        x_account_id=x_account_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    after: int | Unset = 0,
    types: list[EventType] | Unset = UNSET,
    project_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    x_account_id: str | Unset = UNSET,
) -> EventList | Problem | None:
    """Read the event log after a sequence number

     Events of the acting account with `seq` greater than `after`, oldest first. Pass
    `next_after` back as `after` to continue. When `after` is older than the log's retention,
    or beyond the account's latest seq (e.g. after a restore), the answer is `410` (`type`
    ending in `resync-required`, with the log's `latest_seq` and `oldest_seq` as fields):
    fetch the current state over REST and continue from `latest_seq`. To start from now,
    take `latest_seq` from `GET /events/head` instead of reading the whole log.

    Args:
        after (int | Unset):  Default: 0.
        types (list[EventType] | Unset):
        project_id (UUID | Unset):
        limit (int | Unset):  Default: 50.
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            after=after,
            types=types,
            project_id=project_id,
            limit=limit,
            x_account_id=x_account_id,
        )
    ).parsed
