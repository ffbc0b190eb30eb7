from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.event_head import EventHead
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    x_account_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_account_id, Unset):
        headers["X-Account-ID"] = x_account_id

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/events/head",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EventHead | Problem | None:
    if response.status_code == 200:
        response_200 = EventHead.from_dict(response.json())

        return response_200

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
) -> Response[EventHead | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    x_account_id: str | Unset = UNSET,
) -> Response[EventHead | Problem]:
    """Read the event log's latest and oldest seq

     Where the account's event log stands, without reading any event: `latest_seq` is the
    last seq handed out (0 before the first event), `oldest_seq` the first one still kept.
    Start polling `GET /events?after=<latest_seq>`, or open the stream with
    `last_seq=<latest_seq>`, to receive exactly what commits from now on.

    Args:
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventHead | Problem]
    """

    kwargs = _get_kwargs(
        x_account_id=x_account_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    x_account_id: str | Unset = UNSET,
) -> EventHead | Problem | None:
    """Read the event log's latest and oldest seq

     Where the account's event log stands, without reading any event: `latest_seq` is the
    last seq handed out (0 before the first event), `oldest_seq` the first one still kept.
    Start polling `GET /events?after=<latest_seq>`, or open the stream with
    `last_seq=<latest_seq>`, to receive exactly what commits from now on.

    Args:
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventHead | Problem
    """

    return sync_detailed(
        client=client,
        x_account_id=x_account_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    x_account_id: str | Unset = UNSET,
) -> Response[EventHead | Problem]:
    """Read the event log's latest and oldest seq

     Where the account's event log stands, without reading any event: `latest_seq` is the
    last seq handed out (0 before the first event), `oldest_seq` the first one still kept.
    Start polling `GET /events?after=<latest_seq>`, or open the stream with
    `last_seq=<latest_seq>`, to receive exactly what commits from now on.

    Args:
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventHead | Problem]
    """

    kwargs = _get_kwargs(
        x_account_id=x_account_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    x_account_id: str | Unset = UNSET,
) -> EventHead | Problem | None:
    """Read the event log's latest and oldest seq

     Where the account's event log stands, without reading any event: `latest_seq` is the
    last seq handed out (0 before the first event), `oldest_seq` the first one still kept.
    Start polling `GET /events?after=<latest_seq>`, or open the stream with
    `last_seq=<latest_seq>`, to receive exactly what commits from now on.

    Args:
        x_account_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventHead | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            x_account_id=x_account_id,
        )
    ).parsed
