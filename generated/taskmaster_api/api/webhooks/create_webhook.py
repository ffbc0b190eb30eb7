from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.webhook_create import WebhookCreate
from ...models.webhook_with_secret import WebhookWithSecret
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: WebhookCreate,
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
        "url": "/webhooks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | WebhookWithSecret | None:
    if response.status_code == 201:
        response_201 = WebhookWithSecret.from_dict(response.json())

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
) -> Response[Problem | WebhookWithSecret]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WebhookCreate,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[Problem | WebhookWithSecret]:
    """Subscribe an endpoint to events

     Deliveries are signed per [Standard Webhooks](https://www.standardwebhooks.com/). The
    signing secret (`whsec_...`) is returned in this response only; pass your own `secret` or
    let the server generate one. Private, link-local and metadata addresses are refused
    unless the server allows them.

    Args:
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (WebhookCreate):  Example: {'url': 'https://hooks.example.com/taskmaster', 'events':
            ['task.created', 'task.completed'], 'description': 'CRM sync'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookWithSecret]
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
    body: WebhookCreate,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Problem | WebhookWithSecret | None:
    """Subscribe an endpoint to events

     Deliveries are signed per [Standard Webhooks](https://www.standardwebhooks.com/). The
    signing secret (`whsec_...`) is returned in this response only; pass your own `secret` or
    let the server generate one. Private, link-local and metadata addresses are refused
    unless the server allows them.

    Args:
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (WebhookCreate):  Example: {'url': 'https://hooks.example.com/taskmaster', 'events':
            ['task.created', 'task.completed'], 'description': 'CRM sync'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookWithSecret
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
    body: WebhookCreate,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[Problem | WebhookWithSecret]:
    """Subscribe an endpoint to events

     Deliveries are signed per [Standard Webhooks](https://www.standardwebhooks.com/). The
    signing secret (`whsec_...`) is returned in this response only; pass your own `secret` or
    let the server generate one. Private, link-local and metadata addresses are refused
    unless the server allows them.

    Args:
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (WebhookCreate):  Example: {'url': 'https://hooks.example.com/taskmaster', 'events':
            ['task.created', 'task.completed'], 'description': 'CRM sync'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookWithSecret]
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
    body: WebhookCreate,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Problem | WebhookWithSecret | None:
    """Subscribe an endpoint to events

     Deliveries are signed per [Standard Webhooks](https://www.standardwebhooks.com/). The
    signing secret (`whsec_...`) is returned in this response only; pass your own `secret` or
    let the server generate one. Private, link-local and metadata addresses are refused
    unless the server allows them.

    Args:
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (WebhookCreate):  Example: {'url': 'https://hooks.example.com/taskmaster', 'events':
            ['task.created', 'task.completed'], 'description': 'CRM sync'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookWithSecret
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            x_account_id=x_account_id,
        )
    ).parsed
