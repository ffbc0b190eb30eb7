from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_result import BatchResult
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: list[UUID],
    atomic: bool | Unset = False,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(x_account_id, Unset):
        headers["X-Account-ID"] = x_account_id

    params: dict[str, Any] = {}

    params["atomic"] = atomic

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tasks/batch/delete",
        "params": params,
    }

    _kwargs["json"] = []
    for body_item_data in body:
        body_item = str(body_item_data)
        _kwargs["json"].append(body_item)

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BatchResult | Problem | None:
    if response.status_code == 200:
        response_200 = BatchResult.from_dict(response.json())

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
) -> Response[BatchResult | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: list[UUID],
    atomic: bool | Unset = False,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[BatchResult | Problem]:
    """Delete up to 100 tasks

     The body is a JSON array of task ids. As in the other batch operations, each item is
    checked on its own: an item that is not a task id (not a UUID string) is a per-item `422`
    pointing at it (`/<index>`), and a task that does not exist is a per-item `404`; the
    other items are deleted. With `atomic=true` either case answers `422` for the whole
    batch and nothing is deleted. A body that is not an array of 1 to 100 items answers `422`.

    Args:
        atomic (bool | Unset):  Default: False.
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (list[UUID]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResult | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        atomic=atomic,
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
    body: list[UUID],
    atomic: bool | Unset = False,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> BatchResult | Problem | None:
    """Delete up to 100 tasks

     The body is a JSON array of task ids. As in the other batch operations, each item is
    checked on its own: an item that is not a task id (not a UUID string) is a per-item `422`
    pointing at it (`/<index>`), and a task that does not exist is a per-item `404`; the
    other items are deleted. With `atomic=true` either case answers `422` for the whole
    batch and nothing is deleted. A body that is not an array of 1 to 100 items answers `422`.

    Args:
        atomic (bool | Unset):  Default: False.
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (list[UUID]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResult | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        atomic=atomic,
        idempotency_key=idempotency_key,
        x_account_id=x_account_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: list[UUID],
    atomic: bool | Unset = False,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[BatchResult | Problem]:
    """Delete up to 100 tasks

     The body is a JSON array of task ids. As in the other batch operations, each item is
    checked on its own: an item that is not a task id (not a UUID string) is a per-item `422`
    pointing at it (`/<index>`), and a task that does not exist is a per-item `404`; the
    other items are deleted. With `atomic=true` either case answers `422` for the whole
    batch and nothing is deleted. A body that is not an array of 1 to 100 items answers `422`.

    Args:
        atomic (bool | Unset):  Default: False.
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (list[UUID]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResult | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        atomic=atomic,
        idempotency_key=idempotency_key,
        x_account_id=x_account_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: list[UUID],
    atomic: bool | Unset = False,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> BatchResult | Problem | None:
    """Delete up to 100 tasks

     The body is a JSON array of task ids. As in the other batch operations, each item is
    checked on its own: an item that is not a task id (not a UUID string) is a per-item `422`
    pointing at it (`/<index>`), and a task that does not exist is a per-item `404`; the
    other items are deleted. With `atomic=true` either case answers `422` for the whole
    batch and nothing is deleted. A body that is not an array of 1 to 100 items answers `422`.

    Args:
        atomic (bool | Unset):  Default: False.
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (list[UUID]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResult | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            atomic=atomic,
            idempotency_key=idempotency_key,
            x_account_id=x_account_id,
        )
    ).parsed
