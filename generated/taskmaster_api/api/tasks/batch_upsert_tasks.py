from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_result import BatchResult
from ...models.problem import Problem
from ...models.task_upsert import TaskUpsert
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: list[TaskUpsert],
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
        "url": "/tasks/batch/upsert",
        "params": params,
    }

    _kwargs["json"] = []
    for body_item_data in body:
        body_item = body_item_data.to_dict()
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
    body: list[TaskUpsert],
    atomic: bool | Unset = False,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[BatchResult | Problem]:
    """Create or update up to 100 tasks by their external ids

     Each item is upserted as by `upsert_task`, in request order, and its result carries the
    `action` (`created`: status `201`; `updated` or `unchanged`: status `200`). Items are
    checked like a single `upsert_task`; a failing item is reported alone and writes
    nothing. The same key twice in one batch is applied in order: the second item updates
    (or leaves unchanged) the task the first one created. With `atomic=true` either every
    item is applied or none is, and a failing item answers `422` for the whole batch.

    Args:
        atomic (bool | Unset):  Default: False.
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (list[TaskUpsert]):

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
    body: list[TaskUpsert],
    atomic: bool | Unset = False,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> BatchResult | Problem | None:
    """Create or update up to 100 tasks by their external ids

     Each item is upserted as by `upsert_task`, in request order, and its result carries the
    `action` (`created`: status `201`; `updated` or `unchanged`: status `200`). Items are
    checked like a single `upsert_task`; a failing item is reported alone and writes
    nothing. The same key twice in one batch is applied in order: the second item updates
    (or leaves unchanged) the task the first one created. With `atomic=true` either every
    item is applied or none is, and a failing item answers `422` for the whole batch.

    Args:
        atomic (bool | Unset):  Default: False.
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (list[TaskUpsert]):

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
    body: list[TaskUpsert],
    atomic: bool | Unset = False,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> Response[BatchResult | Problem]:
    """Create or update up to 100 tasks by their external ids

     Each item is upserted as by `upsert_task`, in request order, and its result carries the
    `action` (`created`: status `201`; `updated` or `unchanged`: status `200`). Items are
    checked like a single `upsert_task`; a failing item is reported alone and writes
    nothing. The same key twice in one batch is applied in order: the second item updates
    (or leaves unchanged) the task the first one created. With `atomic=true` either every
    item is applied or none is, and a failing item answers `422` for the whole batch.

    Args:
        atomic (bool | Unset):  Default: False.
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (list[TaskUpsert]):

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
    body: list[TaskUpsert],
    atomic: bool | Unset = False,
    idempotency_key: str | Unset = UNSET,
    x_account_id: str | Unset = UNSET,
) -> BatchResult | Problem | None:
    """Create or update up to 100 tasks by their external ids

     Each item is upserted as by `upsert_task`, in request order, and its result carries the
    `action` (`created`: status `201`; `updated` or `unchanged`: status `200`). Items are
    checked like a single `upsert_task`; a failing item is reported alone and writes
    nothing. The same key twice in one batch is applied in order: the second item updates
    (or leaves unchanged) the task the first one created. With `atomic=true` either every
    item is applied or none is, and a failing item answers `422` for the whole batch.

    Args:
        atomic (bool | Unset):  Default: False.
        idempotency_key (str | Unset):
        x_account_id (str | Unset):
        body (list[TaskUpsert]):

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
