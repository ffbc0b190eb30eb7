"""Webhook subscriptions: create (the secret is shown once), list, change, rotate, deliveries."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._call import AsyncRequester, SyncRequester
from .._pagination import AsyncPager, Page, SyncPager
from .._params import given
from .._types import NOT_GIVEN, NotGiven
from ._common import account, api_call, body_of, model, operation, page_converter, ref

if TYPE_CHECKING:
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

    from .._types import TimeoutTypes

__all__ = ["AsyncWebhooksMixin", "WebhooksMixin"]

Id = uuid.UUID | str
Events = Sequence["EventType | str"]


def _list(params: dict[str, Any]) -> Any:
    return api_call(
        "webhooks", "list_webhooks", "WebhookList", convert=page_converter(params), **params
    )


def _deliveries(params: dict[str, Any]) -> Any:
    return api_call(
        "webhooks", "list_webhook_deliveries", "WebhookDeliveryList",
        convert=page_converter(params), **params,
    )  # fmt: skip


def deliveries_params(webhook_id: Any, status: Any, limit: Any, account_id: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"webhook_id": ref(webhook_id, "webhook_id"), **account(account_id)}
    if status is not None:
        params["status"] = (
            status if not isinstance(status, str) else model("DeliveryStatus")(status)
        )
    if limit is not None:
        params["limit"] = limit
    return params


def _id_call(
    operation_id: str, model_name: str | None, webhook_id: Any, *args: Any, **kw: Any
) -> Any:
    webhook = ref(webhook_id, "webhook_id")
    return api_call("webhooks", operation_id, model_name, webhook, *args, **kw)


class WebhooksMixin(SyncRequester):
    @operation("list_webhooks")
    def list_webhooks(
        self,
        *,
        limit: int | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> SyncPager[Webhook]:
        """The account's webhook subscriptions, page by page."""
        params = {**({} if limit is None else {"limit": limit}), **account(account_id)}
        first: Page[Webhook] = self._request(_list(params), timeout)
        return SyncPager(first, lambda p: self._request(_list(p), timeout))

    @operation("get_webhook")
    def get_webhook(
        self,
        webhook_id: Id | Webhook,
        *,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> Webhook:
        """One subscription (without its secret)."""
        call = _id_call("get_webhook", "Webhook", webhook_id, **account(account_id))
        result: Webhook = self._request(call, timeout)
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
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> WebhookWithSecret:
        """Subscribe `url` to `events`. The result's `secret` is shown this once: store it."""
        fields = given(
            url=url, events=events, description=description, secret=secret, enabled=enabled
        )
        body = body_of("WebhookCreate", webhook, fields, "create_webhook")
        call = api_call(
            "webhooks", "create_webhook", "WebhookWithSecret", body=body,
            idempotency_key=idempotency_key, **account(account_id),
        )  # fmt: skip
        result: WebhookWithSecret = self._request(call, timeout)
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
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> Webhook:
        """Change a subscription; `enabled=True` re-enables a disabled endpoint."""
        fields = given(url=url, events=events, description=description, enabled=enabled)
        body = body_of("WebhookUpdate", changes, fields, "update_webhook")
        call = _id_call(
            "update_webhook", "Webhook", webhook_id, body=body, idempotency_key=idempotency_key,
            **account(account_id),
        )  # fmt: skip
        result: Webhook = self._request(call, timeout)
        return result

    @operation("delete_webhook")
    def delete_webhook(
        self,
        webhook_id: Id | Webhook,
        *,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> None:
        """Delete a subscription; its pending deliveries are dropped."""
        self._request(_id_call("delete_webhook", None, webhook_id, **account(account_id)), timeout)

    @operation("rotate_webhook_secret")
    def rotate_webhook_secret(
        self,
        webhook_id: Id | Webhook,
        *,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> WebhookSecret:
        """A new signing secret; the old one keeps signing until `previous_secret_expires_at`."""
        call = _id_call(
            "rotate_webhook_secret", "WebhookSecret", webhook_id,
            idempotency_key=idempotency_key, **account(account_id),
        )  # fmt: skip
        result: WebhookSecret = self._request(call, timeout)
        return result

    @operation("list_webhook_deliveries")
    def list_webhook_deliveries(
        self,
        webhook_id: Id | Webhook,
        *,
        status: DeliveryStatus | str | None = None,
        limit: int | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> SyncPager[WebhookDelivery]:
        """A subscription's delivery log, newest first, page by page."""
        params = deliveries_params(webhook_id, status, limit, account_id)
        first: Page[WebhookDelivery] = self._request(_deliveries(params), timeout)
        return SyncPager(first, lambda p: self._request(_deliveries(p), timeout))

    @operation("redeliver_webhook_delivery")
    def redeliver_webhook_delivery(
        self,
        webhook_id: Id | Webhook,
        delivery_id: Id | WebhookDelivery,
        *,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> WebhookDelivery:
        """Queue the delivery's event again (same `webhook-id`, so receivers can deduplicate)."""
        call = _id_call(
            "redeliver_webhook_delivery", "WebhookDelivery", webhook_id,
            ref(delivery_id, "delivery_id"), idempotency_key=idempotency_key,
            **account(account_id),
        )  # fmt: skip
        result: WebhookDelivery = self._request(call, timeout)
        return result


class AsyncWebhooksMixin(AsyncRequester):
    @operation("list_webhooks")
    def list_webhooks(
        self,
        *,
        limit: int | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> AsyncPager[Webhook]:
        params = {**({} if limit is None else {"limit": limit}), **account(account_id)}
        return AsyncPager(
            lambda: self._request(_list(params), timeout),
            lambda p: self._request(_list(p), timeout),
        )

    @operation("get_webhook")
    async def get_webhook(
        self,
        webhook_id: Id | Webhook,
        *,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> Webhook:
        call = _id_call("get_webhook", "Webhook", webhook_id, **account(account_id))
        result: Webhook = await self._request(call, timeout)
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
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> WebhookWithSecret:
        fields = given(
            url=url, events=events, description=description, secret=secret, enabled=enabled
        )
        body = body_of("WebhookCreate", webhook, fields, "create_webhook")
        call = api_call(
            "webhooks", "create_webhook", "WebhookWithSecret", body=body,
            idempotency_key=idempotency_key, **account(account_id),
        )  # fmt: skip
        result: WebhookWithSecret = await self._request(call, timeout)
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
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> Webhook:
        fields = given(url=url, events=events, description=description, enabled=enabled)
        body = body_of("WebhookUpdate", changes, fields, "update_webhook")
        call = _id_call(
            "update_webhook", "Webhook", webhook_id, body=body, idempotency_key=idempotency_key,
            **account(account_id),
        )  # fmt: skip
        result: Webhook = await self._request(call, timeout)
        return result

    @operation("delete_webhook")
    async def delete_webhook(
        self,
        webhook_id: Id | Webhook,
        *,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> None:
        call = _id_call("delete_webhook", None, webhook_id, **account(account_id))
        await self._request(call, timeout)

    @operation("rotate_webhook_secret")
    async def rotate_webhook_secret(
        self,
        webhook_id: Id | Webhook,
        *,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> WebhookSecret:
        call = _id_call(
            "rotate_webhook_secret", "WebhookSecret", webhook_id,
            idempotency_key=idempotency_key, **account(account_id),
        )  # fmt: skip
        result: WebhookSecret = await self._request(call, timeout)
        return result

    @operation("list_webhook_deliveries")
    def list_webhook_deliveries(
        self,
        webhook_id: Id | Webhook,
        *,
        status: DeliveryStatus | str | None = None,
        limit: int | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> AsyncPager[WebhookDelivery]:
        params = deliveries_params(webhook_id, status, limit, account_id)
        return AsyncPager(
            lambda: self._request(_deliveries(params), timeout),
            lambda p: self._request(_deliveries(p), timeout),
        )

    @operation("redeliver_webhook_delivery")
    async def redeliver_webhook_delivery(
        self,
        webhook_id: Id | Webhook,
        delivery_id: Id | WebhookDelivery,
        *,
        idempotency_key: str | None = None,
        account_id: Id | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> WebhookDelivery:
        call = _id_call(
            "redeliver_webhook_delivery", "WebhookDelivery", webhook_id,
            ref(delivery_id, "delivery_id"), idempotency_key=idempotency_key,
            **account(account_id),
        )  # fmt: skip
        result: WebhookDelivery = await self._request(call, timeout)
        return result
