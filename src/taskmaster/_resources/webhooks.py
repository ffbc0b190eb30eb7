"""Webhook subscriptions: create (the secret is shown once), list, change, rotate, deliveries."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._call import AsyncRequester, Call, SyncRequester, make_call
from .._pagination import AsyncPager, Page, SyncPager
from .._params import given
from .._types import NOT_GIVEN, NotGiven
from ._common import account, body_of, operation, page_converter, present, ref

if TYPE_CHECKING:
    from typing import Unpack

    from taskmaster_api.models import (
        DeliveryStatus,
        EventType,
        Webhook,
        WebhookCreate,
        WebhookDelivery,
        WebhookSecret,
        WebhookUpdate,
        WebhookWithSecret,
    )

    from .._options import RequestOptions

__all__ = ["AsyncWebhooksMixin", "WebhooksMixin"]

Id = uuid.UUID | str
Events = Sequence["EventType | str"]


def _list(params: dict[str, Any]) -> Call[Page[Webhook]]:
    from taskmaster_api.api.webhooks import list_webhooks
    from taskmaster_api.models import WebhookList

    return make_call(list_webhooks, WebhookList, convert=page_converter(params), **params)


def _deliveries(params: dict[str, Any]) -> Call[Page[WebhookDelivery]]:
    from taskmaster_api.api.webhooks import list_webhook_deliveries
    from taskmaster_api.models import WebhookDeliveryList

    return make_call(
        list_webhook_deliveries, WebhookDeliveryList, convert=page_converter(params), **params
    )


def deliveries_params(webhook_id: Any, status: Any, limit: Any, account_id: Any) -> dict[str, Any]:
    from taskmaster_api.models import DeliveryStatus

    params: dict[str, Any] = {"webhook_id": ref(webhook_id, "webhook_id"), **account(account_id)}
    if status is not None:
        params["status"] = DeliveryStatus(status) if isinstance(status, str) else status
    if limit is not None:
        params["limit"] = limit
    return params


def _get(webhook_id: Any, account_id: Any) -> Call[Webhook]:
    from taskmaster_api.api.webhooks import get_webhook
    from taskmaster_api.models import Webhook

    return make_call(get_webhook, Webhook, ref(webhook_id, "webhook_id"), **account(account_id))


def _create(
    data: Any, fields: dict[str, Any], key: Any, account_id: Any
) -> Call[WebhookWithSecret]:
    from taskmaster_api.api.webhooks import create_webhook
    from taskmaster_api.models import WebhookCreate, WebhookWithSecret

    body = body_of(WebhookCreate, data, fields, "create_webhook")
    return make_call(
        create_webhook, WebhookWithSecret, body=body, **present(idempotency_key=key),
        **account(account_id),
    )  # fmt: skip


def _update(
    webhook_id: Any, data: Any, fields: dict[str, Any], key: Any, account_id: Any
) -> Call[Webhook]:
    from taskmaster_api.api.webhooks import update_webhook
    from taskmaster_api.models import Webhook, WebhookUpdate

    body = body_of(WebhookUpdate, data, fields, "update_webhook")
    return make_call(
        update_webhook, Webhook, ref(webhook_id, "webhook_id"), body=body,
        **present(idempotency_key=key), **account(account_id),
    )  # fmt: skip


def _delete(webhook_id: Any, account_id: Any) -> Call[None]:
    from taskmaster_api.api.webhooks import delete_webhook

    return make_call(delete_webhook, None, ref(webhook_id, "webhook_id"), **account(account_id))


def _rotate(webhook_id: Any, key: Any, account_id: Any) -> Call[WebhookSecret]:
    from taskmaster_api.api.webhooks import rotate_webhook_secret
    from taskmaster_api.models import WebhookSecret

    return make_call(
        rotate_webhook_secret, WebhookSecret, ref(webhook_id, "webhook_id"),
        **present(idempotency_key=key), **account(account_id),
    )  # fmt: skip


def _redeliver(
    webhook_id: Any, delivery_id: Any, key: Any, account_id: Any
) -> Call[WebhookDelivery]:
    from taskmaster_api.api.webhooks import redeliver_webhook_delivery
    from taskmaster_api.models import WebhookDelivery

    return make_call(
        redeliver_webhook_delivery, WebhookDelivery, ref(webhook_id, "webhook_id"),
        ref(delivery_id, "delivery_id"), **present(idempotency_key=key), **account(account_id),
    )  # fmt: skip


class WebhooksMixin(SyncRequester):
    @operation("list_webhooks")
    def list_webhooks(
        self,
        *,
        limit: int | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPager[Webhook]:
        """The account's webhook subscriptions, page by page."""
        params = {**({} if limit is None else {"limit": limit}), **account(account_id)}
        first: Page[Webhook] = self._request(_list(params), options)
        return SyncPager(first, lambda p: self._request(_list(p), options))

    @operation("get_webhook")
    def get_webhook(
        self,
        webhook_id: Id | Webhook,
        *,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Webhook:
        """One subscription (without its secret)."""
        call = _get(webhook_id, account_id)
        result: Webhook = self._request(call, options)
        return result

    @operation("create_webhook")
    def create_webhook(
        self,
        webhook: Mapping[str, Any] | WebhookCreate | None = None,
        /,
        *,
        url: str | NotGiven = NOT_GIVEN,
        events: Events | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        secret: str | NotGiven = NOT_GIVEN,
        enabled: bool | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> WebhookWithSecret:
        """Subscribe `url` to `events`. The result's `secret` is shown this once: store it."""
        fields = given(
            url=url, events=events, description=description, secret=secret, enabled=enabled
        )
        call = _create(webhook, fields, idempotency_key, account_id)
        result: WebhookWithSecret = self._request(call, options)
        return result

    @operation("update_webhook")
    def update_webhook(
        self,
        webhook_id: Id | Webhook,
        changes: Mapping[str, Any] | WebhookUpdate | None = None,
        /,
        *,
        url: str | NotGiven = NOT_GIVEN,
        events: Events | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        enabled: bool | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Webhook:
        """Change a subscription; `enabled=True` re-enables a disabled endpoint."""
        fields = given(url=url, events=events, description=description, enabled=enabled)
        call = _update(webhook_id, changes, fields, idempotency_key, account_id)
        result: Webhook = self._request(call, options)
        return result

    @operation("delete_webhook")
    def delete_webhook(
        self,
        webhook_id: Id | Webhook,
        *,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Delete a subscription; its pending deliveries are dropped."""
        self._request(_delete(webhook_id, account_id), options)

    @operation("rotate_webhook_secret")
    def rotate_webhook_secret(
        self,
        webhook_id: Id | Webhook,
        *,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> WebhookSecret:
        """A new signing secret; the old one keeps signing until `previous_secret_expires_at`."""
        call = _rotate(webhook_id, idempotency_key, account_id)
        result: WebhookSecret = self._request(call, options)
        return result

    @operation("list_webhook_deliveries")
    def list_webhook_deliveries(
        self,
        webhook_id: Id | Webhook,
        *,
        status: DeliveryStatus | str | None = None,
        limit: int | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPager[WebhookDelivery]:
        """A subscription's delivery log, newest first, page by page."""
        params = deliveries_params(webhook_id, status, limit, account_id)
        first: Page[WebhookDelivery] = self._request(_deliveries(params), options)
        return SyncPager(first, lambda p: self._request(_deliveries(p), options))

    @operation("redeliver_webhook_delivery")
    def redeliver_webhook_delivery(
        self,
        webhook_id: Id | Webhook,
        delivery_id: Id | WebhookDelivery,
        *,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> WebhookDelivery:
        """Queue the delivery's event again (same `webhook-id`, so receivers can deduplicate)."""
        call = _redeliver(webhook_id, delivery_id, idempotency_key, account_id)
        result: WebhookDelivery = self._request(call, options)
        return result


class AsyncWebhooksMixin(AsyncRequester):
    @operation("list_webhooks")
    def list_webhooks(
        self,
        *,
        limit: int | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[Webhook]:
        params = {**({} if limit is None else {"limit": limit}), **account(account_id)}
        return AsyncPager(
            lambda: self._request(_list(params), options),
            lambda p: self._request(_list(p), options),
        )

    @operation("get_webhook")
    async def get_webhook(
        self,
        webhook_id: Id | Webhook,
        *,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Webhook:
        call = _get(webhook_id, account_id)
        result: Webhook = await self._request(call, options)
        return result

    @operation("create_webhook")
    async def create_webhook(
        self,
        webhook: Mapping[str, Any] | WebhookCreate | None = None,
        /,
        *,
        url: str | NotGiven = NOT_GIVEN,
        events: Events | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        secret: str | NotGiven = NOT_GIVEN,
        enabled: bool | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> WebhookWithSecret:
        fields = given(
            url=url, events=events, description=description, secret=secret, enabled=enabled
        )
        call = _create(webhook, fields, idempotency_key, account_id)
        result: WebhookWithSecret = await self._request(call, options)
        return result

    @operation("update_webhook")
    async def update_webhook(
        self,
        webhook_id: Id | Webhook,
        changes: Mapping[str, Any] | WebhookUpdate | None = None,
        /,
        *,
        url: str | NotGiven = NOT_GIVEN,
        events: Events | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        enabled: bool | NotGiven = NOT_GIVEN,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> Webhook:
        fields = given(url=url, events=events, description=description, enabled=enabled)
        call = _update(webhook_id, changes, fields, idempotency_key, account_id)
        result: Webhook = await self._request(call, options)
        return result

    @operation("delete_webhook")
    async def delete_webhook(
        self,
        webhook_id: Id | Webhook,
        *,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        await self._request(_delete(webhook_id, account_id), options)

    @operation("rotate_webhook_secret")
    async def rotate_webhook_secret(
        self,
        webhook_id: Id | Webhook,
        *,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> WebhookSecret:
        call = _rotate(webhook_id, idempotency_key, account_id)
        result: WebhookSecret = await self._request(call, options)
        return result

    @operation("list_webhook_deliveries")
    def list_webhook_deliveries(
        self,
        webhook_id: Id | Webhook,
        *,
        status: DeliveryStatus | str | None = None,
        limit: int | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[WebhookDelivery]:
        params = deliveries_params(webhook_id, status, limit, account_id)
        return AsyncPager(
            lambda: self._request(_deliveries(params), options),
            lambda p: self._request(_deliveries(p), options),
        )

    @operation("redeliver_webhook_delivery")
    async def redeliver_webhook_delivery(
        self,
        webhook_id: Id | Webhook,
        delivery_id: Id | WebhookDelivery,
        *,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        **options: Unpack[RequestOptions],
    ) -> WebhookDelivery:
        call = _redeliver(webhook_id, delivery_id, idempotency_key, account_id)
        result: WebhookDelivery = await self._request(call, options)
        return result
